"""The tracked quantity of a target: where it starts, and its values over time.

What is compared with a target depends on its measure: the observed level
(``level``, ``annual``, ``milestone``), the running sum of yearly flows since the
baseline (``cumulative``), or the growth of the level over the baseline
(``increment``). This module turns an observed series into that quantity.
Pure: no I/O, no clock.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from mzplan.models import Baseline, Measure
from mzplan.observations import Observation, Timeline, observation_time, timeline, year_end


class Point(NamedTuple):
    """A tracked value at a time (fractional years), with the observation it comes from.

    A named tuple rather than a frozen dataclass: one is made per observation per
    target, and tuples are several times cheaper to make.
    """

    time: float
    value: float
    observation: Observation


@dataclasses.dataclass(frozen=True)
class Track:
    """A target's tracked series.

    ``origin_time`` and ``origin_value`` are the start ``(t0, b)`` in the tracked
    quantity (0 for ``cumulative`` and ``increment``); ``baseline_value`` is the
    baseline as the plan or the earliest observation gives it (the level at t0
    for ``increment``). ``points`` are the tracked values after t0, by time;
    ``reason`` says why there are none.
    """

    origin_time: float | None
    origin_value: float | None
    baseline_value: float | None
    from_observation: bool
    points: tuple[Point, ...]
    reason: str = ""


def finite(value: float) -> float | None:
    """Return ``value``, or None when it is NaN or infinite."""
    return value if math.isfinite(value) else None


def usable_series(observations: Iterable[Observation], until: float) -> list[Observation]:
    """Return one observation per point in time among those whose period ended by ``until``.

    That is the :func:`~mzplan.observations.timeline` of ``observations`` (the
    preferred source per period, the coarsest period per point in time, bad rows
    skipped), cut at ``until``; a :class:`~mzplan.observations.Timeline` is taken
    as it is.
    """
    series = observations if isinstance(observations, Timeline) else timeline(observations)
    return list(series[: bisect.bisect_right(series, until, key=observation_time)])


def _month_span(period: str) -> tuple[int, int]:
    year = int(period[:4])
    if len(period) == 4:
        return 12 * year, 12 * year + 12
    if period[5] == "Q":
        quarter = int(period[6])
        return 12 * year + 3 * (quarter - 1), 12 * year + 3 * quarter
    month = int(period[5:7])
    return 12 * year + month - 1, 12 * year + month


def flows(series: Iterable[Observation]) -> list[Observation]:
    """Return the flows to add up: no two periods overlap, and a longer period wins.

    A year's own figure supersedes its quarters and months, and a quarter its
    months, so a year reported both ways is counted once.
    """
    kept: list[tuple[int, int, Observation]] = []
    spans = [(_month_span(o.period), o) for o in series]
    for (start, end), observation in sorted(spans, key=lambda s: s[0][0] - s[0][1]):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in kept):
            kept.append((start, end, observation))
    return sorted((o for _, _, o in kept), key=lambda o: o.time)


def build_track(
    measure: Measure, baseline: Baseline | None, series: Sequence[Observation], start: float
) -> Track:
    """Return the tracked series of a target from its usable observations.

    ``start`` is the end of the plan's baseline year (the plan's own start where
    the target gives no baseline). Without a baseline, a ``level`` or
    ``increment`` target starts from an observation: the latest one at or before
    ``start``, else the earliest; it then needs a later one.
    """
    if not series:
        return Track(None, None, None, False, (), "no observation yet")
    if measure == "cumulative":
        origin = year_end(baseline.year) if baseline else start
        total, points = 0.0, []
        for observation in flows(o for o in series if o.time > origin):
            total += observation.value
            points.append(Point(observation.time, total, observation))
        return _checked(
            Track(origin, 0.0, 0.0, False, tuple(points)),
            "no flow observed after the baseline year",
        )
    from_observation = False
    if baseline is not None:
        origin, value = year_end(baseline.year), baseline.value
    elif measure in ("annual", "milestone"):
        return _checked(
            Track(start, None, None, False, tuple(_as_points(o for o in series if o.time > start))),
            "no observation in the plan period",
        )
    elif len(series) < 2:
        return Track(None, None, None, False, (), "no baseline and fewer than two observations")
    else:
        before = [o for o in series if o.time <= start]
        first = before[-1] if before else series[0]
        origin, value, from_observation = first.time, first.value, True
    later = [o for o in series if o.time > origin]
    if measure == "increment":
        increments = tuple(Point(o.time, o.value - value, o) for o in later)
        track = Track(origin, 0.0, value, from_observation, increments)
    else:
        track = Track(origin, value, value, from_observation, tuple(_as_points(later)))
    return _checked(track, "no observation after the baseline")


def _as_points(series: Iterable[Observation]) -> list[Point]:
    return [Point(o.time, o.value, o) for o in series]


def _checked(track: Track, empty_reason: str) -> Track:
    if not track.points:
        return dataclasses.replace(track, reason=empty_reason)
    if not all(math.isfinite(p.value) for p in track.points):
        return dataclasses.replace(track, points=(), reason="the values are too large to track")
    return track


def project(points: Sequence[tuple[float, float]], at: float) -> float | None:
    """Return the least-squares straight line through ``(time, value)`` points, read at ``at``.

    Return None for fewer than two distinct times, or a result out of range.
    """
    if len(points) < 2:
        return None
    # Plain sums, not math.fsum: fsum raises on an intermediate overflow, and an
    # overflow here must end as None, never as an exception.
    count = len(points)
    mean_time = sum(t for t, _ in points) / count
    mean_value = sum(v / count for _, v in points)
    spread = sum((t - mean_time) * (t - mean_time) for t, _ in points)
    covariance = sum((t - mean_time) * (v - mean_value) for t, v in points)
    if spread == 0 or not math.isfinite(covariance):
        return None
    return finite(mean_value + covariance / spread * (at - mean_time))
