"""Render the status report: a rich table, Markdown, CSV and JSON, all from the same records.

Every format is built from :func:`mzplan.status.status_record` dicts, so the
table, the CSV and the Markdown cannot say something the JSON does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from mzplan.labels import Language, count_targets, label
from mzplan.render.listing import (
    TARGET_CSV_COLUMNS,
    format_number,
    render_csv,
    target_csv_row,
)

STATUS_STYLES: Mapping[str, str] = {
    "achieved": "bold green",
    "ahead": "green",
    "on_track": "cyan",
    "substantial": "green",
    "moderate": "cyan",
    "lagging": "yellow",
    "limited": "yellow",
    "regressing": "bold red",
    "deterioration": "bold red",
    "missed": "bold red",
    "no_data": "dim",
}
ALERT_MARK = "⚠"
BAR_WIDTH = 10

STATUS_CSV_COLUMNS = (
    *TARGET_CSV_COLUMNS,
    "latest_value",
    "latest_period",
    "completion",
    "elapsed",
    "status",
    "alert",
    "stale",
    "needed_now",
    "required_yearly_change",
    "projection",
    "method",
)


def progress_bar(completion: float | None, elapsed: float | None, width: int = BAR_WIDTH) -> str:
    """Return a bar of completion with ``│`` where elapsed time stands: ``███░│░░░░░``."""
    if completion is None:
        return ""
    filled = round(max(0.0, min(1.0, completion)) * width)
    cells = ["█"] * filled + ["░"] * (width - filled)
    if elapsed is not None:
        cells[min(width - 1, max(0, round(max(0.0, min(1.0, elapsed)) * width) - 1))] = "│"
    return "".join(cells)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def shown_latest(record: Mapping[str, Any]) -> tuple[str, float] | None:
    """Return the latest value as a person should read it, with its mark.

    A cumulative target is judged on the sum of the flows so far, so that sum
    is shown, marked ``Σ``; otherwise the latest observation itself.
    """
    latest = record["latest"]
    if latest is None:
        return None
    if record["measure"] == "cumulative" and record["tracked_value"] is not None:
        return "Σ", record["tracked_value"]
    return "", latest["value"]


def display_cells(record: Mapping[str, Any], language: Language) -> dict[str, str]:
    """Return the words a person reads for one record, shared by the table and Markdown."""
    baseline = record["baseline"]
    latest = record["latest"]
    goal = record["target"]
    latest_text = "—"
    shown = shown_latest(record)
    if latest is not None and shown is not None:
        latest_text = f"{shown[0]}{format_number(shown[1])} ({latest['period']})"
        if record["stale"]:
            latest_text += " †"
    kind = record["type"]
    return {
        "name": record["name_zh" if language == "zh" else "name_en"],
        "jurisdiction": record["jurisdiction"],
        "type": label(kind, language) if kind else "",
        "baseline": f"{format_number(baseline['value'])} ({baseline['year']})" if baseline else "—",
        "latest": latest_text,
        "target": f"{goal['text']} ({goal['year']})",
        "unit": record["unit"],
        "progress": f"{progress_bar(record['completion'], record['elapsed'])} "
        f"{_percent(record['completion'])}".strip(),
        "status": label(record["status"], language),
        "alert": ALERT_MARK if record["alert"] else "",
    }


NARROW = 110
"""Below this many columns the table drops the baseline: it is in ``show`` and the JSON."""


def _columns(records: Sequence[Mapping[str, Any]], width: int | None = None) -> list[str]:
    columns = ["name"]
    if len({r["jurisdiction"] for r in records}) > 1:
        columns.append("jurisdiction")
    columns += ["type", "baseline", "latest", "target", "progress", "status", "alert"]
    if width is not None and width < NARROW:
        columns.remove("baseline")
    return columns


def _header(column: str, language: Language) -> str:
    return label("indicator" if column == "name" else column, language)


def status_table(
    records: Sequence[Mapping[str, Any]],
    domain_names: Mapping[str, str],
    jurisdiction_names: Mapping[str, str],
    language: Language,
    width: int | None = None,
) -> Table:
    """Return the status table: a section per policy domain, binding targets first.

    On a terminal narrower than :data:`NARROW` columns the baseline is left out.
    """
    columns = _columns(records, width)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in columns:
        if column == "name":
            table.add_column(_header(column, language), ratio=1, min_width=10, overflow="fold")
        elif column == "progress":
            table.add_column(_header(column, language), no_wrap=True, min_width=BAR_WIDTH)
        else:
            table.add_column(_header(column, language), overflow="fold")
    current_domain = None
    for record in records:
        if record["domain"] != current_domain:
            if current_domain is not None:
                table.add_section()
            current_domain = record["domain"]
            table.add_row(Text(domain_names.get(current_domain, current_domain), style="bold"))
        cells = display_cells(record, language)
        cells["jurisdiction"] = jurisdiction_names.get(
            record["jurisdiction"], record["jurisdiction"]
        )
        style = STATUS_STYLES.get(record["status"], "")
        row: list[Text | str] = []
        for column in columns:
            if column == "status":
                row.append(Text(cells["status"], style=style))
            elif column == "alert":
                row.append(Text(cells["alert"], style="bold red"))
            elif column == "type" and record["type"] == "binding":
                row.append(Text(cells["type"], style="bold"))
            else:
                row.append(cells[column])
        table.add_row(*row)
    return table


def summary_line(
    counts: Mapping[str, int],
    alerts: Sequence[Mapping[str, Any]],
    jurisdiction_names: Mapping[str, str],
    language: Language,
) -> str:
    """Return one line: the count of targets per status, then the alerts by name."""
    total = sum(counts.values())
    parts = [f"{label(status, language)} {count}" for status, count in counts.items()]
    head = f"共 {total} 项: " if language == "zh" else f"{count_targets(total, language)}: "
    line = head + " · ".join(parts)
    if alerts:
        names = ", ".join(
            f"{a['name_zh' if language == 'zh' else 'name_en']}"
            f" ({jurisdiction_names.get(a['jurisdiction'], a['jurisdiction'])})"
            for a in alerts
        )
        line += f" | {ALERT_MARK} {label('alert', language)} {len(alerts)}: {names}"
    return line


def status_view(
    records: Sequence[Mapping[str, Any]],
    counts: Mapping[str, int],
    domain_names: Mapping[str, str],
    jurisdiction_names: Mapping[str, str],
    language: Language,
    width: int | None = None,
) -> Group:
    """Return the whole terminal view for a terminal ``width`` wide: the table, the summary."""
    alerts = [r for r in records if r["alert"]]
    summary = summary_line(counts, alerts, jurisdiction_names, language)
    table = status_table(records, domain_names, jurisdiction_names, language, width)
    return Group(table, Text(summary, style="bold red" if alerts else "bold"))


def csv_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a status record into :data:`STATUS_CSV_COLUMNS`."""
    latest = record["latest"] or {}
    return {
        **target_csv_row(record),
        **{k: record[k] for k in STATUS_CSV_COLUMNS if k in record},
        "latest_value": latest.get("value"),
        "latest_period": latest.get("period"),
    }


def render_status_csv(records: Sequence[Mapping[str, Any]]) -> str:
    """Return the records as CSV, one row per target."""
    return render_csv([csv_row(r) for r in records], STATUS_CSV_COLUMNS)


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(
    records: Sequence[Mapping[str, Any]],
    counts: Mapping[str, int],
    domain_names: Mapping[str, str],
    jurisdiction_names: Mapping[str, str],
    language: Language,
) -> str:
    """Return the report as Markdown: a table per policy domain and the summary line."""
    columns = _columns(records)
    lines: list[str] = []
    current_domain = None
    for record in records:
        if record["domain"] != current_domain:
            current_domain = record["domain"]
            if lines:
                lines.append("")
            lines += [
                f"### {domain_names.get(current_domain, current_domain)}",
                "",
                "| " + " | ".join(_header(c, language) for c in columns) + " |",
                "|" + "|".join("---" for _ in columns) + "|",
            ]
        cells = display_cells(record, language)
        cells["jurisdiction"] = jurisdiction_names.get(
            record["jurisdiction"], record["jurisdiction"]
        )
        if cells["alert"]:
            cells["alert"] = f"{ALERT_MARK} {label('alert', language)}"
        lines.append("| " + " | ".join(_markdown_cell(cells[c]) for c in columns) + " |")
    alerts = [r for r in records if r["alert"]]
    lines += ["", summary_line(counts, alerts, jurisdiction_names, language), ""]
    return "\n".join(lines)
