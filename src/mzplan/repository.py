"""The loaded data repository: every entry with the file and field path it came from."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

from mzplan.labels import Language
from mzplan.models import (
    Comparison,
    Domain,
    Indicator,
    Jurisdiction,
    Measure,
    Plan,
    Source,
    Target,
)
from mzplan.observations import Observation, Timeline, timeline
from mzplan.problems import Finding, Path, Report

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Entry(Generic[T]):
    """A validated value and where it stands: its file and field path."""

    value: T
    file: str
    path: Path


@dataclasses.dataclass(frozen=True)
class TargetEntry:
    """A target with the plan and jurisdiction of its file."""

    plan: str
    jurisdiction: str
    target: Target
    file: str
    path: Path

    @property
    def key(self) -> str:
        """Return the target's stable id: ``plan/jurisdiction/indicator``."""
        return f"{self.plan}/{self.jurisdiction}/{self.target.indicator}"


@dataclasses.dataclass(frozen=True)
class Repository:
    """Everything in a data repository, as validated models with their origins."""

    sources: tuple[Entry[Source], ...] = ()
    domains: tuple[Entry[Domain], ...] = ()
    indicators: tuple[Entry[Indicator], ...] = ()
    jurisdictions: tuple[Entry[Jurisdiction], ...] = ()
    plans: tuple[Entry[Plan], ...] = ()
    targets: tuple[TargetEntry, ...] = ()
    observations: tuple[Observation, ...] = ()
    unreadable: frozenset[str] = frozenset()
    """Kinds (``plan``, ``indicator``, ...) whose file could not be read: references
    to them are not checked, so one broken file does not bury its own error."""

    @functools.cached_property
    def source_by_file(self) -> Mapping[str, Source]:
        """Return the sources by file name (the first of duplicates)."""
        return _first_by(self.sources, lambda s: s.file)

    @functools.cached_property
    def domain_by_id(self) -> Mapping[str, Domain]:
        """Return the domains by id."""
        return _first_by(self.domains, lambda d: d.id)

    @functools.cached_property
    def indicator_by_id(self) -> Mapping[str, Indicator]:
        """Return the indicators by id."""
        return _first_by(self.indicators, lambda i: i.id)

    @functools.cached_property
    def jurisdiction_by_id(self) -> Mapping[str, Jurisdiction]:
        """Return the jurisdictions by id."""
        return _first_by(self.jurisdictions, lambda j: j.id)

    @functools.cached_property
    def plan_by_id(self) -> Mapping[str, Plan]:
        """Return the plans by id."""
        return _first_by(self.plans, lambda p: p.id)

    @functools.cached_property
    def derivation(self) -> tuple[tuple[Observation, ...], tuple[Finding, ...]]:
        """Return the values derived by indicators' formulas, and the formulas' problems.

        Computed from the indicators and observations on first use (see
        :mod:`mzplan.derivation`); observed values of a derived indicator win.
        """
        # Imported here: a repository read back from the cache has this already,
        # and the formula grammar is then not needed at all.
        from mzplan.derivation import derive_observations

        observations, findings = derive_observations(self)
        return tuple(observations), tuple(findings)

    @functools.cached_property
    def observations_by_series(self) -> Mapping[tuple[str, str], tuple[Observation, ...]]:
        """Return the observed and derived values grouped by (indicator, jurisdiction)."""
        groups: dict[tuple[str, str], list[Observation]] = {}
        for observation in (*self.observations, *self.derivation[0]):
            groups.setdefault((observation.indicator, observation.jurisdiction), []).append(
                observation
            )
        return {key: tuple(group) for key, group in groups.items()}

    @functools.cached_property
    def timelines(self) -> Mapping[tuple[str, str], Timeline]:
        """Return the :func:`~mzplan.observations.timeline` of every (indicator, jurisdiction)."""
        return {key: timeline(group) for key, group in self.observations_by_series.items()}

    @functools.cached_property
    def children_by_parent(self) -> Mapping[str, tuple[str, ...]]:
        """Return the ids of each jurisdiction's children, sorted (an index: one pass)."""
        groups: dict[str, list[str]] = {}
        for entry in self.jurisdictions:
            if entry.value.parent is not None:
                groups.setdefault(entry.value.parent, []).append(entry.value.id)
        return {parent: tuple(sorted(children)) for parent, children in groups.items()}

    def names(self, language: Language) -> tuple[dict[str, str], dict[str, str]]:
        """Return the policy domains' and the jurisdictions' names by id, in ``language``."""
        zh = language == "zh"
        domains = {e.value.id: e.value.name_zh if zh else e.value.name_en for e in self.domains}
        places = {
            e.value.id: e.value.name_zh if zh else e.value.name_en for e in self.jurisdictions
        }
        return domains, places

    def children_of(self, jurisdiction: str) -> tuple[str, ...]:
        """Return the ids of the jurisdictions whose parent is ``jurisdiction``, sorted.

        Called once per target, so it looks up :attr:`children_by_parent` rather than
        scanning every jurisdiction (which made status quadratic at national scale).
        """
        return self.children_by_parent.get(jurisdiction, ())

    def resolve(self, entry: TargetEntry) -> ResolvedTarget:
        """Return a target with its indicator, plan and jurisdiction looked up.

        Only valid on a repository that passed validation.
        """
        return ResolvedTarget(
            key=entry.key,
            target=entry.target,
            indicator=self.indicator_by_id[entry.target.indicator],
            plan=self.plan_by_id[entry.plan],
            jurisdiction=self.jurisdiction_by_id[entry.jurisdiction],
        )

    def resolved_targets(self) -> Iterator[ResolvedTarget]:
        """Yield every target resolved, in file order."""
        for entry in self.targets:
            yield self.resolve(entry)


@dataclasses.dataclass(frozen=True)
class Loaded:
    """A repository and the report of everything wrong with it."""

    repository: Repository
    report: Report


@dataclasses.dataclass(frozen=True)
class ResolvedTarget:
    """A target together with the indicator, plan and jurisdiction it refers to."""

    key: str
    target: Target
    indicator: Indicator
    plan: Plan
    jurisdiction: Jurisdiction

    @property
    def measure(self) -> Measure:
        """Return the target's measure, defaulting to the indicator's."""
        return self.target.measure or self.indicator.measure

    @property
    def comparison(self) -> Comparison | None:
        """Return the target's comparison; a bare number means "reach it"."""
        return effective_comparison(self.target.target.comparison, self.indicator, self.measure)


def effective_comparison(
    comparison: Comparison | None, indicator: Indicator, measure: Measure
) -> Comparison | None:
    """Return the comparison a goal means: a bare number means reach it.

    Reaching is "at least" for an increasing indicator and "at most" for a
    decreasing one; a milestone has no comparison.
    """
    if comparison is not None or measure == "milestone":
        return comparison
    return "at_least" if indicator.direction == "increase" else "at_most"


K = TypeVar("K")


def _first_by(entries: tuple[Entry[T], ...], key: Callable[[T], K]) -> dict[K, T]:
    result: dict[K, T] = {}
    for entry in entries:
        result.setdefault(key(entry.value), entry.value)
    return result
