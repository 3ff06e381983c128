"""Render the report as one self-contained HTML page: inline style, inline SVG, no request.

The page opens from ``file://`` on a machine with no network: it refers to no
font, script, style sheet or image outside itself (inline SVG needs no
namespace URL), and declares a stack of system CJK fonts instead of
downloading one. Status is told in words as well as colour; charts have text
alternatives; a print style sheet lays it out on A4. The output depends only
on its input: no clock, sorted as the status report is.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from mzplan import __version__
from mzplan.labels import count_targets, label
from mzplan.render.listing import format_number
from mzplan.render.report import (
    ReportContent,
    ReportRow,
    alert_text,
    header_facts,
    status_matrix,
)
from mzplan.render.status import ALERT_MARK, display_cells, shown_latest
from mzplan.render.style import page_style
from mzplan.render.svg import history_svg, history_text, progress_svg


class Footnotes:
    """Number the sources in the order they are first cited."""

    def __init__(self) -> None:
        self.texts: dict[str, int] = {}

    def cite(self, text: str) -> str:
        """Return a footnote mark for ``text``: a link to its entry in the source list."""
        number = self.texts.setdefault(text, len(self.texts) + 1)
        return f'<sup><a href="#src-{number}">[{number}]</a></sup>'

    def render(self, heading: str) -> str:
        """Return the numbered source list."""
        items = "".join(
            f'<li id="src-{number}">{escape(text)}</li>' for text, number in self.texts.items()
        )
        return (
            f'<section id="sources"><h2>{escape(heading)}</h2>'
            f'<ol class="sources">{items}</ol></section>'
        )


def _anchor(key: str) -> str:
    return "t-" + key.replace("/", "--")


def _with_unit(value: float, unit: str) -> str:
    number = format_number(value)
    return f"{number}{unit}" if unit in ("%", "‰", "") else f"{number} {unit}"


def _number_cell(text: str, source: str, notes: Footnotes, css: str = "num") -> str:
    return f'<td class="{css}" title="{escape(source)}">{escape(text)}{notes.cite(source)}</td>'


def _row(row: ReportRow, content: ReportContent, notes: Footnotes, show_place: bool) -> str:
    record = row.record
    language = content.language
    cells = display_cells(record, language)
    status = str(record["status"])
    classes = ["target", "alert"] if record["alert"] else ["target"]
    plan_source = content.plan_source(record)
    out = [
        f'<tr id="{escape(_anchor(record["key"]))}" class="{" ".join(classes)}" '
        f'data-key="{escape(record["key"])}" data-status="{escape(status)}" '
        f'data-alert="{"true" if record["alert"] else "false"}">',
        f'<th scope="row"><span class="name">{escape(content.name(record))}</span>'
        f'<span class="key">{escape(record["key"])}</span></th>',
    ]
    if show_place:
        out.append(f"<td>{escape(content.place(record['jurisdiction']))}</td>")
    kind = record["type"]
    out.append(
        f'<td><span class="type-{escape(kind)}">{escape(cells["type"])}</span></td>'
        if kind
        else '<td class="empty">—</td>'
    )
    unit = str(record["unit"])
    baseline = record["baseline"]
    if baseline is None:
        out.append('<td class="empty">—</td>')
    else:
        original = f" ({baseline['text']})" if baseline.get("text") else ""
        out.append(
            _number_cell(
                f"{_with_unit(baseline['value'], unit)} ({baseline['year']})",
                plan_source + original,
                notes,
            )
        )
    latest, shown = record["latest"], shown_latest(record)
    if latest is None or shown is None:
        out.append('<td class="empty">—</td>')
    else:
        stale = " †" if record["stale"] else ""
        out.append(
            _number_cell(
                f"{shown[0]}{_with_unit(shown[1], unit)} ({latest['period']}){stale}",
                str(latest["source"]),
                notes,
                "num stale" if stale else "num",
            )
        )
    goal = record["target"]
    out.append(_number_cell(f"{goal['text']} ({goal['year']})", plan_source, notes, "target-text"))
    out.append(_progress_cell(record, content))
    alert = (
        f'<strong class="alert-mark">{ALERT_MARK} {escape(label("alert", language))}</strong>'
        if record["alert"]
        else ""
    )
    out.append(
        f'<td class="status" title="{escape(str(record["reason"]))}">'
        f'<span class="badge status-{escape(status)}">{escape(cells["status"])}</span>{alert}</td>'
    )
    out.append(f'<td class="chart">{_chart(row, content)}</td>')
    out.append("</tr>")
    return "".join(out)


def _progress_cell(record: Mapping[str, Any], content: ReportContent) -> str:
    completion, elapsed = record["completion"], record["elapsed"]
    if completion is None and elapsed is None:
        return '<td class="empty">—</td>'
    words = [
        f"{label(key, content.language)} {record[key] * 100:.0f}%"
        for key in ("completion", "elapsed")
        if record[key] is not None
    ]
    bar = progress_svg(completion, elapsed, str(record["status"]), ", ".join(words))
    percent = "" if completion is None else f"{completion * 100:.0f}%"
    return f'<td class="progress">{bar} <span class="pct">{percent}</span></td>'


def _chart(row: ReportRow, content: ReportContent) -> str:
    history, record, language = row.history, row.record, content.language
    if not any(v is not None for v in history.observed):
        return f'<span class="empty">{escape(label("no_history", language))}</span>'
    words = (
        label("observed", language),
        label("on_schedule", language),
        label("target", language),
    )
    text = f"{content.name(record)} — {label('history', language)}: " + history_text(
        history.periods,
        history.observed,
        history.scheduled,
        None if history.goal is None else history.goal[1],
        words,
    )
    titles = [
        f"{period}: {format_number(value)} {record['unit']} — {source}"
        for period, value, source in zip(
            history.periods, history.observed, history.sources, strict=True
        )
    ]
    first = str(record["baseline"]["year"]) if record["baseline"] else history.periods[0][:4]
    return history_svg(
        history.times,
        history.observed,
        titles,
        start=history.start,
        goal=history.goal,
        schedule=history.schedule,
        status=str(record["status"]),
        text=text,
        axis_labels=(first, str(record["target"]["year"])),
    )


def _summary(content: ReportContent) -> str:
    language = content.language
    alerts = [r for r in content.records if r["alert"]]
    parts = [f'<section id="summary"><h2>{escape(label("summary", language))}</h2>']
    if alerts:
        items = "".join(
            f'<li class="alert"><a href="#{escape(_anchor(r["key"]))}">'
            f"{escape(alert_text(content, r))}</a></li>"
            for r in alerts
        )
        parts.append(
            f'<div class="alerts"><h3>{ALERT_MARK} {escape(label("alert", language))} '
            f"({len(alerts)})</h3><ul>{items}</ul></div>"
        )
    else:
        parts.append(f'<p class="no-alert">{escape(label("alerts_none", language))}</p>')
    counts = "".join(
        f'<li class="badge status-{escape(status)}">{escape(label(status, language))} '
        f"<strong>{count}</strong></li>"
        for status, count in content.counts.items()
    )
    total = sum(content.counts.values())
    parts.append(f'<ul class="counts">{counts}</ul>')
    parts.append(f'<p class="total">{escape(count_targets(total, language))}</p>')
    parts.append("</section>")
    return "".join(parts)


def _legend(content: ReportContent) -> str:
    language = content.language
    return (
        '<p class="legend">'
        f'<span class="swatch"></span>{escape(label("observed", language))}'
        f'<span class="swatch schedule"></span>{escape(label("on_schedule", language))}'
        f'<span class="swatch goal"></span>{escape(label("target", language))}'
        f'<span class="swatch elapsed"></span>{escape(label("elapsed", language))}'
        "</p>"
    )


def _domain_tables(content: ReportContent, notes: Footnotes) -> str:
    language = content.language
    show_place = len(content.jurisdictions) > 1
    columns = ["indicator", *(["jurisdiction"] if show_place else [])]
    columns += ["type", "baseline", "latest", "target", "progress", "status", "history"]
    head = "".join(
        f'<th scope="col" class="col-{c}">{escape(label(c, language))}</th>' for c in columns
    )
    groups: dict[str, list[ReportRow]] = {}
    for row in content.rows:
        groups.setdefault(str(row.record["domain"]), []).append(row)
    out = []
    for domain, rows in groups.items():
        name = content.domain_names.get(domain, domain)
        body = "".join(_row(row, content, notes, show_place) for row in rows)
        out.append(
            f'<section class="domain" id="domain-{escape(domain)}" aria-label="{escape(name)}">'
            f'<table class="targets"><caption>{escape(name)} <span class="count">· '
            f"{escape(count_targets(len(rows), language))}</span></caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>"
        )
    return "".join(out)


def _matrix(content: ReportContent) -> str:
    language = content.language
    places = content.jurisdictions
    head = f'<th scope="col">{escape(label("indicator", language))}</th>' + "".join(
        f'<th scope="col">{escape(content.place(p))}</th>' for p in places
    )
    alert_word = f" {ALERT_MARK} {label('alert', language)}"
    rows = []
    for name, cells in status_matrix(content):
        tds = []
        for place in places:
            records = cells.get(place, [])
            if not records:
                tds.append('<td class="none">—</td>')
                continue
            spans = "".join(
                f'<span class="status-{escape(r["status"])}{" alert" if r["alert"] else ""}" '
                f'title="{escape(_matrix_title(r, content))}">'
                f"{escape(label(r['status'], language))}"
                f"{alert_word if r['alert'] else ''}</span>"
                for r in records
            )
            first = records[0]["status"]
            tds.append(f'<td class="cell status-{escape(first)}">{spans}</td>')
        rows.append(f'<tr><th scope="row">{escape(name)}</th>{"".join(tds)}</tr>')
    title = label("matrix", language)
    return (
        f'<section id="matrix"><h2>{escape(title)}</h2><table class="matrix">'
        f"<caption>{escape(label('matrix_caption', language))}</caption>"
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _matrix_title(record: Mapping[str, Any], content: ReportContent) -> str:
    cells = display_cells(record, content.language)
    language = content.language
    return (
        f"{content.place(record['jurisdiction'])} · {content.name(record)}: "
        f"{label('latest', language)} {cells['latest']}; "
        f"{label('target', language)} {cells['target']}"
    )


def render_report_html(content: ReportContent) -> str:
    """Return the whole report as one self-contained HTML page."""
    language = content.language
    title = label("report_title", language)
    heading = " · ".join(
        [title, *(content.place(j) for j in content.jurisdictions), content.as_of.isoformat()]
    )
    facts = "".join(
        f"<dt>{escape(name)}</dt><dd>{escape(text)}</dd>" for name, text in header_facts(content)
    )
    notes = Footnotes()
    tables = _domain_tables(content, notes)
    stale = (
        f"<p>{escape(label('stale_note', language))}</p>"
        if any(r["stale"] for r in content.records)
        else ""
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if language == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="mzplan {escape(__version__)}">',
        f"<title>{escape(heading)}</title>",
        f"<style>{page_style()}</style>",
        "</head>",
        '<body><div class="page">',
        f'<header><h1>{escape(title)}</h1><dl class="facts">{facts}</dl></header>',
        "<main>",
        _summary(content),
        _matrix(content) if len(content.jurisdictions) > 1 else "",
        f'<section id="targets"><h2>{escape(label("progress", language))}</h2>',
        _legend(content),
        tables,
        stale,
        "</section>",
        notes.render(label("sources", language)),
        "</main>",
        f"<footer>mzplan {escape(__version__)}</footer>",
        "</div></body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"
