"""Properties of the progress engine, over generated targets and series (hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime
import math
from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.builders import goal, make_target, obs

from mzplan.models import Comparison, Direction, Measure, MemberCondition
from mzplan.observations import Observation
from mzplan.progress import (
    Assessment,
    GrowthStatus,
    Method,
    Status,
    assess_target,
    satisfies,
)
from mzplan.repository import ResolvedTarget

AFTER_THE_PLAN = datetime.date(2026, 6, 30)
MIRROR: dict[Comparison | None, Comparison | None] = {
    "at_least": "at_most",
    "at_most": "at_least",
    "about": "about",
    "exactly": "exactly",
    None: None,
}
FLIP: dict[Direction, Direction] = {"increase": "decrease", "decrease": "increase"}

moderate = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
gaps = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
finite = st.floats(allow_nan=False, allow_infinity=False)
comparisons = st.sampled_from(get_args(Comparison))
directions = st.sampled_from(get_args(Direction))
methods = st.sampled_from(get_args(Method))


@st.composite
def periods(draw: st.DrawFn, first: int = 2018, last: int = 2027) -> str:
    """Draw a year, quarter or month period between ``first`` and ``last``."""
    year = draw(st.integers(first, last))
    kind = draw(st.sampled_from(["year", "quarter", "month"]))
    if kind == "year":
        return str(year)
    if kind == "quarter":
        return f"{year}-Q{draw(st.integers(1, 4))}"
    return f"{year}-{draw(st.integers(1, 12)):02d}"


def observations(pairs: list[tuple[str, float]]) -> list[Observation]:
    """Return observations from two alternating sources, so some periods have both."""
    return [obs(period, value, source=f"source {i % 2}") for i, (period, value) in enumerate(pairs)]


def progress_target(
    measure: Measure, direction: Direction, base: float, gap: float
) -> ResolvedTarget:
    """Return a target moving ``gap`` from ``base`` in its direction, as its measure reads it."""
    step = gap if direction == "increase" else -gap
    if measure == "cumulative":
        return make_target(measure=measure, baseline=None, value=gap, comparison=None)
    value = base + step if measure == "level" else step
    return make_target(
        measure=measure, direction=direction, baseline=(base, 2020), value=value, comparison=None
    )


@settings(max_examples=150, deadline=None)
@given(
    measure=st.sampled_from(["level", "increment", "cumulative"]),
    direction=directions,
    base=moderate,
    gap=gaps,
    first=moderate,
    second=moderate,
    period=periods(2021, 2025),
)
def test_completion_rises_with_the_value_for_increase_and_falls_for_decrease(
    measure: Measure,
    direction: Direction,
    base: float,
    gap: float,
    first: float,
    second: float,
    period: str,
) -> None:
    if measure == "cumulative":
        direction = "increase"  # a total of flows grows
    target = progress_target(measure, direction, base, gap)
    low, high = sorted((first, second))
    at_low = assess_target(target, [obs(period, low)], as_of=AFTER_THE_PLAN).completion
    at_high = assess_target(target, [obs(period, high)], as_of=AFTER_THE_PLAN).completion
    assert at_low is not None and at_high is not None
    assert at_low <= at_high if direction == "increase" else at_low >= at_high


def mirrored(target: ResolvedTarget) -> ResolvedTarget:
    """Return the same target upside down: values negated, direction and comparison flipped."""
    inner = target.target
    flipped = dataclasses.replace(
        target,
        indicator=target.indicator.model_copy(
            update={"direction": FLIP[target.indicator.direction]}
        ),
    )
    baseline = (
        None
        if inner.baseline is None
        else inner.baseline.model_copy(update={"value": -inner.baseline.value})
    )
    goals = [
        g.model_copy(
            update={
                "value": None if g.value is None else -g.value,
                "comparison": MIRROR[g.comparison],
            }
        )
        for g in (inner.target, *inner.milestones)
    ]
    return dataclasses.replace(
        flipped,
        target=inner.model_copy(
            update={"baseline": baseline, "target": goals[0], "milestones": tuple(goals[1:])}
        ),
    )


@settings(max_examples=200, deadline=None)
@given(
    measure=st.sampled_from(["level", "increment", "cumulative", "annual"]),
    direction=directions,
    comparison=st.one_of(st.none(), comparisons),
    base=st.one_of(st.none(), moderate, finite),
    goal_value=st.one_of(moderate, finite),
    milestone=moderate,
    pairs=st.lists(st.tuples(periods(2020, 2026), st.one_of(moderate, finite)), max_size=6),
    as_of=st.dates(datetime.date(2022, 1, 1), datetime.date(2027, 12, 31)),
    tolerance=st.one_of(st.none(), st.floats(0, 1)),
)
def test_a_mirrored_target_has_the_same_status(
    measure: Measure,
    direction: Direction,
    comparison: Comparison | None,
    base: float | None,
    goal_value: float,
    milestone: float,
    pairs: list[tuple[str, float]],
    as_of: datetime.date,
    tolerance: float | None,
) -> None:
    target = make_target(
        measure=measure,
        direction=direction,
        comparison=comparison,
        baseline=None if base is None else (base, 2020),
        value=goal_value,
        milestones=[goal(milestone, 2023, comparison)],
    )
    upside_down = [(period, -value) for period, value in pairs]
    original = assess_target(target, observations(pairs), as_of=as_of, tolerance=tolerance)
    mirror = assess_target(
        mirrored(target), observations(upside_down), as_of=as_of, tolerance=tolerance
    )
    assert (mirror.status, mirror.alert) == (original.status, original.alert)
    assert mirror.completion == original.completion
    assert [m.state for m in mirror.milestones] == [m.state for m in original.milestones]


@settings(max_examples=200, deadline=None)
@given(
    measure=st.sampled_from(["level", "increment", "cumulative"]),
    direction=directions,
    comparison=st.one_of(st.none(), comparisons),
    base=st.one_of(st.none(), moderate),
    goal_value=moderate,
    about=st.one_of(st.none(), st.floats(0.01, 0.5)),
    pairs=st.lists(st.tuples(periods(), moderate), min_size=1, max_size=5),
    method=methods,
)
def test_achieved_exactly_when_the_target_condition_holds(
    measure: Measure,
    direction: Direction,
    comparison: Comparison | None,
    base: float | None,
    goal_value: float,
    about: float | None,
    pairs: list[tuple[str, float]],
    method: Method,
) -> None:
    target = make_target(
        measure=measure,
        direction=direction,
        comparison=comparison,
        baseline=None if base is None else (base, 2020),
        value=goal_value,
        about_tolerance=about,
    )
    result = assess_target(target, observations(pairs), as_of=AFTER_THE_PLAN, method=method)
    assert target.comparison is not None
    if result.tracked_value is None:
        assert result.status == "no_data"
        return
    holds = satisfies(result.tracked_value, goal_value, target.comparison, direction, about or 0.05)
    assert (result.status == "achieved") == holds


def float_fields(result: Assessment) -> list[float | None]:
    """Return every number of an assessment, its milestone checks and member checks."""
    numbers = [
        result.baseline_value,
        result.baseline_time,
        result.tracked_value,
        result.completion,
        result.elapsed,
        result.needed_now,
        result.required_yearly_change,
        result.projection,
        result.growth_ratio,
    ]
    numbers += [m.observed for m in result.milestones]
    numbers += [m.value for m in result.members]
    return numbers


@settings(max_examples=300, deadline=None)
@given(
    measure=st.sampled_from(get_args(Measure)),
    direction=directions,
    comparison=st.one_of(st.none(), comparisons),
    base=st.one_of(st.none(), st.tuples(finite, st.integers(2015, 2026))),
    goal_value=st.one_of(st.none(), finite),
    year=st.integers(2020, 2027),
    baseline_year=st.one_of(st.none(), st.integers(2015, 2026)),
    about=st.one_of(st.none(), st.floats(0.001, 0.999)),
    plan_tolerance=st.one_of(st.none(), st.floats(0, 1)),
    tolerance=st.one_of(st.none(), st.floats(0, 1e6)),
    milestones=st.lists(
        st.tuples(st.one_of(st.none(), finite), st.integers(2019, 2027)), max_size=2
    ),
    member=st.one_of(st.none(), finite),
    pairs=st.lists(st.tuples(periods(), finite), max_size=8),
    member_pairs=st.lists(st.tuples(periods(), finite), max_size=4),
    as_of=st.dates(datetime.date(2015, 1, 1), datetime.date(2030, 12, 31)),
    method=methods,
)
def test_no_finite_input_raises_or_gives_nan_or_inf(
    measure: Measure,
    direction: Direction,
    comparison: Comparison | None,
    base: tuple[float, int] | None,
    goal_value: float | None,
    year: int,
    baseline_year: int | None,
    about: float | None,
    plan_tolerance: float | None,
    tolerance: float | None,
    milestones: list[tuple[float | None, int]],
    member: float | None,
    pairs: list[tuple[str, float]],
    member_pairs: list[tuple[str, float]],
    as_of: datetime.date,
    method: Method,
) -> None:
    condition = None
    if member is not None:
        condition = MemberCondition(value=member, comparison=comparison or "at_least", text="每区")
    target = make_target(
        measure=measure,
        direction=direction,
        comparison=comparison,
        baseline=base,
        value=goal_value,
        year=year,
        baseline_year=baseline_year,
        about_tolerance=about,
        plan_tolerance=plan_tolerance,
        milestones=[goal(value, when, comparison) for value, when in milestones],
        per_member=condition,
    )
    members = {"east": observations(member_pairs), "west": []}
    result = assess_target(
        target,
        observations(pairs),
        as_of=as_of,
        method=method,
        tolerance=tolerance,
        member_observations=members,
    )
    assert all(x is None or math.isfinite(x) for x in float_fields(result))
    allowed = get_args(GrowthStatus) if method == "growth" else get_args(Status)
    assert result.status in allowed
    assert result.reason
    assert len(result.members) == (2 if condition else 0)
