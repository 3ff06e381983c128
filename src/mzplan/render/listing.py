"""Render ``mzplan list``: rich tables, JSON and CSV of the catalog and targets."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from rich.table import Table

from mzplan.labels import Language, label, measure_label
from mzplan.repository import Repository

TARGET_CSV_COLUMNS = (
    "key",
    "indicator",
    "name_zh",
    "name_en",
    "jurisdiction",
    "plan",
    "domain",
    "type",
    "unit",
    "direction",
    "measure",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "target_comparison",
    "target_text",
    "source_file",
    "source_section",
)


def format_number(value: float | None) -> str:
    """Return a number as people write it: no trailing zeros, at most two decimals."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):d}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _safe_cell(value: Any) -> Any:
    # Spreadsheets run cells starting with these as formulas (OWASP ASVS 1.2.10).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "\0"):
        return "'" + value
    return value


def render_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Return rows as CSV with a header; text that a spreadsheet would run is defused."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe_cell("" if v is None else v) for k, v in row.items()})
    return buffer.getvalue()


def target_csv_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a target record into the columns of :data:`TARGET_CSV_COLUMNS`."""
    baseline = record["baseline"] or {}
    return {
        **{k: record[k] for k in TARGET_CSV_COLUMNS if k in record},
        "baseline_value": baseline.get("value"),
        "baseline_year": baseline.get("year"),
        "target_value": record["target"]["value"],
        "target_year": record["target"]["year"],
        "target_comparison": record["target"]["comparison"],
        "target_text": record["target"]["text"],
        "source_file": record["source"]["file"],
        "source_section": record["source"]["section"],
    }


def targets_table(
    records: Sequence[dict[str, Any]], repository: Repository, language: Language
) -> Table:
    """Return a table of targets: name, place, plan, type, baseline, target and unit."""
    several_places = len({r["jurisdiction"] for r in records}) > 1
    several_plans = len({r["plan"] for r in records}) > 1
    table = Table(show_lines=False, expand=False)
    table.add_column(label("indicator", language), overflow="fold", ratio=3, min_width=12)
    if several_places:
        table.add_column(label("jurisdiction", language), overflow="fold")
    for column in ("type", "baseline", "target", "unit"):
        table.add_column(label(column, language), overflow="fold")
    if several_plans:
        table.add_column(label("plan", language), overflow="fold")
    for record in records:
        jurisdiction = repository.jurisdiction_by_id[record["jurisdiction"]]
        baseline = record["baseline"]
        goal = record["target"]
        cells = [record["name_zh" if language == "zh" else "name_en"]]
        if several_places:
            cells.append(jurisdiction.name_zh if language == "zh" else jurisdiction.name_en)
        cells += [
            label(record["type"], language) if record["type"] else "",
            f"{format_number(baseline['value'])} ({baseline['year']})" if baseline else "—",
            f"{goal['text']} ({goal['year']})",
            record["unit"],
        ]
        if several_plans:
            cells.append(record["plan"])
        table.add_row(*cells)
    return table


def indicators_table(
    records: Sequence[dict[str, Any]], repository: Repository, language: Language
) -> Table:
    """Return a table of indicators."""
    table = Table()
    for column in ("id", "name", "unit", "direction", "measure", "domain"):
        table.add_column(label(column, language), overflow="fold")
    for record in records:
        domain = repository.domain_by_id.get(record["domain"])
        table.add_row(
            record["id"],
            record["name_zh" if language == "zh" else "name_en"],
            record["unit"],
            label(record["direction"], language),
            measure_label(record["measure"], language),
            (domain.name_zh if language == "zh" else domain.name_en)
            if domain
            else record["domain"],
        )
    return table


def plans_table(records: Sequence[dict[str, Any]], language: Language) -> Table:
    """Return a table of plans."""
    table = Table()
    for column in ("id", "name", "document_number", "jurisdiction", "period", "baseline", "target"):
        table.add_column(label(column, language), overflow="fold")
    for record in records:
        table.add_row(
            record["id"],
            record["title_zh" if language == "zh" else "title_en"],
            record["document_number"] or "",
            record["jurisdiction"],
            f"{record['period']['start']}–{record['period']['end']}",
            str(record["baseline_year"] or "—"),
            str(record["target_year"]),
        )
    return table


def jurisdictions_table(records: Sequence[dict[str, Any]], language: Language) -> Table:
    """Return a table of jurisdictions."""
    table = Table()
    for column in ("id", "name", "level", "parent"):
        table.add_column(label(column, language), overflow="fold")
    for record in records:
        table.add_row(
            record["id"],
            record["name_zh" if language == "zh" else "name_en"],
            record["level"],
            record["parent"] or "",
        )
    return table
