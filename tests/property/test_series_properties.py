"""Properties of series: a Timeline judges as the raw series does; shared periods are found."""

from __future__ import annotations

import datetime
import math

from hypothesis import given
from hypothesis import strategies as st
from tests.property.test_progress_properties import periods
from tests.unit.builders import make_target, obs

from mzplan.observation_checks import shared_periods
from mzplan.observations import Observation, choose_series, is_period, timeline
from mzplan.progress import assess_target
from mzplan.tracking import usable_series

values = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([math.nan, math.inf])
)
rows = st.lists(
    st.tuples(
        st.one_of(periods(), st.sampled_from(["2023-Q5", "23"])),
        values,
        st.sampled_from(["甲", "乙", "丙"]),
        st.booleans(),
    ),
    max_size=12,
)
untils = st.floats(2015.0, 2030.0)


def series(drawn: list[tuple[str, float, str, bool]]) -> list[Observation]:
    """Return the drawn rows as observations of one series."""
    return [obs(p, v, source=s, preferred=f) for p, v, s, f in drawn]


def cut_then_reduce(observations: list[Observation], until: float) -> list[Observation]:
    """The reference: keep the periods ended by ``until``, then one per point in time."""
    valid = [o for o in observations if is_period(o.period) and math.isfinite(o.value)]
    by_time: dict[float, Observation] = {}
    coarseness = {4: 0, 7: 2}
    for observation in sorted(
        choose_series(valid), key=lambda o: 1 if "Q" in o.period else coarseness[len(o.period)]
    ):
        if observation.time <= until:
            by_time.setdefault(observation.time, observation)
    return sorted(by_time.values(), key=lambda o: o.time)


@given(drawn=rows, until=untils)
def test_cutting_a_timeline_is_cutting_the_series(
    drawn: list[tuple[str, float, str, bool]], until: float
) -> None:
    observations = series(drawn)
    reduced = timeline(observations)
    # Cut exactly at each period's end too: that period is in, the next is not.
    for cut in {until, *(o.time for o in observations if is_period(o.period))}:
        assert usable_series(reduced, cut) == cut_then_reduce(observations, cut)
        assert usable_series(observations, cut) == cut_then_reduce(observations, cut)


@given(drawn=rows, as_of=st.dates(datetime.date(2019, 1, 1), datetime.date(2028, 12, 31)))
def test_a_target_judged_on_its_timeline_is_judged_the_same(
    drawn: list[tuple[str, float, str, bool]], as_of: datetime.date
) -> None:
    observations = series(drawn)
    target = make_target(measure="level", baseline=(20.0, 2020), value=60.0, year=2025)
    for method in ("default", "growth"):
        raw = assess_target(target, observations, as_of=as_of, method=method)
        reduced = assess_target(target, timeline(observations), as_of=as_of, method=method)
        assert repr(raw) == repr(reduced)


@given(
    drawn=st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]),
            st.sampled_from(["2021", "2021-Q1", "2022"]),
            st.sampled_from(["甲", "乙"]),
        ),
        max_size=14,
    )
)
def test_rows_sharing_a_period_are_found_in_any_order(drawn: list[tuple[str, str, str]]) -> None:
    observations = [obs(p, 1.0, source=s, jurisdiction=j) for j, p, s in drawn]
    expected: dict[tuple[str, str, str], list[Observation]] = {}
    for o in observations:
        expected.setdefault((o.indicator, o.jurisdiction, o.period), []).append(o)
    found = [[id(o) for o in group] for group in shared_periods(observations)]
    assert sorted(found) == sorted(
        [id(o) for o in group] for group in expected.values() if len(group) > 1
    )
