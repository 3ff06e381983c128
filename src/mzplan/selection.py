"""Choose targets by jurisdiction, plan, domain and type, as the CLI's filters say."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Sequence

from mzplan.errors import UsageError
from mzplan.models import Jurisdiction, TargetType
from mzplan.repository import Repository, ResolvedTarget

ALL = "all"


@dataclasses.dataclass(frozen=True)
class Selection:
    """Which targets to show; an empty tuple means no filter."""

    jurisdictions: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    types: tuple[TargetType, ...] = ()


def match_jurisdictions(repository: Repository, queries: Sequence[str]) -> tuple[str, ...]:
    """Return the ids of the jurisdictions named by id, Chinese or English name, or alias.

    ``all`` (or no query) selects every jurisdiction: the result is empty.
    Raise :class:`UsageError` for a name that matches nothing.
    """
    if not queries or ALL in queries:
        return ()
    jurisdictions = [entry.value for entry in repository.jurisdictions]
    found: list[str] = []
    for query in queries:
        match = _match_jurisdiction(jurisdictions, query)
        if match is None:
            names = [j.id for j in jurisdictions] + [j.name_zh for j in jurisdictions]
            close = difflib.get_close_matches(query, names, n=1)
            raise UsageError(
                f"unknown jurisdiction {query!r}",
                hint=f"did you mean {close[0]!r}?" if close else "see 'mzplan list jurisdictions'",
            )
        if match.id not in found:
            found.append(match.id)
    return tuple(found)


def _match_jurisdiction(jurisdictions: Iterable[Jurisdiction], query: str) -> Jurisdiction | None:
    folded = query.strip().casefold()
    for jurisdiction in jurisdictions:
        names = {jurisdiction.id, jurisdiction.name_zh, jurisdiction.name_en, *jurisdiction.aliases}
        if folded in {name.casefold() for name in names}:
            return jurisdiction
    return None


def match_ids(known: Iterable[str], queries: Sequence[str], what: str) -> tuple[str, ...]:
    """Return ``queries`` if each is a known id; raise :class:`UsageError` otherwise."""
    known = sorted(known)
    for query in queries:
        if query not in known:
            close = difflib.get_close_matches(query, known, n=1)
            raise UsageError(
                f"unknown {what} {query!r}",
                hint=f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}",
            )
    return tuple(queries)


def select_targets(repository: Repository, selection: Selection) -> list[ResolvedTarget]:
    """Return the targets the selection names, by plan, jurisdiction, then file order."""
    chosen = [
        target
        for target in repository.resolved_targets()
        if (not selection.jurisdictions or target.jurisdiction.id in selection.jurisdictions)
        and (not selection.plans or target.plan.id in selection.plans)
        and (not selection.domains or target.indicator.domain in selection.domains)
        and (not selection.types or target.target.type in selection.types)
    ]
    return sorted(chosen, key=lambda t: (t.plan.id, t.jurisdiction.id))
