"""Derived indicators: values computed by an indicator's formula from its components' values.

The rules (see METHODOLOGY "Derived indicators" and :mod:`mzplan.formulas`):

- A component is named by indicator id or by Chinese name (``name_zh``), compared
  after NFKC normalisation; the id is tried first.
- For each jurisdiction with values of a component, and each period, a value is
  derived when every component has a value: the one status would use
  (:func:`~mzplan.observations.choose_series`, the preferred source wins).
  ``{id}[-1]`` is the same period one year earlier (``2023`` → ``2022``,
  ``2023-Q3`` → ``2022-Q3``, ``2023-09`` → ``2022-09``).
- A missing component value is no problem: no value is derived for that period,
  just as an unobserved period has no value.
- **Observed values win**: where the derived indicator itself has an observation
  for a jurisdiction and period, no value is derived for that period.
- A component with a formula is derived first, and its observed and derived
  values both count. Formulas that depend on themselves, directly or through
  others (``formula-cycle``), derive nothing, nor does a formula with a syntax
  error (``formula-syntax``) or an unknown name (``formula-unknown-name``): those
  are errors at the formula. A division by zero or a non-finite result derives no
  value for that period and is a warning (``formula-evaluation``).
- A derived value has the indicator's unit, the source ``derived: <formula>;
  <component> <period>: <its source>; …`` and a note giving the component values.

Pure: the repository in, observations and findings out.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from mzplan.formulas import Formula, FormulaError, Lookup, evaluate, normalise_name, parse
from mzplan.models import Indicator
from mzplan.numbers import format_number
from mzplan.observations import Observation, choose_series, is_period, period_end
from mzplan.problems import Finding

if TYPE_CHECKING:
    from mzplan.repository import Entry, Repository

Series = dict[tuple[str, str], dict[str, Observation]]
"""(indicator, jurisdiction) → period → the value used for it."""

_HINT = (
    "write components as {indicator_id} (or {中文名}), the previous year's value as "
    "{indicator_id}[-1], with numbers, + - * / × ÷ and parentheses"
)


@dataclasses.dataclass(frozen=True)
class _Definition:
    """A parsed formula whose names all resolved: name as written → component id."""

    entry: Entry[Indicator]
    formula: Formula
    components: Mapping[str, str]

    @property
    def id(self) -> str:
        return self.entry.value.id


def derive_observations(repository: Repository) -> tuple[list[Observation], list[Finding]]:
    """Derive the values of every indicator with a formula; report the formulas' problems.

    Return the derived observations (never for a period the indicator itself
    has an observation for) and the findings, located at each formula.
    """
    definitions, findings = _read_formulas(repository.indicators)
    if not definitions and not findings:
        return [], []
    cyclic = _find_cycles(definitions, findings)
    wanted = {d.id for d in definitions.values()} | {
        c for d in definitions.values() for c in d.components.values()
    }
    series = _chosen_series(o for o in repository.observations if o.indicator in wanted)
    derived: list[Observation] = []
    for indicator_id in _dependency_order(definitions, cyclic):
        observations = _derive(definitions[indicator_id], series, findings)
        for observation in observations:
            key = (observation.indicator, observation.jurisdiction)
            series.setdefault(key, {})[observation.period] = observation
        derived.extend(observations)
    return derived, findings


def _read_formulas(
    entries: Iterable[Entry[Indicator]],
) -> tuple[dict[str, _Definition], list[Finding]]:
    entries = tuple(entries)
    ids = {entry.value.id for entry in entries}
    by_name: dict[str, set[str]] = {}
    for entry in entries:
        by_name.setdefault(normalise_name(entry.value.name_zh), set()).add(entry.value.id)
    definitions: dict[str, _Definition] = {}
    findings: list[Finding] = []
    for entry in entries:
        text = entry.value.formula
        if text is None or entry.value.id in definitions:
            continue
        path = (*entry.path, "formula")
        try:
            formula = parse(text)
        except FormulaError as error:
            findings.append(
                Finding(
                    entry.file,
                    path,
                    "formula-syntax",
                    f"formula: {error.message} (column {error.column} of the formula)",
                    hint=_HINT,
                )
            )
            continue
        components: dict[str, str] = {}
        for reference in formula.references:
            name = reference.name
            candidates = [name] if name in ids else sorted(by_name.get(name, ()))
            if len(candidates) == 1:
                components[name] = candidates[0]
                continue
            if candidates:
                message = f"formula: {name!r} names several indicators ({', '.join(candidates)})"
                hint = "write the id in braces instead"
            else:
                message = f"formula names no indicator {name!r}"
                close = difflib.get_close_matches(name, [*ids, *by_name], n=1)
                hint = f"did you mean {close[0]!r}?" if close else "see 'mzplan list indicators'"
            findings.append(
                Finding(
                    entry.file,
                    path,
                    "formula-unknown-name",
                    f"{message} (column {reference.column} of the formula)",
                    hint=hint,
                )
            )
        if len(components) == len(formula.names):
            definitions[entry.value.id] = _Definition(entry, formula, components)
    return definitions, findings


def _find_cycles(definitions: Mapping[str, _Definition], findings: list[Finding]) -> set[str]:
    """Return the ids of formulas that depend on themselves; add a finding for each."""
    graph = {
        key: [c for c in dict.fromkeys(d.components.values()) if c in definitions]
        for key, d in definitions.items()
    }
    cyclic: set[str] = set()
    for key, definition in definitions.items():
        cycle = _cycle_through(key, graph)
        if cycle is None:
            continue
        cyclic.add(key)
        findings.append(
            Finding(
                definition.entry.file,
                (*definition.entry.path, "formula"),
                "formula-cycle",
                f"formula of {key!r} depends on itself: {' → '.join(cycle)}",
                hint="an indicator cannot be a component of its own formula, "
                "directly or through other formulas",
            )
        )
    return cyclic


def _cycle_through(start: str, graph: Mapping[str, list[str]]) -> list[str] | None:
    """Return the shortest path ``start → … → start`` in ``graph``, or None."""
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for successor in graph[node]:
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [*reversed(path), start]
                if successor not in parents:
                    parents[successor] = node
                    following.append(successor)
        frontier = following
    return None


def _dependency_order(definitions: Mapping[str, _Definition], cyclic: set[str]) -> list[str]:
    """Return the acyclic formulas, each after the formulas of its components."""
    remaining = {
        key: {c for c in d.components.values() if c in definitions and c not in cyclic}
        for key, d in definitions.items()
        if key not in cyclic
    }
    order: list[str] = []
    while remaining:
        ready = [key for key, needs in remaining.items() if not needs]
        for key in ready:
            order.append(key)
            del remaining[key]
        for needs in remaining.values():
            needs.difference_update(ready)
    return order


def _chosen_series(observations: Iterable[Observation]) -> Series:
    groups: dict[tuple[str, str], list[Observation]] = {}
    for observation in observations:
        groups.setdefault((observation.indicator, observation.jurisdiction), []).append(observation)
    return {key: {o.period: o for o in choose_series(group)} for key, group in groups.items()}


def shift_period(period: str, years: int) -> str | None:
    """Return the same period ``years`` later (earlier if negative), or None if none is valid."""
    if not is_period(period):
        return None
    shifted = f"{int(period[:4]) + years:04d}{period[4:]}"
    return shifted if is_period(shifted) else None


def _derive(definition: _Definition, series: Series, findings: list[Finding]) -> list[Observation]:
    indicator = definition.entry.value
    formula = definition.formula
    references = [(definition.components[r.name], r.offset) for r in formula.references]
    components = {component for component, _ in references}
    jurisdictions = sorted({j for (i, j) in series if i in components})
    derived: list[Observation] = []
    for jurisdiction in jurisdictions:
        observed = series.get((indicator.id, jurisdiction), {})
        periods: set[str] = set()
        for component, offset in references:
            for period in series.get((component, jurisdiction), {}):
                candidate = shift_period(period, -offset)
                if candidate is not None and candidate not in observed:
                    periods.add(candidate)
        for period in sorted(periods, key=lambda p: (period_end(p), p)):
            used: dict[tuple[str, str], Observation] = {}
            lookup = _lookup(series, definition.components, jurisdiction, period, used)
            try:
                value = evaluate(formula, lookup)
            except FormulaError as error:
                findings.append(_evaluation_finding(definition, jurisdiction, period, error, used))
                continue
            if value is not None:
                derived.append(_observation(definition, jurisdiction, period, value, used))
    return derived


def _lookup(
    series: Series,
    components: Mapping[str, str],
    jurisdiction: str,
    period: str,
    used: dict[tuple[str, str], Observation],
) -> Lookup:
    def lookup(name: str, offset: int) -> float | None:
        shifted = shift_period(period, offset)
        values = series.get((components[name], jurisdiction), {})
        observation = values.get(shifted) if shifted is not None else None
        if observation is None:
            return None
        used[(observation.indicator, observation.period)] = observation
        return observation.value

    return lookup


def _observation(
    definition: _Definition,
    jurisdiction: str,
    period: str,
    value: float,
    used: Mapping[tuple[str, str], Observation],
) -> Observation:
    indicator = definition.entry.value
    sources = "; ".join(f"{o.indicator} {o.period}: {o.source}" for o in used.values())
    values = "; ".join(
        f"{o.indicator} {o.period} = {format_number(o.value)} {o.unit}" for o in used.values()
    )
    return Observation(
        indicator=indicator.id,
        jurisdiction=jurisdiction,
        period=period,
        value=value,
        unit=indicator.unit,
        source=f"derived: {definition.formula.text}; {sources}",
        note=f"derived from {values}",
        file=definition.entry.file,
    )


def _evaluation_finding(
    definition: _Definition,
    jurisdiction: str,
    period: str,
    error: FormulaError,
    used: Mapping[tuple[str, str], Observation],
) -> Finding:
    places = ", ".join(
        f"{o.indicator} {o.period} = {format_number(o.value)}"
        + (f" ({o.file}:{o.line})" if o.line else "")
        for o in used.values()
    )
    return Finding(
        definition.entry.file,
        (*definition.entry.path, "formula"),
        "formula-evaluation",
        f"formula of {definition.id!r} for {jurisdiction}, {period}: {error.message} "
        f"(column {error.column} of the formula); no value is derived",
        hint=f"check the component values: {places}" if places else None,
        severity="warning",
    )
