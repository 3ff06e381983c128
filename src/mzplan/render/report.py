"""Gather what ``mzplan report`` shows, and render it as Markdown.

:func:`build_report_content` turns an assessed :class:`~mzplan.status.StatusReport`
into a :class:`ReportContent`: the same :func:`~mzplan.status.status_record` dicts
``status --format json`` prints, each with its history for a chart, and the names
a reader needs. The HTML (:mod:`mzplan.render.html`) and the Markdown below are
both built from it, so they cannot say something the JSON does not.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any

from mzplan.labels import Language, label
from mzplan.observations import year_end
from mzplan.render.listing import format_number
from mzplan.render.status import ALERT_MARK, display_cells, render_markdown
from mzplan.repository import Repository
from mzplan.status import StatusReport, TargetStatus, history_points, status_record


@dataclasses.dataclass(frozen=True)
class History:
    """The observed history of one target in its tracked quantity, for a chart.

    ``start`` is the baseline point ``(t0, value)`` and ``goal`` the target point
    ``(tT, value)`` of the on-schedule line, when the target has them; times are
    fractional years at the end of each period (see :func:`mzplan.observations.period_end`).
    """

    periods: tuple[str, ...] = ()
    times: tuple[float, ...] = ()
    observed: tuple[float | None, ...] = ()
    scheduled: tuple[float | None, ...] = ()
    sources: tuple[str, ...] = ()
    start: tuple[float, float] | None = None
    goal: tuple[float, float] | None = None
    schedule: bool = False
    """Whether a straight on-schedule line from ``start`` to ``goal`` applies."""


@dataclasses.dataclass(frozen=True)
class ReportRow:
    """One target: its status record (the JSON contract) and its history."""

    record: Mapping[str, Any]
    history: History


@dataclasses.dataclass(frozen=True)
class ReportContent:
    """Everything a report shows, in display order, with names in one language."""

    rows: tuple[ReportRow, ...]
    counts: Mapping[str, int]
    as_of: datetime.date
    method: str
    tolerance: float | None
    language: Language
    plans: tuple[str, ...]
    """Plan titles (with document numbers), in id order."""
    jurisdictions: tuple[str, ...]
    """Ids of the jurisdictions that have a row, in the catalog's order."""
    domain_names: Mapping[str, str]
    jurisdiction_names: Mapping[str, str]
    source_titles: Mapping[str, str]
    """Titles of the plans' source documents, by file name."""

    @property
    def records(self) -> list[Mapping[str, Any]]:
        """Return the status records, in display order."""
        return [row.record for row in self.rows]

    def name(self, record: Mapping[str, Any]) -> str:
        """Return a target's name in the report's language."""
        return str(record["name_zh" if self.language == "zh" else "name_en"])

    def place(self, jurisdiction: str) -> str:
        """Return a jurisdiction's name in the report's language."""
        return self.jurisdiction_names.get(jurisdiction, jurisdiction)

    def plan_source(self, record: Mapping[str, Any]) -> str:
        """Return where a target's baseline and target come from: document and section."""
        source = record["source"]
        title = self.source_titles.get(source["file"], source["file"])
        return f"{label('plan_source', self.language)}: {title} {source['section']}".strip()


def build_history(item: TargetStatus) -> History:
    """Return the history of one target up to its "as of", for its chart."""
    target, assessment = item.target, item.assessment
    periods, observed, scheduled = history_points(target, assessment)
    points = assessment.track.points if assessment.track else ()
    goal_value = target.target.target.value
    base = assessment.baseline_value
    measure = target.measure
    start: tuple[float, float] | None = None
    if assessment.baseline_time is not None:
        if measure == "cumulative":
            start = (assessment.baseline_time, 0.0)
        elif base is not None and measure in ("level", "increment"):
            start = (assessment.baseline_time, base)
    goal: tuple[float, float] | None = None
    if goal_value is not None:
        if measure == "increment":
            goal = (
                None if base is None else (year_end(target.target.target.year), base + goal_value)
            )
        else:
            goal = (year_end(target.target.target.year), goal_value)
    return History(
        periods=tuple(periods),
        times=tuple(p.time for p in points),
        observed=tuple(observed),
        scheduled=tuple(scheduled),
        sources=tuple(p.observation.source for p in points),
        start=start,
        goal=goal,
        schedule=start is not None and goal is not None and start[0] < goal[0],
    )


def build_report_content(
    repository: Repository, report: StatusReport, *, language: Language
) -> ReportContent:
    """Return what the report shows for the assessed targets of ``report``."""
    zh = language == "zh"
    domain_names, jurisdiction_names = repository.names(language)
    rows = tuple(ReportRow(status_record(item), build_history(item)) for item in report.items)
    plans = sorted({item.target.plan.id: item.target.plan for item in report.items}.items())
    present = {item.target.jurisdiction.id for item in report.items}
    return ReportContent(
        rows=rows,
        counts=report.counts(),
        as_of=report.as_of,
        method=report.method,
        tolerance=report.tolerance,
        language=language,
        plans=tuple(
            (plan.title_zh if zh else plan.title_en)
            + (f" ({plan.document_number})" if plan.document_number else "")
            for _, plan in plans
        ),
        jurisdictions=tuple(e.value.id for e in repository.jurisdictions if e.value.id in present),
        domain_names=domain_names,
        jurisdiction_names=jurisdiction_names,
        source_titles={e.value.file: e.value.title for e in repository.sources},
    )


def method_text(content: ReportContent) -> str:
    """Return the method, and the tolerance when one was given on the command line."""
    text = label(content.method, content.language)
    if content.tolerance is not None:
        text += f", {label('tolerance', content.language)} δ = {content.tolerance:g}"
    return text


def header_facts(content: ReportContent) -> list[tuple[str, str]]:
    """Return the header's facts as (label, text): plans, jurisdictions, as of, method."""
    separator = "; "
    facts = [
        (label("plan", content.language), separator.join(content.plans) or "—"),
        (
            label("jurisdiction", content.language),
            separator.join(content.place(j) for j in content.jurisdictions) or "—",
        ),
        (label("as_of", content.language), content.as_of.isoformat()),
        (label("method", content.language), method_text(content)),
    ]
    return [(name[:1].upper() + name[1:], text) for name, text in facts]


def alert_text(content: ReportContent, record: Mapping[str, Any]) -> str:
    """Return one alert as a sentence: name (jurisdiction): status, completion vs elapsed."""
    cells = display_cells(record, content.language)
    text = f"{content.name(record)} ({content.place(record['jurisdiction'])}): {cells['status']}"
    numbers = [
        f"{label(key, content.language)} {record[key] * 100:.0f}%"
        for key in ("completion", "elapsed")
        if record[key] is not None
    ]
    return text + (f" — {', '.join(numbers)}" if numbers else "")


def status_matrix(
    content: ReportContent,
) -> list[tuple[str, dict[str, list[Mapping[str, Any]]]]]:
    """Return, per indicator in display order, its records by jurisdiction id."""
    rows: dict[str, tuple[str, dict[str, list[Mapping[str, Any]]]]] = {}
    for record in content.records:
        _, cells = rows.setdefault(record["indicator"], (content.name(record), {}))
        cells.setdefault(record["jurisdiction"], []).append(record)
    return list(rows.values())


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_matrix(content: ReportContent) -> list[str]:
    places = content.jurisdictions
    lines = [
        f"## {label('matrix', content.language)}",
        "",
        "| "
        + " | ".join([label("indicator", content.language), *(content.place(j) for j in places)])
        + " |",
        "|" + "|".join("---" for _ in range(len(places) + 1)) + "|",
    ]
    alert_word = f" {ALERT_MARK} {label('alert', content.language)}"
    for name, cells in status_matrix(content):
        row = [name]
        for place in places:
            words = [
                label(r["status"], content.language) + (alert_word if r["alert"] else "")
                for r in cells.get(place, [])
            ]
            row.append(" / ".join(words) or "—")
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in row) + " |")
    return [*lines, ""]


def render_report_markdown(content: ReportContent) -> str:
    """Return the report as Markdown: header, alerts, a table per domain, matrix, sources."""
    language = content.language
    records = content.records
    lines = [f"# {label('report_title', language)}", ""]
    lines += [f"- **{name}**: {_markdown_cell(text)}" for name, text in header_facts(content)]
    lines += ["", f"## {label('summary', language)}", ""]
    alerts = [r for r in records if r["alert"]]
    if alerts:
        lines.append(f"**{ALERT_MARK} {label('alert', language)} {len(alerts)}**")
        lines.append("")
        lines += [
            f"- {ALERT_MARK} {label('alert', language)}: {alert_text(content, r)}" for r in alerts
        ]
    else:
        lines.append(label("alerts_none", language))
    lines += ["", f"## {label('progress', language)}", ""]
    lines.append(
        render_markdown(
            records,
            content.counts,
            content.domain_names,
            content.jurisdiction_names,
            language,
        ).rstrip("\n")
    )
    if any(r["stale"] for r in records):
        lines += ["", label("stale_note", language)]
    lines.append("")
    if len(content.jurisdictions) > 1:
        lines += _markdown_matrix(content)
    lines += [f"## {label('sources', language)}", ""]
    for record in records:
        parts = [content.plan_source(record)]
        latest = record["latest"]
        if latest is not None:
            parts.append(
                f"{label('latest', language)} {format_number(latest['value'])}"
                f" ({latest['period']}): {latest['source']}"
            )
        lines.append(
            f"- {_markdown_cell(content.name(record))} ({content.place(record['jurisdiction'])}): "
            + _markdown_cell("; ".join(parts))
        )
    return "\n".join(lines) + "\n"
