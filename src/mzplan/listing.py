"""The records ``mzplan list`` shows, filtered as its options say."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from mzplan.models import TargetType
from mzplan.records import indicator_record, jurisdiction_record, plan_record, target_record
from mzplan.repository import Repository
from mzplan.selection import Selection, match_ids, match_jurisdictions, select_targets


def build_selection(
    repository: Repository,
    *,
    jurisdictions: Sequence[str] = (),
    plans: Sequence[str] = (),
    domains: Sequence[str] = (),
    types: Sequence[str] = (),
) -> Selection:
    """Check the filters against the repository and return them as a selection."""
    return Selection(
        jurisdictions=match_jurisdictions(repository, jurisdictions),
        plans=match_ids(repository.plan_by_id, plans, "plan"),
        domains=match_ids(repository.domain_by_id, domains, "domain"),
        types=cast(tuple[TargetType, ...], tuple(types)),
    )


def list_records(
    repository: Repository,
    kind: str,
    *,
    jurisdictions: Sequence[str] = (),
    plans: Sequence[str] = (),
    domains: Sequence[str] = (),
    types: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Return the records of ``kind`` that pass the filters.

    ``kind`` is indicators, targets, plans or jurisdictions.

    Indicators pass when one of their targets does (or, with no target filter,
    always); plans and jurisdictions are filtered by id.
    """
    selection = build_selection(
        repository, jurisdictions=jurisdictions, plans=plans, domains=domains, types=types
    )
    targets = select_targets(repository, selection)
    if kind == "targets":
        return [target_record(t) for t in targets]
    if kind == "indicators":
        filtered = bool(selection.jurisdictions or selection.plans or selection.types)
        used = {t.indicator.id for t in targets}
        return [
            indicator_record(e.value)
            for e in sorted(repository.indicators, key=lambda e: e.value.id)
            if (not filtered or e.value.id in used)
            and (not selection.domains or e.value.domain in selection.domains)
        ]
    if kind == "plans":
        return [
            plan_record(e.value)
            for e in sorted(repository.plans, key=lambda e: e.value.id)
            if (not selection.plans or e.value.id in selection.plans)
            and (not selection.jurisdictions or e.value.jurisdiction in selection.jurisdictions)
        ]
    return [
        jurisdiction_record(e.value)
        for e in repository.jurisdictions
        if not selection.jurisdictions or e.value.id in selection.jurisdictions
    ]
