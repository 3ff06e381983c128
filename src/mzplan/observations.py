"""Observed values: one value of one indicator, for one jurisdiction and period, from one source.

Observations are many (a city tracks every street, quarterly), so they are
light slotted dataclasses rather than pydantic models; the reader validates
each field itself. They are not frozen, though nothing changes one once it is
made: a frozen dataclass sets each field through ``object.__setattr__``, which
made an observation five times dearer to build (0.2 s of a city-scale ``status``
that reads 278,400 of them). So they are not hashable either (nothing hashes
them); they compare by value.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Iterable

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


@dataclasses.dataclass(slots=True, order=True)
class Observation:
    """One observed value, with its source; never changed once made."""

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
    time: float = dataclasses.field(init=False, repr=False, compare=False)
    """The end of the period in fractional years (:func:`period_end`); NaN for a bad period."""

    def __post_init__(self) -> None:
        # Judging reads the time of every observation several times over: once here.
        self.time = _time_of(self.period)

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


@functools.lru_cache(maxsize=4096)
def _time_of(period: str) -> float:
    return period_end(period) if is_period(period) else math.nan


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
    for observation in sorted(observations, key=_choice_order):
        chosen.setdefault(observation.period, observation)
    return sorted(chosen.values(), key=_time_order)


def _choice_order(observation: Observation) -> tuple[str, bool, str]:
    return observation.period, not observation.preferred, observation.source


def _time_order(observation: Observation) -> tuple[float, str]:
    return observation.time, observation.period


class Timeline(tuple[Observation, ...]):
    """A series reduced to one observation per point in time, sorted by time.

    What progress is judged on (:func:`mzplan.tracking.usable_series` cuts it at
    "as of"). A repository keeps one per (indicator, jurisdiction), so judging
    thousands of targets, or one target by both methods, does not redo it.
    """

    __slots__ = ()


def timeline(observations: Iterable[Observation]) -> Timeline:
    """Return one observation per point in time, sorted by time.

    The preferred source wins (:func:`choose_series`). Periods that end together
    (``2023``, ``2023-Q4``, ``2023-12``) are one point in time: the coarsest is
    kept, the year's own figure before the quarter's. Rows with a bad period or a
    non-finite value are skipped (the reader reports them).
    """
    kept: list[Observation] = []
    valid = (o for o in observations if is_period(o.period) and math.isfinite(o.value))
    # choose_series sorts by time, and leaves one observation per period: of the
    # periods that end at one time, keep the coarsest.
    for observation in choose_series(valid):
        if kept and kept[-1].time == observation.time:
            if _coarseness(observation.period) < _coarseness(kept[-1].period):
                kept[-1] = observation
        else:
            kept.append(observation)
    return Timeline(kept)


def observation_time(observation: Observation) -> float:
    """Return ``observation.time`` (a sort key)."""
    return observation.time


def _coarseness(period: str) -> int:
    """Return 0 for a year, 1 for a quarter, 2 for a month."""
    if len(period) == 4:
        return 0
    return 1 if period[5] == "Q" else 2
