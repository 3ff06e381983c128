"""Assess a selection of targets: the result ``mzplan status`` renders in every format.

Pure: the repository, the selection and "as of" come in as arguments; a
:class:`StatusReport` comes out. The JSON contract is :func:`status_record`.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from collections.abc import Sequence
from typing import Any

from mzplan.observations import Observation, year_end
from mzplan.progress import Assessment, Method, assess_target
from mzplan.records import target_record
from mzplan.repository import Repository, ResolvedTarget
from mzplan.selection import Selection, select_targets

STATUS_ORDER = ("missed", "regressing", "lagging", "on_track", "ahead", "achieved", "no_data")
GROWTH_ORDER = (
    "missed",
    "deterioration",
    "limited",
    "moderate",
    "substantial",
    "achieved",
    "no_data",
)
FAILING = frozenset({"missed", "regressing", "lagging", "deterioration", "limited"})


@dataclasses.dataclass(frozen=True)
class TargetStatus:
    """One target and its assessment."""

    target: ResolvedTarget
    assessment: Assessment


@dataclasses.dataclass(frozen=True)
class StatusReport:
    """The assessed targets, in display order, and what they were assessed with."""

    items: tuple[TargetStatus, ...]
    as_of: datetime.date
    method: Method
    tolerance: float | None

    def counts(self) -> dict[str, int]:
        """Return how many targets have each status, in the order of the methodology."""
        counter: Counter[str] = Counter(item.assessment.status for item in self.items)
        order = GROWTH_ORDER if self.method == "growth" else STATUS_ORDER
        return {status: counter[status] for status in order if counter[status]}

    @property
    def alerts(self) -> tuple[TargetStatus, ...]:
        """Return the targets that raise an alert (binding and at risk)."""
        return tuple(item for item in self.items if item.assessment.alert)


def build_status(
    repository: Repository,
    selection: Selection,
    *,
    as_of: datetime.date,
    method: Method = "default",
    tolerance: float | None = None,
    statuses: Sequence[str] = (),
) -> StatusReport:
    """Assess every selected target as of a date; keep those whose status is in ``statuses``.

    Items are grouped by policy domain (in the catalog's order), binding
    targets first within a domain, then by jurisdiction and catalog order.
    """
    domain_rank = {entry.value.id: rank for rank, entry in enumerate(repository.domains)}
    indicator_rank = {entry.value.id: rank for rank, entry in enumerate(repository.indicators)}
    series = repository.timelines
    items = []
    for target in select_targets(repository, selection):
        members = {
            child: series.get((target.indicator.id, child), ())
            for child in repository.children_of(target.jurisdiction.id)
        }
        assessment = assess_target(
            target,
            series.get((target.indicator.id, target.jurisdiction.id), ()),
            as_of=as_of,
            method=method,
            tolerance=tolerance,
            member_observations=members if target.target.per_member else {},
        )
        if statuses and assessment.status not in statuses:
            continue
        items.append(TargetStatus(target, assessment))
    items.sort(
        key=lambda item: (
            domain_rank.get(item.target.indicator.domain, len(domain_rank)),
            item.target.target.type != "binding",
            item.target.jurisdiction.id,
            item.target.plan.id,
            indicator_rank.get(item.target.indicator.id, 0),
        )
    )
    return StatusReport(tuple(items), as_of, method, tolerance)


def _latest_record(observation: Observation | None) -> dict[str, Any] | None:
    if observation is None:
        return None
    return {"value": observation.value, "period": observation.period, "source": observation.source}


def status_record(item: TargetStatus) -> dict[str, Any]:
    """Return the documented JSON object of one assessed target.

    It holds every field of ``list targets --format json`` and the assessment.
    """
    assessment = item.assessment
    return {
        **target_record(item.target),
        "latest": _latest_record(assessment.latest),
        "completion": assessment.completion,
        "elapsed": assessment.elapsed,
        "status": assessment.status,
        "alert": assessment.alert,
        "stale": assessment.stale,
        "needed_now": assessment.needed_now,
        "required_yearly_change": assessment.required_yearly_change,
        "projection": assessment.projection,
        "method": assessment.method,
        "growth_ratio": assessment.growth_ratio,
        "tracked_value": assessment.tracked_value,
        "baseline_from_observation": assessment.baseline_from_observation,
        "reason": assessment.reason,
    }


def should_fail(report: StatusReport, fail_on: str) -> bool:
    """Return whether ``--fail-on`` (alert, lagging or never) asks for a non-zero exit."""
    if fail_on == "alert":
        return bool(report.alerts)
    if fail_on == "lagging":
        return any(item.assessment.status in FAILING for item in report.items)
    return False


def history_points(
    target: ResolvedTarget, assessment: Assessment
) -> tuple[list[str], list[float | None], list[float | None]]:
    """Return, per tracked period, the tracked value and the value on schedule.

    The points are the engine's own (:attr:`Assessment.track`), up to "as of":
    levels, or the running sum of flows for a cumulative target; an increment
    is shown as levels (baseline + growth). On schedule is the straight line
    from the start to the target in the same quantity.
    """
    track = assessment.track
    if track is None:
        return [], [], []
    offset = (track.baseline_value or 0.0) if target.measure == "increment" else 0.0
    goal = target.target.target.value
    start = track.origin_time
    origin = None if track.origin_value is None else track.origin_value + offset
    if goal is not None and target.measure == "increment":
        goal += offset
    end = year_end(target.target.target.year)
    periods: list[str] = []
    observed: list[float | None] = []
    scheduled: list[float | None] = []
    for point in track.points:
        periods.append(point.observation.period)
        observed.append(point.value + offset)
        if goal is None or start is None or origin is None or end <= start:
            scheduled.append(None)
        else:
            scheduled.append(origin + (point.time - start) / (end - start) * (goal - origin))
    return periods, observed, scheduled
