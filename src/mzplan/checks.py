"""Checks across files: references, duplicates and the logic of each target.

Every check is a pure function from a :class:`Repository` to findings; the
loader places them on lines. Model-level problems (types, unknown keys) are
found earlier, by pydantic.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from mzplan.models import Citation, Goal, Indicator, Plan
from mzplan.problems import Finding, Path, format_path
from mzplan.repository import Entry, Repository, TargetEntry, effective_comparison

T = TypeVar("T")


def check_repository(repository: Repository) -> list[Finding]:
    """Return every cross-file problem of a repository."""
    return [
        *check_duplicates(repository),
        *check_references(repository),
        *check_jurisdiction_tree(repository),
        *check_plans(repository),
        *check_targets(repository),
    ]


def _duplicates(
    entries: Iterable[Entry[T]], key: Callable[[T], str], what: str, field: str
) -> Iterator[Finding]:
    first: dict[str, Entry[T]] = {}
    for entry in entries:
        value = key(entry.value)
        if value in first:
            original = first[value]
            yield Finding(
                entry.file,
                (*entry.path, field),
                "duplicate-id",
                f"duplicate {what} {value!r} "
                f"(also at {original.file}, {format_path(original.path)})",
                hint="ids must be unique; rename or remove one",
            )
        else:
            first[value] = entry


def check_duplicates(repository: Repository) -> Iterator[Finding]:
    """Find ids defined twice, and two targets for one plan, jurisdiction and indicator."""
    yield from _duplicates(repository.sources, lambda s: s.file, "source", "file")
    yield from _duplicates(repository.domains, lambda d: d.id, "domain", "id")
    yield from _duplicates(repository.indicators, lambda i: i.id, "indicator", "id")
    yield from _duplicates(repository.jurisdictions, lambda j: j.id, "jurisdiction", "id")
    yield from _duplicates(repository.plans, lambda p: p.id, "plan", "id")
    seen: dict[str, TargetEntry] = {}
    for entry in repository.targets:
        if entry.key in seen:
            original = seen[entry.key]
            yield Finding(
                entry.file,
                (*entry.path, "indicator"),
                "duplicate-target",
                f"a second target for indicator {entry.target.indicator!r} in plan "
                f"{entry.plan!r} for {entry.jurisdiction!r} (first at {original.file}, "
                f"{format_path(original.path)})",
                hint="one target per plan, jurisdiction and indicator; "
                "put interim goals under 'milestones'",
            )
        else:
            seen[entry.key] = entry


def _unknown(file: str, path: Path, what: str, value: str, known: Iterable[str]) -> Finding:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"define it in {what}s first"
    return Finding(file, path, f"unknown-{what}", f"unknown {what} {value!r}", hint=hint)


def _check_citation(
    repository: Repository, citation: Citation | None, file: str, path: Path
) -> Iterator[Finding]:
    if citation is not None and citation.file not in repository.source_by_file:
        finding = _unknown(
            file, (*path, "file"), "source", citation.file, repository.source_by_file
        )
        yield Finding(
            finding.file,
            finding.path,
            "unknown-source",
            f"citation names no known source: {citation.file!r}",
            hint=finding.hint
            if "did you mean" in (finding.hint or "")
            else "list it in sources.yaml",
        )


def check_references(repository: Repository) -> Iterator[Finding]:
    """Find ids that refer to nothing: domains, sources, parents, plans, indicators."""
    for finding in _check_references(repository):
        kind = finding.code.removeprefix("unknown-")
        if kind not in repository.unreadable:
            yield finding


def _check_references(repository: Repository) -> Iterator[Finding]:
    domains = repository.domain_by_id
    jurisdictions = repository.jurisdiction_by_id
    plans = repository.plan_by_id
    indicators = repository.indicator_by_id
    for entry in repository.indicators:
        indicator = entry.value
        if indicator.domain not in domains:
            yield _unknown(entry.file, (*entry.path, "domain"), "domain", indicator.domain, domains)
        yield from _check_citation(
            repository, indicator.source, entry.file, (*entry.path, "source")
        )
    for jentry in repository.jurisdictions:
        parent = jentry.value.parent
        if parent is not None and parent not in jurisdictions:
            yield _unknown(
                jentry.file, (*jentry.path, "parent"), "jurisdiction", parent, jurisdictions
            )
    for pentry in repository.plans:
        plan = pentry.value
        if plan.jurisdiction not in jurisdictions:
            yield _unknown(
                pentry.file,
                (*pentry.path, "jurisdiction"),
                "jurisdiction",
                plan.jurisdiction,
                jurisdictions,
            )
        if plan.source not in repository.source_by_file:
            yield _unknown(
                pentry.file,
                (*pentry.path, "source"),
                "source",
                plan.source,
                repository.source_by_file,
            )
    for tentry in repository.targets:
        if tentry.plan not in plans:
            yield _unknown(tentry.file, ("plan",), "plan", tentry.plan, plans)
        if tentry.jurisdiction not in jurisdictions:
            yield _unknown(
                tentry.file, ("jurisdiction",), "jurisdiction", tentry.jurisdiction, jurisdictions
            )
        target = tentry.target
        if target.indicator not in indicators:
            yield _unknown(
                tentry.file, (*tentry.path, "indicator"), "indicator", target.indicator, indicators
            )
        yield from _check_citation(repository, target.source, tentry.file, (*tentry.path, "source"))
        yield from _check_citation(
            repository, target.target.source, tentry.file, (*tentry.path, "target", "source")
        )
        for index, milestone in enumerate(target.milestones):
            yield from _check_citation(
                repository,
                milestone.source,
                tentry.file,
                (*tentry.path, "milestones", index, "source"),
            )


def check_jurisdiction_tree(repository: Repository) -> Iterator[Finding]:
    """Find cycles in the jurisdiction hierarchy, and target files outside their plan's area."""
    parents = {e.value.id: e.value.parent for e in repository.jurisdictions}
    for entry in repository.jurisdictions:
        seen = {entry.value.id}
        current = entry.value.parent
        while current is not None and current in parents:
            if current in seen:
                yield Finding(
                    entry.file,
                    (*entry.path, "parent"),
                    "jurisdiction-cycle",
                    f"jurisdiction {entry.value.id!r} is its own ancestor",
                    hint="a parent must be a larger area",
                )
                break
            seen.add(current)
            current = parents[current]
    plans = repository.plan_by_id
    for tentry in repository.targets:
        plan = plans.get(tentry.plan)
        if plan is None or tentry.jurisdiction not in parents:
            continue
        if plan.jurisdiction not in _ancestry(tentry.jurisdiction, parents):
            yield Finding(
                tentry.file,
                ("jurisdiction",),
                "jurisdiction-outside-plan",
                f"plan {plan.id!r} is for {plan.jurisdiction!r}, which does not contain "
                f"{tentry.jurisdiction!r}",
            )


def _ancestry(jurisdiction: str, parents: dict[str, str | None]) -> list[str]:
    chain = [jurisdiction]
    current = parents.get(jurisdiction)
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def check_plans(repository: Repository) -> Iterator[Finding]:
    """Find plans whose period, baseline year and target year disagree."""
    for entry in repository.plans:
        plan = entry.value
        if plan.period.start > plan.period.end:
            yield Finding(
                entry.file,
                (*entry.path, "period"),
                "plan-period",
                f"period starts in {plan.period.start}, after it ends in {plan.period.end}",
            )
        if not plan.period.start <= plan.target_year <= plan.period.end:
            yield Finding(
                entry.file,
                (*entry.path, "target_year"),
                "plan-target-year",
                f"target year {plan.target_year} is outside the plan period "
                f"{plan.period.start}–{plan.period.end}",
            )
        if plan.baseline_year is not None and plan.baseline_year >= plan.period.start + 1:
            yield Finding(
                entry.file,
                (*entry.path, "baseline_year"),
                "plan-baseline-year",
                f"baseline year {plan.baseline_year} is not before the plan period "
                f"{plan.period.start}–{plan.period.end}",
            )


def check_targets(repository: Repository) -> Iterator[Finding]:
    """Find targets whose numbers, direction, years or unit disagree."""
    for entry in repository.targets:
        indicator = repository.indicator_by_id.get(entry.target.indicator)
        plan = repository.plan_by_id.get(entry.plan)
        if indicator is None:
            continue
        yield from _check_target(repository, entry, indicator, plan)


def _check_target(
    repository: Repository, entry: TargetEntry, indicator: Indicator, plan: Plan | None
) -> Iterator[Finding]:
    target = entry.target
    measure = target.measure or indicator.measure
    file, path = entry.file, entry.path
    if target.unit is not None and target.unit != indicator.unit:
        yield Finding(
            file,
            (*path, "unit"),
            "unit-mismatch",
            f"unit {target.unit!r} disagrees with indicator {indicator.id!r}, "
            f"whose unit is {indicator.unit!r}",
            hint="convert the values to the catalog's unit, or use another indicator",
        )
    goals: list[tuple[Path, Goal]] = [((*path, "target"), target.target)]
    goals += [((*path, "milestones", i), m) for i, m in enumerate(target.milestones)]
    for goal_path, goal in goals:
        yield from _check_goal(entry, indicator, measure, goal, goal_path)
    if target.tolerance is not None and target.target.comparison != "about":
        yield Finding(
            file,
            (*path, "tolerance"),
            "tolerance-without-about",
            "a tolerance only applies to an 'about' (左右) target",
            hint="remove it, or set target.comparison: about",
        )
    baseline = target.baseline
    if baseline is not None and baseline.year >= target.target.year:
        yield Finding(
            file,
            (*path, "baseline", "year"),
            "baseline-year",
            f"baseline year {baseline.year} is not before the target year {target.target.year}",
        )
    if plan is not None:
        for goal_path, goal in goals:
            if not plan.period.start <= goal.year <= plan.period.end:
                yield Finding(
                    file,
                    (*goal_path, "year"),
                    "year-outside-plan",
                    f"year {goal.year} is outside the period of plan {plan.id!r} "
                    f"({plan.period.start}–{plan.period.end})",
                )
        if baseline is not None and baseline.year > plan.period.start:
            yield Finding(
                file,
                (*path, "baseline", "year"),
                "baseline-year",
                f"baseline year {baseline.year} is inside the plan period "
                f"{plan.period.start}–{plan.period.end}",
                hint="a baseline is the value before the plan starts",
            )
    for index, milestone in enumerate(target.milestones):
        if milestone.year > target.target.year:
            yield Finding(
                file,
                (*path, "milestones", index, "year"),
                "milestone-after-target",
                f"interim milestone year {milestone.year} is after the target year "
                f"{target.target.year}",
            )
    if target.per_member is not None and not repository.children_of(entry.jurisdiction):
        yield Finding(
            file,
            (*path, "per_member"),
            "per-member-without-members",
            f"jurisdiction {entry.jurisdiction!r} has no child jurisdictions "
            "for a per-member condition",
        )


def _check_goal(
    entry: TargetEntry, indicator: Indicator, measure: str, goal: Goal, path: Path
) -> Iterator[Finding]:
    file = entry.file
    if measure == "milestone":
        if goal.value is not None or goal.comparison is not None:
            yield Finding(
                file,
                (*path, "value"),
                "milestone-with-value",
                "a milestone target is done or not: it has no value or comparison",
                hint="remove value and comparison, or choose another measure",
            )
        return
    if goal.value is None:
        yield Finding(
            file,
            (*path, "value"),
            "missing-value",
            f"a {measure} target needs a value",
            hint="add the number from the source, or use measure: milestone",
        )
        return
    direction = indicator.direction
    if (direction, goal.comparison) in {("increase", "at_most"), ("decrease", "at_least")}:
        yield Finding(
            file,
            (*path, "comparison"),
            "comparison-direction",
            f"comparison {goal.comparison!r} contradicts the {direction!r} direction of "
            f"indicator {indicator.id!r}",
            hint="check the source's wording and the indicator's direction",
        )
    baseline = entry.target.baseline
    comparison = effective_comparison(goal.comparison, indicator, measure)  # type: ignore[arg-type]
    if baseline is None or measure not in {"level", "annual"} or comparison == "exactly":
        return
    wrong_way = (
        goal.value < baseline.value if direction == "increase" else goal.value > baseline.value
    )
    if wrong_way:
        yield Finding(
            file,
            (*path, "value"),
            "target-direction",
            f"target {goal.value:g} is {'below' if direction == 'increase' else 'above'} the "
            f"baseline {baseline.value:g}, but indicator {indicator.id!r} "
            f"has direction {direction!r}",
            hint="check the numbers against the source, or the indicator's direction",
        )
