"""Build targets and observations for tests of the core, with Chongming-like defaults.

The default target is 护理型床位占比 (nursing-bed share) of the Chongming
14th five-year plan: baseline 30 % at the end of 2020, at least 60 % by 2025,
binding. On the time scale of ``period_end`` the baseline is t0 = 2021.0 and
the target tT = 2026.0, so every year elapsed is τ = 0.2.
"""

from __future__ import annotations

from collections.abc import Sequence

from mzplan.models import (
    Baseline,
    Citation,
    Comparison,
    Direction,
    Goal,
    Indicator,
    Jurisdiction,
    Measure,
    MemberCondition,
    Period,
    Plan,
    Target,
    TargetType,
)
from mzplan.observations import Observation
from mzplan.repository import ResolvedTarget

CITATION = Citation(file="004_5260b8c10a0e9d13.txt", section="三(四) 主要指标")


def make_target(
    *,
    indicator: str = "nursing_bed_share",
    unit: str = "%",
    direction: Direction = "increase",
    measure: Measure = "level",
    baseline: tuple[float, int] | None = (30.0, 2020),
    value: float | None = 60.0,
    year: int = 2025,
    comparison: Comparison | None = "at_least",
    target_type: TargetType | None = "binding",
    about_tolerance: float | None = None,
    plan_tolerance: float | None = None,
    milestones: Sequence[Goal] = (),
    per_member: MemberCondition | None = None,
    period: tuple[int, int] = (2021, 2025),
    baseline_year: int | None = 2020,
    jurisdiction: str = "chongming",
) -> ResolvedTarget:
    """Return a resolved target; every argument has a Chongming-like default."""
    goal_text = "done" if value is None else f"{value:g}"
    target = Target(
        indicator=indicator,
        type=target_type,
        baseline=None if baseline is None else Baseline(value=baseline[0], year=baseline[1]),
        target=Goal(value=value, year=year, comparison=comparison, text=goal_text),
        tolerance=about_tolerance,
        milestones=tuple(milestones),
        per_member=per_member,
        source=CITATION,
    )
    return ResolvedTarget(
        key=f"plan/{jurisdiction}/{indicator}",
        target=target,
        indicator=Indicator(
            id=indicator,
            name_zh="护理型床位占比",
            name_en="Nursing-care beds as a share of all beds",
            unit=unit,
            direction=direction,
            measure=measure,
            domain="elderly_care",
            source=CITATION,
        ),
        plan=Plan(
            id="plan",
            title_zh="崇明区民政事业发展“十四五”规划",
            title_en="Chongming District Civil Affairs Development Plan",
            issuer="上海市崇明区人民政府办公室",
            jurisdiction=jurisdiction,
            period=Period(start=period[0], end=period[1]),
            baseline_year=baseline_year,
            target_year=year,
            source="004_5260b8c10a0e9d13.txt",
            tolerance=plan_tolerance,
        ),
        jurisdiction=Jurisdiction(
            id=jurisdiction, name_zh="崇明区", name_en="Chongming", level="district"
        ),
    )


def goal(value: float | None, year: int, comparison: Comparison | None = None) -> Goal:
    """Return an interim milestone (or a target) ``value`` by the end of ``year``."""
    return Goal(value=value, year=year, comparison=comparison, text=f"{value} by {year}")


def obs(
    period: str,
    value: float,
    *,
    source: str = "统计公报",
    preferred: bool = False,
    jurisdiction: str = "chongming",
) -> Observation:
    """Return one observation of the default indicator."""
    return Observation(
        indicator="nursing_bed_share",
        jurisdiction=jurisdiction,
        period=period,
        value=value,
        unit="%",
        source=source,
        preferred=preferred,
    )


def series(*pairs: tuple[str, float]) -> list[Observation]:
    """Return observations from ``(period, value)`` pairs."""
    return [obs(period, value) for period, value in pairs]
