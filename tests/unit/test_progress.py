"""The progress engine on worked examples, each computed by hand in its comments.

Time is in fractional years at the end of a period: the end of 2020 is 2021.0,
of 2022 is 2023.0, of 2023-Q2 is 2023.5. The Chongming plan runs 2021–2025 with
baseline year 2020, so t0 = 2021.0, tT = 2026.0 and each year is τ += 0.2.
Default tolerance δ = 0.10.
"""

from __future__ import annotations

import datetime

import pytest

from mzplan.growth import classify_growth, compound_growth, growth_ratio
from mzplan.models import Comparison, Direction, MemberCondition
from mzplan.observations import Observation, period_end
from mzplan.progress import Assessment, Method, assess_target, satisfies, time_of
from mzplan.repository import ResolvedTarget
from tests.unit.builders import goal, make_target, obs, series

AS_OF = datetime.date(2026, 6, 30)


def assess(
    target: ResolvedTarget,
    observations: list[Observation],
    *,
    as_of: datetime.date = AS_OF,
    method: Method = "default",
    tolerance: float | None = None,
) -> Assessment:
    return assess_target(target, observations, as_of=as_of, method=method, tolerance=tolerance)


# --- time and the "achieved" test ------------------------------------------------------


def test_time_of_a_month_end_is_the_end_of_that_month_period() -> None:
    assert time_of(datetime.date(2023, 9, 30)) == period_end("2023-09") == 2023.75
    assert time_of(datetime.date(2023, 9, 30)) == period_end("2023-Q3")
    assert time_of(datetime.date(2023, 12, 31)) == period_end("2023") == 2024.0
    assert time_of(datetime.date(2024, 2, 29)) == period_end("2024-02")
    # Mid-month: 15 of 30 days of September is half a month past the end of August.
    assert time_of(datetime.date(2023, 9, 15)) == pytest.approx(2023 + 8.5 / 12)


@pytest.mark.parametrize(
    ("value", "goal_value", "comparison", "direction", "expected"),
    [
        (60.0, 60.0, "at_least", "increase", True),
        (59.99, 60.0, "at_least", "increase", False),
        (1.59, 1.59, "at_most", "decrease", True),
        (1.60, 1.59, "at_most", "decrease", False),
        # about 100, band 5 % of 100 = 5: an increase must reach 95.
        (95.0, 100.0, "about", "increase", True),
        (94.9, 100.0, "about", "increase", False),
        # about 1.59 for a decrease: at most 1.59 × 1.05 = 1.6695.
        (1.66, 1.59, "about", "decrease", True),
        (1.67, 1.59, "about", "decrease", False),
        # exactly: only floating-point noise is forgiven (0.1 + 0.2 is 0.30000000000000004).
        (0.1 + 0.2, 0.3, "exactly", "increase", True),
        (101.0, 100.0, "exactly", "increase", False),
        (99.0, 100.0, "exactly", "decrease", False),
    ],
)
def test_satisfies(
    value: float, goal_value: float, comparison: Comparison, direction: Direction, expected: bool
) -> None:
    assert satisfies(value, goal_value, comparison, direction, 0.05) is expected


def test_about_uses_the_targets_own_tolerance() -> None:
    # about 100 with tolerance 10 %: 90 is within the band, 89 is not.
    target = make_target(value=100.0, comparison="about", about_tolerance=0.10)
    assert assess(target, series(("2023", 90.0))).status == "achieved"
    # 89: P = (89 − 30)/(100 − 30) = 59/70 = 0.843, τ = 0.6: ahead, not achieved.
    assert assess(target, series(("2023", 89.0))).status == "ahead"


# --- level, increase: 护理型床位占比 30 → ≥ 60 by 2025, binding ----------------------------


def test_ahead_with_needed_now_required_change_and_projection() -> None:
    # 2022 (t = 2023.0): τ = 2/5 = 0.4; P = (50 − 30)/(60 − 30) = 0.667 ≥ 0.4 + 0.1: ahead.
    result = assess(make_target(), series(("2022", 50.0)))
    assert result.status == "ahead"
    assert result.alert is False
    assert result.completion == pytest.approx(2 / 3)
    assert result.elapsed == pytest.approx(0.4)
    assert result.tracked_value == 50.0
    # On schedule now: 30 + 0.4 × 30 = 42. Still needed: (60 − 50)/(2026 − 2023) = 3.33 a year.
    assert result.needed_now == pytest.approx(42.0)
    assert result.required_yearly_change == pytest.approx(10 / 3)
    # Line through (2021, 30) and (2023, 50): 10 a year, so 80 at 2026.
    assert result.projection == pytest.approx(80.0)
    assert result.baseline_value == 30.0
    assert result.baseline_time == 2021.0
    assert result.baseline_from_observation is False
    assert result.latest == obs("2022", 50.0)


@pytest.mark.parametrize(
    ("period", "value", "status", "alert"),
    [
        # τ = 0.4, P = 13/30 = 0.433: 0.3 ≤ P < 0.5.
        ("2022", 43.0, "on_track", False),
        # 2023-Q3 (t = 2023.75): τ = 2.75/5 = 0.55, P = 18/30 = 0.6: 0.45 ≤ P < 0.65.
        ("2023-Q3", 48.0, "on_track", False),
        # τ = 0.4, P = 5/30 = 0.167 < 0.3: lagging; binding, so an alert.
        ("2022", 35.0, "lagging", True),
        # τ = 0.4, P = −2/30 < 0: regressing, alert.
        ("2022", 28.0, "regressing", True),
        # 2021-Q1 (t = 2021.25): τ = 0.05, P = −0.5/30 = −0.017 ≥ τ − δ = −0.05: the table is
        # checked in order, so a small early dip is still on track.
        ("2021-Q1", 29.5, "on_track", False),
        # 61 ≥ 60 before 2025: achieved; exactly 60 counts too.
        ("2024", 61.0, "achieved", False),
        ("2023", 60.0, "achieved", False),
        # 2025 (t = 2026.0 ≥ tT), 55 < 60: missed, alert.
        ("2025", 55.0, "missed", True),
    ],
)
def test_level_increase_statuses(period: str, value: float, status: str, alert: bool) -> None:
    result = assess(make_target(), series((period, value)))
    assert (result.status, result.alert) == (status, alert)


def test_no_observation_is_no_data() -> None:
    result = assess(make_target(), [])
    assert result.status == "no_data"
    assert result.reason == "no observation yet"
    assert (result.latest, result.completion, result.stale, result.alert) == (
        None,
        None,
        False,
        False,
    )


def test_expected_and_untyped_targets_never_alert() -> None:
    for target_type in ("expected", None):
        target = make_target(target_type=target_type)
        assert assess(target, series(("2022", 28.0))).alert is False


# --- level, decrease: 低保人数占比 1.64 → 1.59 (a bare number: at most) ---------------------


@pytest.mark.parametrize(
    ("period", "value", "status"),
    [
        # P = (1.61 − 1.64)/(1.59 − 1.64) = −0.03/−0.05 = 0.6 ≥ 0.4 + 0.1.
        ("2022", 1.61, "ahead"),
        # P = −0.02/−0.05 = 0.4, within 0.1 of τ = 0.4.
        ("2022", 1.62, "on_track"),
        # P = −0.005/−0.05 = 0.1 < 0.3.
        ("2022", 1.635, "lagging"),
        # P = 0.02/−0.05 = −0.4: further from the target than the baseline.
        ("2022", 1.66, "regressing"),
        ("2024", 1.58, "achieved"),
        ("2024", 1.59, "achieved"),
        ("2025", 1.60, "missed"),
    ],
)
def test_level_decrease_statuses(period: str, value: float, status: str) -> None:
    target = make_target(
        indicator="dibao_population_share",
        direction="decrease",
        baseline=(1.64, 2020),
        value=1.59,
        comparison=None,
        target_type="expected",
    )
    assert target.comparison == "at_most"
    result = assess(target, series((period, value)))
    assert result.status == status
    assert result.alert is False


# --- 养老床位 8439 → 10105 (a bare number: at least) --------------------------------------


def test_elderly_beds_lagging_with_schedule_numbers() -> None:
    target = make_target(
        indicator="elderly_care_beds", unit="张", baseline=(8439.0, 2020), value=10105.0,
        comparison=None, target_type="expected",
    )  # fmt: skip
    # 2023-Q2 (t = 2023.5): τ = 2.5/5 = 0.5; P = (9000 − 8439)/(10105 − 8439) = 561/1666
    # = 0.337 < 0.4: lagging (expected, so no alert).
    result = assess(target, series(("2023-Q2", 9000.0)))
    assert result.status == "lagging"
    assert result.alert is False
    assert result.completion == pytest.approx(561 / 1666)
    # On schedule: 8439 + 0.5 × 1666 = 9272; still needed (10105 − 9000)/2.5 = 442 a year.
    assert result.needed_now == pytest.approx(9272.0)
    assert result.required_yearly_change == pytest.approx(442.0)
    # Line through (2021, 8439) and (2023.5, 9000): 224.4 a year, 9000 + 2.5 × 224.4 = 9561.
    assert result.projection == pytest.approx(9561.0)


def test_projection_is_least_squares_over_baseline_and_observations() -> None:
    target = make_target(baseline=(8439.0, 2020), value=10105.0)
    # Points (2021, 8439), (2022, 8800), (2023, 9000): mean time 2022, mean 26239/3;
    # slope = (−1 × (8439 − 8746.33) + 1 × (9000 − 8746.33))/2 = 561/2 = 280.5 a year;
    # at 2026: 8746.33 + 4 × 280.5 = 9868.33.
    result = assess(target, series(("2021", 8800.0), ("2022", 9000.0)))
    assert result.projection == pytest.approx(26239 / 3 + 4 * 280.5)


# --- comparisons: about and exactly on the whole engine ---------------------------------


def test_about_decrease_and_exactly() -> None:
    about = make_target(direction="decrease", baseline=(1.64, 2020), value=1.59, comparison="about")
    # Band 1.59 × 1.05 = 1.6695: 1.66 already counts as about 1.59.
    assert assess(about, series(("2022", 1.66))).status == "achieved"
    exact = make_target(baseline=(30.0, 2020), value=60.0, comparison="exactly")
    assert assess(exact, series(("2023", 60.0))).status == "achieved"
    # 65 overshoots an exact 60: P = 35/30 = 1.17 ≥ τ + δ = 0.7: ahead, not achieved.
    assert assess(exact, series(("2023", 65.0))).status == "ahead"
    assert assess(exact, series(("2025", 65.0))).status == "missed"


# --- cumulative: 居家环境适老化改造 2.5万户 over 2021–2025 ----------------------------------


def cumulative_target() -> ResolvedTarget:
    return make_target(
        indicator="home_age_friendly_renovations", unit="户", measure="cumulative",
        baseline=None, value=25000.0, comparison=None, target_type="expected",
    )  # fmt: skip


def test_cumulative_sums_the_flows_since_the_baseline_year() -> None:
    # Flows: 2020 is before the plan (ignored); 5000 + 6000 + 1000 + 1500 = 13500 at
    # 2023-Q2 (t = 2023.5). P = 13500/25000 = 0.54, τ = 0.5: on track.
    flows = series(
        ("2020", 4000.0), ("2021", 5000.0), ("2022", 6000.0), ("2023-Q1", 1000.0),
        ("2023-Q2", 1500.0),
    )  # fmt: skip
    result = assess(cumulative_target(), flows)
    assert result.status == "on_track"
    assert result.tracked_value == 13500.0
    assert result.completion == pytest.approx(0.54)
    assert (result.baseline_value, result.baseline_time) == (0.0, 2021.0)
    # On schedule 0.5 × 25000 = 12500; still needed (25000 − 13500)/2.5 = 4600 a year.
    assert result.needed_now == pytest.approx(12500.0)
    assert result.required_yearly_change == pytest.approx(4600.0)


def test_cumulative_counts_a_year_once_when_reported_by_quarter_too() -> None:
    # The year's 6000 supersedes its quarters (1000, 2000): 5000 + 6000 = 11000 at 2023.0.
    flows = series(("2021", 5000.0), ("2022", 6000.0), ("2022-Q1", 1000.0), ("2022-Q2", 2000.0))
    result = assess(cumulative_target(), flows)
    assert result.tracked_value == 11000.0
    # Points (2021, 0), (2022, 5000), (2023, 11000): slope 11000/2 = 5500, mean 16000/3;
    # at 2026: 5333.33 + 4 × 5500 = 27333.33.
    assert result.projection == pytest.approx(16000 / 3 + 4 * 5500)
    # P = 11000/25000 = 0.44 ≥ τ = 0.4 − δ: on track.
    assert result.status == "on_track"


def test_cumulative_achieved_and_missed() -> None:
    done = series(*((str(year), 6000.0) for year in range(2021, 2026)))
    assert assess(cumulative_target(), done[:5]).status == "achieved"  # 30000 ≥ 25000
    short = series(*((str(year), 4000.0) for year in range(2021, 2026)))
    assert assess(cumulative_target(), short).status == "missed"  # 20000 by 2025


# --- increment: 新增…张 ------------------------------------------------------------------


def test_increment_without_baseline_starts_from_the_baseline_year_observation() -> None:
    # Baoshan 2022: 新增760张养老床位, plan 2022, baseline year 2021 (start 2022.0), no
    # baseline. The 2021 level 5000 is the baseline; 2022-Q2: 5300 − 5000 = 300 new beds.
    # τ = 0.5/1 = 0.5, P = 300/760 = 0.395 < 0.4: lagging.
    target = make_target(
        indicator="elderly_care_beds", unit="张", measure="increment", baseline=None,
        value=760.0, year=2022, comparison=None, period=(2022, 2022), baseline_year=2021,
    )  # fmt: skip
    result = assess(target, series(("2021", 5000.0), ("2022-Q2", 5300.0)))
    assert result.status == "lagging"
    assert result.tracked_value == 300.0
    assert result.baseline_from_observation is True
    assert (result.baseline_value, result.baseline_time) == (5000.0, 2022.0)
    assert result.needed_now == pytest.approx(380.0)  # 0 + 0.5 × 760
    assert result.reason == "completion 39.5 % trails elapsed time 50 %"


def test_increment_over_a_given_baseline() -> None:
    # 8439 beds at the end of 2020, 新增2000 by 2025. 2023 (t = 2024.0): 9639 − 8439 = 1200;
    # P = 1200/2000 = 0.6 = τ: on track. 2025: 10500 − 8439 = 2061 ≥ 2000: achieved.
    target = make_target(measure="increment", baseline=(8439.0, 2020), value=2000.0)
    on_track = assess(target, series(("2023", 9639.0)))
    assert (on_track.status, on_track.tracked_value) == ("on_track", 1200.0)
    assert on_track.baseline_value == 8439.0
    assert assess(target, series(("2025", 10500.0))).status == "achieved"


def test_increment_without_baseline_and_one_observation_is_no_data() -> None:
    target = make_target(measure="increment", baseline=None, value=760.0)
    result = assess(target, series(("2022", 5000.0)))
    assert result.status == "no_data"
    assert result.reason == "no baseline and fewer than two observations"
    assert result.latest == obs("2022", 5000.0)


# --- the no-baseline rule for a level ----------------------------------------------------


def baoshan_share() -> ResolvedTarget:
    return make_target(baseline=None, year=2022, period=(2022, 2022), baseline_year=2021)


def test_no_baseline_uses_the_earliest_observation_of_the_plan() -> None:
    # No 2021 value: the earliest, 2022-Q1 = 52 (t = 2022.25), is the baseline. At 2022-Q3
    # (t = 2022.75): τ = 0.5/0.75 = 0.667, P = (56 − 52)/(60 − 52) = 0.5 < τ − δ: lagging.
    result = assess(baoshan_share(), series(("2022-Q1", 52.0), ("2022-Q3", 56.0)))
    assert result.baseline_from_observation is True
    assert (result.baseline_value, result.baseline_time) == (52.0, 2022.25)
    assert result.elapsed == pytest.approx(2 / 3)
    assert result.status == "lagging"


def test_no_baseline_prefers_the_value_at_the_start_of_the_plan() -> None:
    # 2019 and 2021 are both before the plan; the latest of them, 2021 = 50 at 2022.0, is
    # the baseline. 2022-Q2: τ = 0.5, P = (55 − 50)/(60 − 50) = 0.5: on track.
    observed = series(("2019", 40.0), ("2021", 50.0), ("2022-Q2", 55.0))
    result = assess(baoshan_share(), observed)
    assert (result.baseline_value, result.baseline_time) == (50.0, 2022.0)
    assert result.status == "on_track"


def test_no_baseline_and_one_observation_is_no_data() -> None:
    result = assess(baoshan_share(), series(("2022-Q1", 52.0)))
    assert result.status == "no_data"
    assert result.reason == "no baseline and fewer than two observations"


# --- milestone: a task done (1) or not (0) ----------------------------------------------


@pytest.mark.parametrize(
    ("observed", "status", "alert"),
    [
        ([("2022", 0.0)], "on_track", False),  # not done yet, due by the end of 2025
        ([("2022", 0.0), ("2023", 1.0)], "achieved", False),
        ([("2024", 0.0), ("2025", 0.0)], "missed", True),
        ([], "no_data", False),
    ],
)
def test_milestone(observed: list[tuple[str, float]], status: str, alert: bool) -> None:
    target = make_target(
        indicator="legislation_charity_regulation", unit="项", measure="milestone",
        baseline=None, value=None, comparison=None,
    )  # fmt: skip
    result = assess(target, series(*observed))
    assert (result.status, result.alert) == (status, alert)
    assert result.completion is None and result.projection is None


# --- annual: 年度低保标准不低于上年度月人均消费支出的33% --------------------------------------


@pytest.mark.parametrize(
    ("observed", "status", "alert"),
    [
        # 2020 is before the plan and does not count; 2021 and 2022 hold so far.
        ([("2020", 31.0), ("2021", 33.5), ("2022", 34.0)], "on_track", False),
        # 2022 fails (32.8 < 33) before the period ends: lagging, binding so an alert.
        ([("2021", 33.5), ("2022", 32.8), ("2023", 34.0)], "lagging", True),
        # Held in every year 2021–2025.
        ([(str(y), 33.0 + (y - 2021) * 0.1) for y in range(2021, 2026)], "achieved", False),
        # 2025 fails, and the period is over.
        ([("2024", 34.0), ("2025", 32.0)], "missed", True),
        ([("2019", 34.0)], "no_data", False),
    ],
)
def test_annual_rule(observed: list[tuple[str, float]], status: str, alert: bool) -> None:
    target = make_target(
        indicator="dibao_standard_ratio", measure="annual", baseline=None, value=33.0
    )
    result = assess(target, series(*observed))
    assert (result.status, result.alert) == (status, alert)
    assert result.completion is None


def test_annual_reason_names_the_failed_year() -> None:
    target = make_target(measure="annual", baseline=None, value=33.0)
    result = assess(target, series(("2021", 33.5), ("2022", 32.8)))
    assert "2022" in result.reason and "2021" not in result.reason


# --- interim milestones and per-member conditions ------------------------------------


def test_interim_milestones() -> None:
    target = make_target(milestones=[goal(40.0, 2022), goal(45.0, 2023), goal(50.0, 2024)])
    # As of mid-2023: 42 at 2022 meets ≥ 40 (a bare number: at least); the 2023 and 2024
    # milestones are pending, with 42 the latest value so far.
    early = assess(target, series(("2022", 42.0)), as_of=datetime.date(2023, 6, 30))
    assert [(m.year, m.state, m.observed) for m in early.milestones] == [
        (2022, "met", 42.0),
        (2023, "pending", 42.0),
        (2024, "pending", 42.0),
    ]
    assert early.milestones[0].comparison == "at_least"
    # 38 < 40 at 2022 and 44 < 45 at 2023: both not met; 2024 still pending.
    late = assess(target, series(("2022", 38.0), ("2023", 44.0)))
    assert [m.state for m in late.milestones] == ["not_met", "not_met", "pending"]
    # The last value before the end of 2022 is from 2021 (more than a year before the
    # deadline) and the data has moved past 2022: no data for that milestone.
    gap = assess(target, series(("2021", 35.0), ("2023", 46.0)))
    assert [m.state for m in gap.milestones] == ["no_data", "met", "pending"]
    assert [m.state for m in assess(target, []).milestones] == ["no_data"] * 3


def test_interim_milestone_of_a_cumulative_target_uses_the_running_sum() -> None:
    target = make_target(
        measure="cumulative", baseline=None, value=25000.0, milestones=[goal(10000.0, 2022)]
    )
    # 5000 + 6000 = 11000 by the end of 2022 ≥ 10000.
    result = assess(target, series(("2021", 5000.0), ("2022", 6000.0)))
    assert [(m.state, m.observed) for m in result.milestones] == [("met", 11000.0)]


def test_per_member_condition() -> None:
    # 每区不少于25张: every child must have at least 25.
    target = make_target(
        value=100.0,
        per_member=MemberCondition(value=25.0, comparison="at_least", text="每区不少于25张"),
    )
    members = {
        "north": [obs("2023", 30.0, jurisdiction="north")],
        "east": [obs("2022", 26.0, jurisdiction="east"), obs("2023", 20.0, jurisdiction="east")],
        "south": [],
    }
    result = assess_target(target, series(("2023", 80.0)), as_of=AS_OF, member_observations=members)
    assert [(m.jurisdiction, m.value, m.met) for m in result.members] == [
        ("east", 20.0, False),
        ("north", 30.0, True),
        ("south", None, None),
    ]
    assert assess(target, []).members == ()  # no members passed


# --- staleness, "as of" and several sources ---------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "stale"),
    [
        (datetime.date(2025, 6, 30), False),  # 2024 ends 2025.0, not before 2025.5 − 1
        (datetime.date(2025, 12, 31), False),  # exactly one year: not older than a year
        (datetime.date(2026, 1, 31), True),  # 2025.0 < 2026.083 − 1
    ],
)
def test_stale(as_of: datetime.date, stale: bool) -> None:
    assert assess(make_target(), series(("2024", 50.0)), as_of=as_of).stale is stale


def test_only_periods_ended_by_as_of_count() -> None:
    observed = series(("2022", 40.0), ("2023-Q3", 48.0), ("2023", 50.0))
    assert assess(make_target(), observed, as_of=datetime.date(2023, 9, 29)).tracked_value == 40.0
    assert assess(make_target(), observed, as_of=datetime.date(2023, 9, 30)).tracked_value == 48.0
    assert assess(make_target(), observed, as_of=datetime.date(2023, 12, 31)).tracked_value == 50.0


def test_the_preferred_source_wins_for_one_period() -> None:
    observed = [
        obs("2023", 45.0, source="区民政局"),
        obs("2023", 52.0, source="统计年鉴", preferred=True),
        obs("2023", 40.0, source="a 部门"),
    ]
    assert assess(make_target(), observed).latest == observed[1]
    # Without a preferred source the first in alphabetical order wins ("a 部门").
    assert assess(make_target(), [observed[0], observed[2]]).tracked_value == 40.0


def test_a_year_and_its_last_quarter_are_one_point_in_time() -> None:
    # 2023 and 2023-Q4 both end at 2024.0: the year's own figure is used.
    result = assess(make_target(), series(("2023-12", 46.0), ("2023-Q4", 47.0), ("2023", 49.0)))
    assert result.latest == obs("2023", 49.0)
    # Without the year, the quarter's figure is preferred over the month's.
    result = assess(make_target(), series(("2023-12", 46.0), ("2023-Q4", 47.0)))
    assert result.latest == obs("2023-Q4", 47.0)


def test_the_target_is_judged_at_its_year_even_with_later_data() -> None:
    # 2026 (65) is after the target year: 2025 (55) decides, and it missed.
    result = assess(
        make_target(), series(("2025", 55.0), ("2026", 65.0)), as_of=datetime.date(2027, 6, 30)
    )
    assert result.status == "missed"
    assert result.latest == obs("2025", 55.0)
    only_late = assess(make_target(), series(("2026", 65.0)), as_of=datetime.date(2027, 6, 30))
    assert (only_late.status, only_late.reason) == ("no_data", "no observation by the end of 2025")


# --- tolerance δ --------------------------------------------------------------------------


def test_tolerance_comes_from_the_command_line_then_the_plan() -> None:
    # τ = 0.4, P = 8/30 = 0.267: lagging with δ = 0.10 (0.267 < 0.3), on track with δ = 0.2.
    observed = series(("2022", 38.0))
    assert assess(make_target(), observed).status == "lagging"
    assert assess(make_target(plan_tolerance=0.2), observed).status == "on_track"
    assert assess(make_target(plan_tolerance=0.2), observed, tolerance=0.05).status == "lagging"


# --- guards ---------------------------------------------------------------------------------


def test_target_equal_to_baseline_has_no_completion() -> None:
    # Hold at least 30: 29 departs from it (regressing), 31 keeps it (achieved).
    target = make_target(baseline=(30.0, 2020), value=30.0)
    held = assess(target, series(("2022", 31.0)))
    assert held.status == "achieved" and held.completion is None
    dropped = assess(target, series(("2022", 29.0)))
    assert (dropped.status, dropped.completion) == ("regressing", None)
    assert dropped.needed_now == 30.0


def test_no_observation_after_the_baseline() -> None:
    result = assess(make_target(), series(("2019", 25.0), ("2020", 30.0)))
    assert (result.status, result.reason) == ("no_data", "no observation after the baseline")


def test_huge_numbers_give_none_not_inf() -> None:
    target = make_target(baseline=(-1e308, 2020), value=1e308)
    result = assess(target, series(("2022", 1.7e308)))
    assert result.completion is None  # (v − b) overflows
    assert result.status in {"ahead", "achieved"}


# --- growth-rate method ---------------------------------------------------------------------


def test_growth_rate_helpers() -> None:
    # (60/30)^(1/5) − 1 = 2^0.2 − 1 = 0.1487.
    assert compound_growth(2.0, 5.0) == pytest.approx(2**0.2 - 1)
    assert compound_growth(0.0, 5.0) == -1.0
    assert compound_growth(-1.0, 5.0) is None
    assert compound_growth(2.0, 0.0) is None
    assert compound_growth(1e300, 1e-3) is None  # the rate would overflow
    assert [classify_growth(r) for r in (0.95, 0.9499, 0.6, 0.5999, 0.0, -0.001)] == [
        "substantial", "moderate", "moderate", "limited", "limited", "deterioration",
    ]  # fmt: skip
    assert growth_ratio(
        value=1.0, baseline=2.0, target=2.0, elapsed_years=1.0, planned_years=5.0,
        direction="increase",
    ) == (None, "the target equals the baseline: no growth is required")  # fmt: skip


@pytest.mark.parametrize(
    ("value", "status", "ratio", "alert"),
    [
        # g_r = (60/30)^(1/5) − 1 = 0.1487. At 2022 (2 years): g_a = (v/30)^(1/2) − 1.
        (40.0, "substantial", 1.0404, False),  # g_a = 0.1547, R = 1.040
        (36.0, "moderate", 0.6419, False),  # g_a = 0.0954, R = 0.642
        (33.0, "limited", 0.3282, True),  # g_a = 0.0488, R = 0.328; binding: alert
        (28.0, "deterioration", -0.2280, True),  # g_a = −0.0339, R = −0.228
    ],
)
def test_growth_method_level_increase(value: float, status: str, ratio: float, alert: bool) -> None:
    result = assess(make_target(), series(("2022", value)), method="growth")
    assert (result.method, result.status, result.alert) == ("growth", status, alert)
    assert result.growth_ratio == pytest.approx(ratio, abs=1e-4)
    # The default method's numbers are still given: P = (v − 30)/30.
    assert result.completion == pytest.approx((value - 30) / 30)


def test_growth_method_decrease_and_achieved_first() -> None:
    target = make_target(direction="decrease", baseline=(1.64, 2020), value=1.59, comparison=None)
    # g_r = (1.59/1.64)^(1/5) − 1 = −0.00617; 2023 (3 years): g_a = (1.62/1.64)^(1/3) − 1
    # = −0.00408; R = −1 × −0.00408/0.00617 = 0.661: moderate.
    result = assess(target, series(("2023", 1.62)), method="growth")
    assert result.status == "moderate"
    assert result.growth_ratio == pytest.approx(0.6612, abs=1e-4)
    assert assess(target, series(("2023", 1.58)), method="growth").status == "achieved"
    assert assess(target, series(("2025", 1.62)), method="growth").status == "missed"


def test_growth_method_zero_baseline_or_target_is_no_data() -> None:
    # 未成年人救助保护机构规范达标率 0 → 100: no growth rate from zero.
    zero_base = make_target(baseline=(0.0, 2020), value=100.0)
    result = assess(zero_base, series(("2022", 50.0)), method="growth")
    assert (result.status, result.reason) == ("no_data", "zero baseline: no growth rate")
    assert result.growth_ratio is None
    # Achieved is checked first, with or without a growth rate.
    assert assess(zero_base, series(("2022", 100.0)), method="growth").status == "achieved"
    zero_goal = make_target(direction="decrease", baseline=(5.0, 2020), value=0.0, comparison=None)
    result = assess(zero_goal, series(("2022", 3.0)), method="growth")
    assert (result.status, result.reason) == ("no_data", "zero target: no growth rate")


def test_growth_method_on_an_increment_uses_the_levels() -> None:
    # 8439 + 2000 = 10439 by 2025: g_r = (10439/8439)^(1/5) − 1 = 0.04345; 2023 (3 years):
    # g_a = (9639/8439)^(1/3) − 1 = 0.04531; R = 1.043: substantial.
    target = make_target(measure="increment", baseline=(8439.0, 2020), value=2000.0)
    result = assess(target, series(("2023", 9639.0)), method="growth")
    assert result.status == "substantial"
    assert result.growth_ratio == pytest.approx(1.0428, abs=1e-4)


def test_growth_method_for_other_measures() -> None:
    cumulative = assess(cumulative_target(), series(("2021", 5000.0)), method="growth")
    assert (cumulative.status, cumulative.reason) == (
        "no_data", "a cumulative target has no growth rate",
    )  # fmt: skip
    task = make_target(measure="milestone", baseline=None, value=None, comparison=None)
    assert assess(task, series(("2022", 0.0)), method="growth").status == "no_data"
    assert assess(task, series(("2022", 1.0)), method="growth").status == "achieved"
