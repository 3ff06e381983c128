"""The history a chart draws: the engine's tracked points and the on-schedule line."""

from __future__ import annotations

import datetime

import pytest

from mzplan.progress import assess_target
from mzplan.status import history_points
from tests.unit.builders import make_target, series

AS_OF = datetime.date(2024, 6, 30)


def test_level_history_and_schedule() -> None:
    target = make_target()  # 30 % (2020) → 60 % by 2025: t0 = 2021.0, tT = 2026.0
    assessment = assess_target(target, series(("2022", 40), ("2023", 44)), as_of=AS_OF)
    periods, observed, scheduled = history_points(target, assessment)
    assert periods == ["2022", "2023"]
    assert observed == [40, 44]
    # On schedule at the end of 2022 (t = 2023.0): 30 + 2/5 × 30 = 42; end of 2023: 48.
    assert scheduled == pytest.approx([42, 48])


def test_cumulative_history_sums_flows_after_the_baseline_year_up_to_as_of() -> None:
    target = make_target(measure="cumulative", baseline=None, value=25000, unit="户")
    observations = series(("2020", 999), ("2021", 5000), ("2022", 6000), ("2024", 7000))
    assessment = assess_target(target, observations, as_of=AS_OF)
    periods, observed, scheduled = history_points(target, assessment)
    # The 2020 flow is before the plan; the 2024 flow ends after "as of" (2024-06-30).
    assert periods == ["2021", "2022"]
    assert observed == [5000, 11000]
    assert scheduled == pytest.approx([5000, 10000])  # 1/5 and 2/5 of 25000


def test_increment_history_is_shown_as_levels() -> None:
    target = make_target(measure="increment", baseline=(1000, 2020), value=500, comparison=None)
    assessment = assess_target(target, series(("2021", 1100), ("2022", 1250)), as_of=AS_OF)
    _, observed, scheduled = history_points(target, assessment)
    assert observed == [1100, 1250]
    assert scheduled == pytest.approx([1100, 1200])  # 1000 + 1/5 × 500, 1000 + 2/5 × 500


def test_no_observation_gives_an_empty_history() -> None:
    target = make_target()
    assert history_points(target, assess_target(target, [], as_of=AS_OF)) == ([], [], [])
