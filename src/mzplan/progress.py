"""Judge a target's progress: completion against elapsed time (序时进度), or growth rates.

This is the project's methodology (the progress specification) in code; the
choices it leaves open are listed in ``docs/methodology-choices.md``. Pure: the
observations and "as of" are arguments; nothing is read, printed or taken from
the clock.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal

from mzplan.growth import classify_growth, growth_ratio
from mzplan.models import Comparison, Direction, Goal, Plan
from mzplan.observations import Observation, year_end
from mzplan.repository import ResolvedTarget, effective_comparison
from mzplan.tracking import Point, Track, build_track, finite, project, usable_series

Method = Literal["default", "growth"]
Status = Literal["achieved", "missed", "ahead", "on_track", "lagging", "regressing", "no_data"]
GrowthStatus = Literal[
    "achieved", "missed", "substantial", "moderate", "limited", "deterioration", "no_data"
]
MilestoneState = Literal["met", "not_met", "pending", "no_data"]

DEFAULT_TOLERANCE = 0.10
"""δ, where neither the command line nor the plan sets it."""
DEFAULT_ABOUT_TOLERANCE = 0.05
"""The band of an ``about`` (左右) target as a fraction of it, where the target sets none."""
ALERT_STATUSES = frozenset({"lagging", "regressing", "missed", "limited", "deterioration"})

_SYMBOLS: dict[Comparison, str] = {"at_least": "≥", "at_most": "≤", "about": "≈", "exactly": "="}
_NO_MEMBERS: Mapping[str, Sequence[Observation]] = MappingProxyType({})


@dataclasses.dataclass(frozen=True)
class MilestoneCheck:
    """An interim milestone and whether the tracked value met it by its year."""

    year: int
    value: float | None
    comparison: Comparison | None
    text: str
    state: MilestoneState
    observed: float | None


@dataclasses.dataclass(frozen=True)
class MemberCheck:
    """A child jurisdiction's latest tracked value against a per-member condition."""

    jurisdiction: str
    value: float | None
    met: bool | None


@dataclasses.dataclass(frozen=True)
class Assessment:
    """The progress of one target as of a date; numbers that do not apply are None.

    ``baseline_value`` is the baseline as given (the level at ``baseline_time``
    for an ``increment`` target, 0 for a ``cumulative`` one); ``tracked_value``,
    ``needed_now``, ``required_yearly_change`` and ``projection`` are in the
    tracked quantity, the one compared with the target.
    """

    method: Method
    status: Status | GrowthStatus
    alert: bool
    stale: bool
    latest: Observation | None
    baseline_value: float | None
    baseline_time: float | None
    baseline_from_observation: bool
    tracked_value: float | None
    completion: float | None
    elapsed: float | None
    needed_now: float | None
    required_yearly_change: float | None
    projection: float | None
    growth_ratio: float | None
    reason: str
    milestones: tuple[MilestoneCheck, ...] = ()
    members: tuple[MemberCheck, ...] = ()
    track: Track | None = None
    """The tracked series the verdict was drawn from (for charts)."""


@dataclasses.dataclass(frozen=True)
class _Verdict:
    status: Status | GrowthStatus
    reason: str
    completion: float | None = None
    needed_now: float | None = None
    required_yearly_change: float | None = None
    projection: float | None = None
    growth_ratio: float | None = None


def time_of(day: datetime.date) -> float:
    """Return the end of a day in fractional years, on the scale of ``period_end``.

    Time runs evenly through each month, so the end of 2023-09-30 is exactly
    the end of the period ``2023-09`` (2023.75), and the end of 2023-12-31 is 2024.0.
    """
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return day.year + (day.month - 1 + day.day / days_in_month) / 12


def satisfies(
    value: float, goal: float, comparison: Comparison, direction: Direction, tolerance: float
) -> bool:
    """Return whether ``value`` meets ``goal``: the test for ``achieved``.

    ``tolerance`` is the band of an ``about`` target as a fraction of ``|goal|``:
    an increasing indicator must reach ``goal − band``, a decreasing one get down
    to ``goal + band``. ``exactly`` allows only floating-point noise.
    """
    if comparison == "at_least":
        return value >= goal
    if comparison == "at_most":
        return value <= goal
    if comparison == "about":
        band = tolerance * abs(goal)
        return value >= goal - band if direction == "increase" else value <= goal + band
    return math.isclose(value, goal, rel_tol=1e-9, abs_tol=1e-9)


def assess_target(
    target: ResolvedTarget,
    observations: Sequence[Observation],
    *,
    as_of: datetime.date,
    method: Method = "default",
    tolerance: float | None = None,
    member_observations: Mapping[str, Sequence[Observation]] = _NO_MEMBERS,
) -> Assessment:
    """Assess a target from its observed series as of a date.

    ``observations`` is the series of the target's indicator and jurisdiction
    (several sources per period allowed: the preferred one wins); only periods
    ended by ``as_of`` count, and the target is judged on the latest of them up
    to the end of its year. ``tolerance`` is δ (else the plan's, else 0.10).
    ``member_observations`` maps each child jurisdiction to its series, for a
    per-member condition; a child with an empty series gets a row without a value.
    """
    now = time_of(as_of)
    series = usable_series(observations, now)
    goal = target.target.target
    deadline = year_end(goal.year)
    track = build_track(target.measure, target.target.baseline, series, _plan_start(target.plan))
    judged = [p for p in track.points if p.time <= deadline]
    latest = judged[-1] if judged else None
    # The target year has passed once an observation reaches its end; "as of"
    # alone never makes a target missed (without data there is no verdict).
    passed = bool(series) and series[-1].time >= deadline
    delta = next(d for d in (tolerance, target.plan.tolerance, DEFAULT_TOLERANCE) if d is not None)
    about = target.target.tolerance or DEFAULT_ABOUT_TOLERANCE
    elapsed = None
    if latest is not None and track.origin_time is not None and deadline > track.origin_time:
        elapsed = finite((latest.time - track.origin_time) / (deadline - track.origin_time))
    if latest is None:
        reason = track.reason or f"no observation by the end of {goal.year}"
        verdict = _Verdict("no_data", reason)
    elif target.measure == "milestone":
        verdict = _judge_milestone(latest, passed=passed, year=goal.year)
    elif goal.value is None or target.comparison is None:
        verdict = _Verdict("no_data", "the target has no value")
    elif target.measure == "annual":
        verdict = _judge_annual(target, judged, passed=passed, about=about)
    else:
        verdict = _judge_numbers(
            target, track, judged, elapsed=elapsed, passed=passed, delta=delta, about=about
        )
    if method == "growth":
        verdict = _growth_verdict(target, track, verdict, latest)
    return Assessment(
        method=method,
        status=verdict.status,
        alert=target.target.type == "binding" and verdict.status in ALERT_STATUSES,
        stale=bool(series) and series[-1].time < now - 1,
        latest=latest.observation if latest else (series[-1] if series else None),
        baseline_value=track.baseline_value,
        baseline_time=track.origin_time,
        baseline_from_observation=track.from_observation,
        tracked_value=latest.value if latest else None,
        completion=verdict.completion,
        elapsed=elapsed,
        needed_now=verdict.needed_now,
        required_yearly_change=verdict.required_yearly_change,
        projection=verdict.projection,
        growth_ratio=verdict.growth_ratio,
        reason=verdict.reason,
        milestones=tuple(
            _check_milestone(target, m, series, track, about) for m in target.target.milestones
        ),
        members=_check_members(target, member_observations, now, about),
        track=track,
    )


def _plan_start(plan: Plan) -> float:
    """Return the end of the plan's baseline year: the year before its period if unset."""
    return year_end(plan.baseline_year if plan.baseline_year is not None else plan.period.start - 1)


def _describe(comparison: Comparison, value: float) -> str:
    return f"{_SYMBOLS[comparison]} {value:g}"


def _percent(share: float) -> str:
    return f"{share * 100:.3g} %"


def _judge_milestone(latest: Point, *, passed: bool, year: int) -> _Verdict:
    if latest.value >= 1:
        return _Verdict("achieved", f"reported done in {latest.observation.period}")
    if passed:
        return _Verdict("missed", f"not done by the end of {year}")
    return _Verdict("on_track", f"not done yet; due by the end of {year}")


def _judge_annual(
    target: ResolvedTarget, judged: Sequence[Point], *, passed: bool, about: float
) -> _Verdict:
    goal, comparison = target.target.target.value, target.comparison
    assert goal is not None and comparison is not None  # checked by the caller
    direction = target.indicator.direction
    condition = _describe(comparison, goal)
    failed = ", ".join(
        p.observation.period
        for p in judged
        if not satisfies(p.value, goal, comparison, direction, about)
    )
    held = ", ".join(p.observation.period for p in judged)
    if failed:
        status: Status = "missed" if passed else "lagging"
        return _Verdict(status, f"the condition {condition} failed in {failed}", needed_now=goal)
    status = "achieved" if passed else "on_track"
    return _Verdict(status, f"the condition {condition} held in {held}", needed_now=goal)


def _judge_numbers(
    target: ResolvedTarget,
    track: Track,
    judged: Sequence[Point],
    *,
    elapsed: float | None,
    passed: bool,
    delta: float,
    about: float,
) -> _Verdict:
    goal, comparison = target.target.target.value, target.comparison
    assert goal is not None and comparison is not None  # checked by the caller
    assert track.origin_time is not None and track.origin_value is not None
    t0, base = track.origin_time, track.origin_value
    year = target.target.target.year
    deadline = year_end(year)
    value, time = judged[-1].value, judged[-1].time
    completion = finite((value - base) / (goal - base)) if goal != base else None
    numbers = _Verdict(
        "no_data",
        "",
        completion=completion,
        needed_now=None if elapsed is None else finite(base + elapsed * (goal - base)),
        required_yearly_change=finite((goal - value) / (deadline - time))
        if time < deadline
        else None,
        projection=project([(t0, base), *((p.time, p.value) for p in judged)], deadline),
    )

    def verdict(status: Status, reason: str) -> _Verdict:
        return dataclasses.replace(numbers, status=status, reason=reason)

    condition = _describe(comparison, goal)
    where = f"{value:g} in {judged[-1].observation.period}"
    if satisfies(value, goal, comparison, target.indicator.direction, about):
        return verdict("achieved", f"{where} meets the target {condition}")
    if passed:
        return verdict("missed", f"{year} has passed and {where} misses the target {condition}")
    if elapsed is None:
        return verdict("no_data", "the target year is not after the baseline")
    if completion is None:
        # T == b (hold the baseline) or an overflow: only the side of b is known.
        toward = (value > base and goal > base) or (value < base and goal < base)
        side = "toward" if toward else "away from"
        return verdict("ahead" if toward else "regressing", f"{where} moved {side} the target")
    progress, schedule, band = _percent(completion), _percent(elapsed), _percent(delta)
    if completion >= elapsed + delta:
        return verdict("ahead", f"completion {progress} is ahead of elapsed time {schedule}")
    if completion >= elapsed - delta:
        return verdict("on_track", f"completion {progress} is within {band} of time {schedule}")
    if completion >= 0:
        return verdict("lagging", f"completion {progress} trails elapsed time {schedule}")
    return verdict("regressing", f"{where} is further from the target than the baseline {base:g}")


def _growth_verdict(
    target: ResolvedTarget, track: Track, default: _Verdict, latest: Point | None
) -> _Verdict:
    """Return the growth method's verdict: achieved, missed and no data as the default's."""
    if default.status in ("achieved", "missed", "no_data") or latest is None:
        return default
    measure = target.measure
    goal, base, t0 = target.target.target.value, track.baseline_value, track.origin_time
    if measure not in ("level", "increment") or goal is None or base is None or t0 is None:
        return dataclasses.replace(
            default, status="no_data", reason=f"a {measure} target has no growth rate"
        )
    # An increment is judged on the level it adds to: from b to b + T.
    value = latest.value if measure == "level" else latest.observation.value
    level_goal = goal if measure == "level" else base + goal
    ratio, why = growth_ratio(
        value=value,
        baseline=base,
        target=level_goal,
        elapsed_years=latest.time - t0,
        planned_years=year_end(target.target.target.year) - t0,
        direction=target.indicator.direction,
    )
    if ratio is None:
        return dataclasses.replace(default, status="no_data", reason=why)
    reason = f"growth ratio R = {ratio:.2f} ({why})"
    return dataclasses.replace(
        default, status=classify_growth(ratio), reason=reason, growth_ratio=ratio
    )


def _meets(
    value: float, goal: Goal, comparison: Comparison | None, direction: Direction, about: float
) -> bool:
    if goal.value is None or comparison is None:
        return value >= 1  # a task: 1 done, 0 not done
    return satisfies(value, goal.value, comparison, direction, about)


def _check_milestone(
    target: ResolvedTarget,
    goal: Goal,
    series: Sequence[Observation],
    track: Track,
    about: float,
) -> MilestoneCheck:
    """Check an interim milestone on the tracked value at the end of its year."""
    comparison = effective_comparison(goal.comparison, target.indicator, target.measure)
    if target.measure in ("cumulative", "increment"):
        values = [(p.time, p.value) for p in track.points]
    else:
        values = [(o.time, o.value) for o in series]
    deadline = year_end(goal.year)
    until = [v for v in values if v[0] <= deadline]
    observed = until[-1][1] if until else None
    state: MilestoneState
    if not values:
        state = "no_data"
    elif observed is not None and _meets(
        observed, goal, comparison, target.indicator.direction, about
    ):
        state = "met"
    elif values[-1][0] < deadline:
        state = "pending"
    elif not until or until[-1][0] <= deadline - 1:
        state = "no_data"
    else:
        state = "not_met"
    return MilestoneCheck(goal.year, goal.value, comparison, goal.text, state, observed)


def _check_members(
    target: ResolvedTarget,
    member_observations: Mapping[str, Sequence[Observation]],
    now: float,
    about: float,
) -> tuple[MemberCheck, ...]:
    """Check each child jurisdiction's tracked value, up to the target year, on the condition."""
    condition = target.target.per_member
    if condition is None:
        return ()
    deadline, start = year_end(target.target.target.year), _plan_start(target.plan)
    checks = []
    for jurisdiction in sorted(member_observations):
        series = usable_series(member_observations[jurisdiction], now)
        if target.measure in ("cumulative", "increment"):
            track = build_track(target.measure, None, series, start)
            values = [p.value for p in track.points if p.time <= deadline]
        else:
            values = [o.value for o in series if o.time <= deadline]
        value = values[-1] if values else None
        met = None
        if value is not None:
            direction = target.indicator.direction
            met = satisfies(value, condition.value, condition.comparison, direction, about)
        checks.append(MemberCheck(jurisdiction, value, met))
    return tuple(checks)
