"""Observed values: one value of one indicator, for one jurisdiction and period, from one source.

Observations are many (a city tracks every street, quarterly), so they are
light frozen dataclasses rather than pydantic models; the reader validates
each field itself.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class Observation:
    """One observed value, with its source."""

    indicator: str
    jurisdiction: str
    period: str
    value: float
    unit: str
    source: str
    note: str = ""
    preferred: bool = False
    file: str = dataclasses.field(default="", compare=False)
    line: int = dataclasses.field(default=0, compare=False)

    def __reduce__(self) -> tuple[type[Observation], tuple[object, ...]]:
        # The cache pickles hundreds of thousands of these: rebuilding through
        # __init__ is several times faster than the generic dataclass
        # __setstate__, which looks the fields up again for every object.
        return (
            Observation,
            (
                self.indicator,
                self.jurisdiction,
                self.period,
                self.value,
                self.unit,
                self.source,
                self.note,
                self.preferred,
                self.file,
                self.line,
            ),
        )

    @property
    def time(self) -> float:
        """Return the end of the period in fractional years (see :func:`period_end`)."""
        return period_end(self.period)


@functools.lru_cache(maxsize=4096)
def is_period(text: str) -> bool:
    """Return whether ``text`` is a period: ``2023``, ``2023-Q3`` or ``2023-09``."""
    return _PERIOD.match(text) is not None


# Periods repeat (every place reports 2023-Q3): parse each text once.
@functools.lru_cache(maxsize=4096)
def period_end(period: str) -> float:
    """Return the end of a period in fractional years: the end of ``2023-09`` is 2023.75.

    On this scale the end of the year ``2023`` (and of ``2023-Q4``, ``2023-12``) is
    2024.0, so a plan's baseline year 2020 ends at 2021.0. Raise ``ValueError`` for
    a text that is not a period.
    """
    match = _PERIOD.match(period)
    if match is None:
        raise ValueError(f"not a period: {period!r} (write 2023, 2023-Q3 or 2023-09)")
    year = int(match["year"])
    if match["quarter"]:
        return year + int(match["quarter"]) * 3 / 12
    if match["month"]:
        return year + int(match["month"]) / 12
    return year + 1.0


def year_end(year: int) -> float:
    """Return the end of a calendar year on the scale of :func:`period_end`."""
    return year + 1.0


OBSERVATION_COLUMNS = (
    "indicator",
    "jurisdiction",
    "period",
    "value",
    "unit",
    "source",
    "note",
    "preferred",
)


def choose_series(observations: Iterable[Observation]) -> list[Observation]:
    """Return one observation per period, sorted by time: the rule status uses.

    Where several sources give a value for the same period, the one marked
    ``preferred`` wins; without a mark, the first source in alphabetical order
    (validation warns about such unresolved disagreements).
    """
    chosen: dict[str, Observation] = {}
    for observation in sorted(observations, key=lambda o: (o.period, not o.preferred, o.source)):
        chosen.setdefault(observation.period, observation)
    return sorted(chosen.values(), key=lambda o: (o.time, o.period))
