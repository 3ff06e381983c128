"""Check observed values against the catalog and against each other.

Each problem is located by file and CSV line (the header is line 1). The
source-priority rule: several sources may give a value for one indicator,
jurisdiction and period; when they disagree, the row marked ``preferred`` is
the one status uses (:func:`mzplan.observations.choose_series`). Without a mark
the first source in alphabetical order is used and a warning names the rule;
two marked rows for one period are an error.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath

from mzplan.numbers import format_number
from mzplan.observation_store import observation_file_name
from mzplan.observations import Observation
from mzplan.problems import Problem
from mzplan.repository import Repository

FIRST_YEAR = 1949
LAST_YEAR = 2100
YEARS_AFTER_PLANS = 10
"""How far after the last plan year an observation may lie before it looks mistyped."""


def check_observations(repository: Repository, *, placement: bool = True) -> list[Problem]:
    """Return the problems of the repository's observations, each at its file and line.

    Checks: known indicator and jurisdiction ids, the indicator's unit, a
    sensible period, no duplicate (indicator, jurisdiction, period, source), at
    most one ``preferred`` row per period, and a warning where sources disagree
    without one. With ``placement``, a stored row must also be in its
    indicator's file (``observations/<indicator>.csv``).
    """
    problems: list[Problem] = []
    last_year = last_plan_year(repository)
    for observation in repository.observations:
        problems.extend(check_one(observation, repository, last_year, placement=placement))
    for group in shared_periods(repository.observations):
        problems.extend(check_group(group))
    return problems


_PERIOD_KEY = operator.attrgetter("indicator", "jurisdiction", "period")


def shared_periods(observations: Sequence[Observation]) -> Iterator[list[Observation]]:
    """Yield the observations that share an (indicator, jurisdiction, period), group by group.

    Stored files are sorted, so the sort finds them in order at little cost, and
    only the few rows equal to a neighbour are touched in Python: a dict of every
    key was the largest part of validating millions of rows.
    """
    ordered = sorted(observations, key=_PERIOD_KEY)
    keys = list(map(_PERIOD_KEY, ordered))
    repeats = itertools.compress(itertools.count(1), map(operator.eq, keys, keys[1:]))
    start = end = -1
    for index in repeats:
        if index - 1 != end:
            if end > start:
                yield ordered[start : end + 1]
            start = index - 1
        end = index
    if end > start:
        yield ordered[start : end + 1]


def last_plan_year(repository: Repository) -> int | None:
    """Return the last year any plan covers or targets (None without plans)."""
    return max(
        (max(e.value.period.end, e.value.target_year) for e in repository.plans), default=None
    )


def _problem(observation: Observation, field: str, code: str, message: str, **kw: str) -> Problem:
    return Problem(
        observation.file,
        observation.line,
        0,
        field,
        code,
        message,
        hint=kw.get("hint"),
        severity="warning" if kw.get("severity") == "warning" else "error",
    )


def check_one(
    observation: Observation,
    repository: Repository,
    last_plan_year: int | None,
    *,
    placement: bool,
) -> list[Problem]:
    """Return the problems of one observation on its own (no other row is looked at)."""
    problems: list[Problem] = []
    indicator = repository.indicator_by_id.get(observation.indicator)
    if indicator is None:
        problems.append(
            _problem(
                observation,
                "indicator",
                "observation-indicator",
                f"unknown indicator {observation.indicator!r}",
                hint="see 'mzplan list indicators'",
            )
        )
    elif observation.unit != indicator.unit:
        problems.append(
            _problem(
                observation,
                "unit",
                "observation-unit",
                f"unit {observation.unit!r} is not the unit of {indicator.id} ({indicator.unit!r})",
                hint="convert the value to the indicator's unit",
            )
        )
    if observation.jurisdiction not in repository.jurisdiction_by_id:
        problems.append(
            _problem(
                observation,
                "jurisdiction",
                "observation-jurisdiction",
                f"unknown jurisdiction {observation.jurisdiction!r}",
                hint="see 'mzplan list jurisdictions'",
            )
        )
    year = int(observation.period[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            _problem(
                observation,
                "period",
                "observation-period",
                f"period {observation.period} is outside {FIRST_YEAR}–{LAST_YEAR}",
            )
        )
    elif last_plan_year is not None and year > last_plan_year + YEARS_AFTER_PLANS:
        problems.append(
            _problem(
                observation,
                "period",
                "observation-period-late",
                f"period {observation.period} is more than {YEARS_AFTER_PLANS} years after the "
                f"last plan year ({last_plan_year})",
                hint="check for a mistyped year",
                severity="warning",
            )
        )
    if placement:
        folder, name = _split_file(observation.file)
        expected = observation_file_name(observation.indicator)
        if folder == "observations" and name != expected:
            problems.append(
                _problem(
                    observation,
                    "indicator",
                    "observation-file",
                    f"a row of {observation.indicator} stored in {name}",
                    hint=f"rows of {observation.indicator} belong in observations/{expected}",
                )
            )
    return problems


def check_group(group: list[Observation]) -> list[Problem]:
    """Return the problems of the rows of one indicator, jurisdiction and period."""
    problems: list[Problem] = []
    by_source: dict[str, Observation] = {}
    for observation in sorted(group, key=lambda o: (o.file, o.line)):
        first = by_source.setdefault(observation.source, observation)
        if first is not observation:
            problems.append(
                _problem(
                    observation,
                    "source",
                    "observation-duplicate",
                    f"{observation.indicator}, {observation.jurisdiction}, {observation.period} "
                    f"from this source is already given at {_place(first)}",
                    hint="keep one row per indicator, jurisdiction, period and source",
                )
            )
    preferred = [o for o in group if o.preferred]
    if len(preferred) > 1:
        for observation in preferred[1:]:
            problems.append(
                _problem(
                    observation,
                    "preferred",
                    "observation-preferred",
                    f"{len(preferred)} rows are marked preferred for {observation.indicator}, "
                    f"{observation.jurisdiction}, {observation.period} "
                    f"(also {_place(preferred[0])})",
                    hint="mark exactly one source preferred",
                )
            )
    values = {o.value for o in by_source.values()}
    if len(values) > 1 and len(preferred) <= 1:
        listing = "; ".join(
            f"{format_number(o.value)} from {o.source!r}" for o in _sorted_by_place(group)
        )
        if preferred:
            chosen = preferred[0]
            rule = "the row marked preferred"
            hint = None
        else:
            chosen = sorted(by_source.values(), key=lambda o: o.source)[0]
            rule = "no row is marked preferred, so the first source in alphabetical order"
            hint = "mark the better-graded source preferred=true (docs/observations.md)"
        # One warning per period, at its first row: the message lists every source.
        first = _sorted_by_place(group)[0]
        problems.append(
            Problem(
                first.file,
                first.line,
                0,
                "value",
                "observation-disagreement",
                f"sources disagree for {first.indicator}, {first.jurisdiction}, "
                f"{first.period}: {listing}; by the source-priority rule status uses "
                f"{format_number(chosen.value)} ({rule})",
                hint=hint,
                severity="warning",
            )
        )
    return problems


def _sorted_by_place(group: Iterable[Observation]) -> list[Observation]:
    return sorted(group, key=lambda o: (o.file, o.line))


def _place(observation: Observation) -> str:
    return f"{observation.file}:{observation.line}" if observation.line else observation.file


# Every row of a file names the same file: split each name once, not per row.
@functools.lru_cache(maxsize=1024)
def _split_file(file: str) -> tuple[str, str]:
    path = PurePath(file)
    return path.parent.name, path.name
