"""Read an HTML report as a browser would see its structure: rows, charts, tables, links.

Used on the page mzplan writes and on the DOM headless Chromium dumps, so both
are checked the same way.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Anything that would make a browser fetch: a URL with a scheme other than data:,
# a protocol-relative //host, a style sheet import, or a CSS url().
FETCHING = re.compile(
    r"""(?:https?:|ftp:|wss?:)//|@import|url\(|@font-face|<link\b|<script\b|<img\b|<iframe\b"""
    r"""|<object\b|<embed\b|\b(?:src|srcset|href|poster|action)\s*=\s*["']?\s*//""",
    re.IGNORECASE,
)


@dataclasses.dataclass
class Row:
    """One target row: its classes, data attributes and text."""

    classes: set[str]
    attributes: dict[str, str]
    text: str = ""


@dataclasses.dataclass
class Page:
    """What :class:`PageParser` found."""

    lang: str | None = None
    rows: dict[str, Row] = dataclasses.field(default_factory=dict)
    svgs: list[dict[str, str]] = dataclasses.field(default_factory=list)
    svg_titles: int = 0
    tables: int = 0
    captions: int = 0
    headers_without_scope: int = 0
    links: list[str] = dataclasses.field(default_factory=list)
    ids: set[str] = dataclasses.field(default_factory=set)
    errors: list[str] = dataclasses.field(default_factory=list)
    style: str = ""
    text: str = ""
    alert_items: list[str] = dataclasses.field(default_factory=list)
    matrix_text: str = ""


class PageParser(HTMLParser):
    """Check that elements nest properly and collect what the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.row: Row | None = None
        self.in_alert_item = False
        self.in_matrix = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = set(values.get("class", "").split())
        if "id" in values:
            if values["id"] in self.page.ids:
                self.page.errors.append(f"duplicate id {values['id']!r}")
            self.page.ids.add(values["id"])
        if "href" in values:
            self.page.links.append(values["href"])
        if tag == "html":
            self.page.lang = values.get("lang")
        elif tag == "tr" and "data-key" in values:
            self.row = Row(classes, values)
            self.page.rows[values["data-key"]] = self.row
        elif tag == "svg":
            self.page.svgs.append(values)
        elif tag == "title" and self.stack and self.stack[-1] == "svg":
            self.page.svg_titles += 1
        elif tag == "table":
            self.page.tables += 1
            self.in_matrix = "matrix" in classes
        elif tag == "caption":
            self.page.captions += 1
        elif tag == "th" and "scope" not in values:
            self.page.headers_without_scope += 1
        elif tag == "li" and "alert" in classes:
            self.in_alert_item = True
            self.page.alert_items.append("")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <rect/> and the like inside SVG: a start and an end at once.
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.page.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "tr":
            self.row = None
        elif tag == "li":
            self.in_alert_item = False
        elif tag == "table":
            self.in_matrix = False

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.page.style += data
            return
        self.page.text += data
        if self.row is not None:
            self.row.text += data
        if self.in_alert_item:
            self.page.alert_items[-1] += data
        if self.in_matrix:
            self.page.matrix_text += data + " "


def parse_page(text: str) -> Page:
    """Return the structure of an HTML page; ``errors`` lists nesting problems."""
    parser = PageParser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        parser.page.errors.append(f"unclosed: {parser.stack}")
    return parser.page


def fetching_references(text: str) -> list[str]:
    """Return the pieces of ``text`` that would make a browser request something."""
    return [match.group(0) for match in FETCHING.finditer(text)]
