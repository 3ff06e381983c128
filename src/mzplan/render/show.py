"""Render ``mzplan show``: everything about one target, with a sparkline of its history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mzplan.labels import Language, label, measure_label
from mzplan.render.listing import format_number
from mzplan.render.status import STATUS_STYLES, progress_bar

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None], low: float, high: float) -> str:
    """Return one character per value on a shared scale; a gap for a missing value."""
    span = high - low
    marks = []
    for value in values:
        if value is None:
            marks.append(" ")
            continue
        share = 0.5 if span <= 0 else (value - low) / span
        marks.append(SPARKS[round(max(0.0, min(1.0, share)) * (len(SPARKS) - 1))])
    return "".join(marks)


def history_chart(
    observed: Sequence[float | None], on_schedule: Sequence[float | None], labels: Sequence[str]
) -> tuple[str, str, str]:
    """Return the observed and on-schedule sparklines on one scale, and the scale's range."""
    present = [v for v in [*observed, *on_schedule] if v is not None]
    if not present:
        return "", "", ""
    low, high = min(present), max(present)
    scale = f"{format_number(low)} – {format_number(high)}; {labels[0]} … {labels[-1]}"
    return sparkline(observed, low, high), sparkline(on_schedule, low, high), scale


def _goal(goal: Mapping[str, Any] | None) -> str:
    if not goal:
        return "—"
    return f"{goal['text']} ({goal['year']})"


def show_view(
    record: Mapping[str, Any],
    growth: Mapping[str, Any],
    observations: Sequence[Mapping[str, Any]],
    chart: tuple[str, str, str],
    names: Mapping[str, str],
    language: Language,
) -> Group:
    """Return the whole ``show`` view for one target, assessed by both methods."""
    zh = language == "zh"
    title = Text(f"{record['name_zh']}  {record['name_en']}", style="bold")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    baseline = record["baseline"]
    rows: list[tuple[str, str]] = [
        ("key", record["key"]),
        ("plan", names.get("plan", record["plan"])),
        ("jurisdiction", names.get("jurisdiction", record["jurisdiction"])),
        ("type", label(record["type"], language) if record["type"] else "—"),
        ("unit", record["unit"]),
        ("direction", label(record["direction"], language)),
        ("measure", measure_label(record["measure"], language)),
        ("definition", record["definition"] or "—"),
        ("source", f"{record['source']['file']} {record['source']['section']}"),
        (
            "baseline",
            f"{format_number(baseline['value'])} ({baseline['year']})" if baseline else "—",
        ),
        ("target", f"{_goal(record['target'])}  [{record['target']['comparison'] or '—'}]"),
    ]
    rows += [("milestone_goal", _goal(m)) for m in record["milestones"]]
    if record["per_member"]:
        rows.append(("per_member", record["per_member"]["text"]))
    if record["note"]:
        rows.append(("note", record["note"]))
    for key, value in rows:
        facts.add_row(label(key, language), value)

    history = Table(title=label("observations", language), title_justify="left")
    for column in ("observed_period", "value", "source", "note"):
        history.add_column(label(column, language), overflow="fold")
    for observation in observations:
        history.add_row(
            observation["period"],
            format_number(observation["value"]),
            observation["source"],
            observation["note"],
        )

    assessments = Table(title=label("progress", language), title_justify="left")
    columns = ("method", "status", "completion", "elapsed", "needed_now", "required_yearly_change")
    for column in (*columns, "projection"):
        assessments.add_column(label(column, language), overflow="fold")
    assessments.add_column("R", overflow="fold")
    for item in (record, growth):
        assessments.add_row(
            label(item["method"], language),
            Text(label(item["status"], language), style=STATUS_STYLES.get(item["status"], "")),
            _percent(item["completion"]),
            _percent(item["elapsed"]),
            format_number(item["needed_now"]),
            format_number(item["required_yearly_change"]),
            format_number(item["projection"]),
            "" if item["growth_ratio"] is None else f"{item['growth_ratio']:.2f}",
        )
    reasons = Text(
        f"{record['method']}: {record['reason']}\n{growth['method']}: {growth['reason']}"
    )
    bar = progress_bar(record["completion"], record["elapsed"], width=30)
    parts: list[Any] = [title, facts, history, assessments, reasons]
    if bar:
        parts.append(Text(f"{bar} (│ = {'序时进度' if zh else 'elapsed time'})"))
    observed, schedule, scale = chart
    if observed:
        legend = ("实际", "序时") if zh else ("observed", "schedule")
        lines = [f"{legend[0]:>9} {observed}", f"{legend[1]:>9} {schedule}", f"{'':>9} {scale}"]
        parts.append(Text("\n".join(lines)))
    return Group(*parts)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"
