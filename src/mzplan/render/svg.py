"""Small inline SVG charts that mzplan writes itself: a progress bar and a history chart.

Each chart is a string of SVG to place inside an HTML page (inline SVG in HTML
needs no ``xmlns``, so the page holds no URL at all). Every chart has
``role="img"``, an ``aria-label`` and a ``<title>`` that say in words what it
shows, so a screen reader (or a printout without colour) loses nothing. No
chart refers to anything outside itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from mzplan.render.listing import format_number

STATUS_COLOURS: Mapping[str, tuple[str, str]] = {
    # status: (strong colour for text, bars and lines; light background)
    "achieved": ("#1b6e35", "#e2f3e7"),
    "ahead": ("#1b6e35", "#e2f3e7"),
    "substantial": ("#1b6e35", "#e2f3e7"),
    "on_track": ("#0a5f7a", "#e0f1f6"),
    "moderate": ("#0a5f7a", "#e0f1f6"),
    "lagging": ("#8a4b00", "#fff0d4"),
    "limited": ("#8a4b00", "#fff0d4"),
    "regressing": ("#b3261e", "#fde4e2"),
    "deterioration": ("#b3261e", "#fde4e2"),
    "missed": ("#b3261e", "#fde4e2"),
    "no_data": ("#5f6368", "#eeeff1"),
}
TRACK = "#d9dce0"
INK = "#202124"
TARGET_COLOUR = "#b3261e"
SCHEDULE_COLOUR = "#80868b"


def colour(status: str) -> str:
    """Return the strong colour of a status."""
    return STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"])[0]


def _number(value: float) -> str:
    """Return a coordinate with at most two decimals, the same on every run."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _open(width: int, height: int, text: str, css_class: str) -> str:
    alternative = escape(text)
    return (
        f'<svg class="{css_class}" role="img" aria-label="{alternative}" '
        f'width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{alternative}</title>'
    )


def progress_svg(
    completion: float | None,
    elapsed: float | None,
    status: str,
    text: str,
    *,
    width: int = 100,
    height: int = 14,
) -> str:
    """Return a bar filled to ``completion`` with a dark mark where ``elapsed`` time stands.

    ``text`` is the text alternative, e.g. "完成度 24%, 时间进度 60%".
    """
    parts = [
        _open(width, height + 4, text, "bar"),
        f'<rect x="0" y="2" width="{width}" height="{height}" rx="2" fill="{TRACK}"/>',
    ]
    if completion is not None and math.isfinite(completion):
        filled = max(0.0, min(1.0, completion)) * width
        parts.append(
            f'<rect x="0" y="2" width="{_number(filled)}" height="{height}" rx="2" '
            f'fill="{colour(status)}"/>'
        )
    if elapsed is not None and math.isfinite(elapsed):
        x = _number(max(1.0, min(width - 1.0, elapsed * width)))
        parts.append(
            f'<line class="elapsed" x1="{x}" y1="0" x2="{x}" y2="{height + 4}" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def history_svg(
    times: Sequence[float],
    observed: Sequence[float | None],
    point_titles: Sequence[str],
    *,
    start: tuple[float, float] | None,
    goal: tuple[float, float] | None,
    schedule: bool,
    status: str,
    text: str,
    axis_labels: tuple[str, str],
    width: int = 168,
    height: int = 60,
) -> str:
    """Return a small chart: observed values (a line with dots), on-schedule and target lines.

    The on-schedule line runs straight from ``start`` to ``goal`` when ``schedule``
    is true; the target is a dotted horizontal line at ``goal``'s value. Each dot
    has its own ``<title>`` (``point_titles``: period, value and source) shown on hover.
    ``axis_labels`` name the left and right ends of the time axis.
    """
    points = [(t, v) for t, v in zip(times, observed, strict=True) if v is not None]
    xs = [t for t, _ in points] + [p[0] for p in (start, goal) if p is not None]
    ys = [v for _, v in points] + [p[1] for p in (start, goal) if p is not None]
    left, right, top, bottom = 6.0, 6.0, 6.0, 14.0
    x0, x1 = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if x1 - x0 < 1e-9:
        x0, x1 = x0 - 1.0, x1 + 1.0
    y0, y1 = (min(ys), max(ys)) if ys else (0.0, 1.0)
    pad = (y1 - y0) * 0.08 or max(1.0, abs(y0) * 0.1)
    y0, y1 = y0 - pad, y1 + pad

    def x_of(t: float) -> str:
        return _number(left + (t - x0) / (x1 - x0) * (width - left - right))

    def y_of(v: float) -> str:
        return _number(top + (y1 - v) / (y1 - y0) * (height - top - bottom))

    strong = colour(status)
    parts = [
        _open(width, height, text, "history"),
        f'<line x1="{_number(left)}" y1="{_number(height - bottom)}" '
        f'x2="{_number(width - right)}" y2="{_number(height - bottom)}" '
        f'stroke="{TRACK}" stroke-width="1"/>',
    ]
    if goal is not None:
        parts.append(
            f'<line class="goal" x1="{_number(left)}" y1="{y_of(goal[1])}" '
            f'x2="{_number(width - right)}" y2="{y_of(goal[1])}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1" stroke-dasharray="1 2"/>'
        )
    if schedule and start is not None and goal is not None:
        parts.append(
            f'<line class="schedule" x1="{x_of(start[0])}" y1="{y_of(start[1])}" '
            f'x2="{x_of(goal[0])}" y2="{y_of(goal[1])}" '
            f'stroke="{SCHEDULE_COLOUR}" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
    if len(points) > 1:
        line = " ".join(f"{x_of(t)},{y_of(v)}" for t, v in points)
        parts.append(
            f'<polyline class="observed" points="{line}" fill="none" stroke="{strong}" '
            f'stroke-width="1.8"/>'
        )
    titles = [title for title, v in zip(point_titles, observed, strict=True) if v is not None]
    for (t, v), title in zip(points, titles, strict=True):
        parts.append(
            f'<circle cx="{x_of(t)}" cy="{y_of(v)}" r="2.6" fill="{strong}">'
            f"<title>{escape(title)}</title></circle>"
        )
    baseline_y = _number(height - 3)
    parts.append(
        f'<text x="{_number(left)}" y="{baseline_y}" font-size="9" fill="{INK}">'
        f"{escape(axis_labels[0])}</text>"
        f'<text x="{_number(width - right)}" y="{baseline_y}" font-size="9" fill="{INK}" '
        f'text-anchor="end">{escape(axis_labels[1])}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def history_text(
    periods: Sequence[str],
    observed: Sequence[float | None],
    scheduled: Sequence[float | None],
    goal: float | None,
    words: tuple[str, str, str],
) -> str:
    """Return a chart's text alternative: each period's observed and on-schedule value.

    ``words`` are the words for observed, on schedule and target.
    """
    observed_word, schedule_word, target_word = words
    parts = []
    for period, value, planned in zip(periods, observed, scheduled, strict=True):
        part = f"{period} {observed_word} {format_number(value)}"
        if planned is not None:
            part += f" ({schedule_word} {format_number(round(planned, 2))})"
        parts.append(part)
    if goal is not None:
        parts.append(f"{target_word} {format_number(goal)}")
    return "; ".join(parts)
