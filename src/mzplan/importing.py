"""Import observed values from the tables offices keep: read, resolve, and plan the merge.

:func:`read_import` turns one binary CSV stream into observations, lazily, one
located :class:`~mzplan.problems.Problem` per bad cell; :func:`plan_import`
merges them into the stored observations by the natural key (indicator,
jurisdiction, period, source) and says what would be added, changed or kept.
Neither writes anything: the ``import`` command does, all or nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import BinaryIO

from mzplan.csvinput import InputError, Row, read_table
from mzplan.merging import Change, ChangeKind, ConflictPolicy, Merge
from mzplan.numbers import NumberError, format_number, parse_number
from mzplan.observations import Observation
from mzplan.problems import Problem
from mzplan.repository import Repository

FIELDS = ("indicator", "jurisdiction", "period", "value", "unit", "source", "note", "preferred")
IGNORE = "-"
"""``--map COLUMN=-`` ignores a column; ``--alias NAME=-`` leaves that name's rows out."""

HEADERS: Mapping[str, str] = {
    **{name: name for name in FIELDS},
    "indicator_id": "indicator",
    "指标": "indicator",
    "指标名称": "indicator",
    "jurisdiction_id": "jurisdiction",
    "地区": "jurisdiction",
    "区域": "jurisdiction",
    "行政区划": "jurisdiction",
    "year": "period",
    "时期": "period",
    "年份": "period",
    "年度": "period",
    "期间": "period",
    "数值": "value",
    "值": "value",
    "单位": "unit",
    "来源": "source",
    "数据来源": "source",
    "备注": "note",
    "说明": "note",
    "首选": "preferred",
}
"""Column headers understood without ``--map`` (compared after NFKC and case folding)."""

TRUE_WORDS = {"true", "yes", "1", "y", "是"}
FALSE_WORDS = {"", "false", "no", "0", "n", "否"}
_YEAR_COLUMN = re.compile(r"^(\d{4})(?:年)?$")
_PERIODS = (
    (re.compile(r"^(\d{4})年?$"), "{0}"),
    (re.compile(r"^(\d{4})\s*[-/]?\s*Q([1-4])$", re.IGNORECASE), "{0}-Q{1}"),
    (re.compile(r"^(\d{4})年第?([1-4])季度?$"), "{0}-Q{1}"),
    (re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})月?$"), "{0}-{1:0>2}"),
)


def normalise(text: str) -> str:
    """Return text as compared: NFKC (full-width to half-width), stripped, case-folded."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    """How to read the files: column mapping, name aliases, constant fields, format."""

    columns: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Normalised column header → field (or ``-`` to ignore the column)."""
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Normalised indicator or jurisdiction name → id (or ``-`` to leave its rows out)."""
    defaults: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Field → value used where the file has no such column or the cell is empty."""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    """The worksheet read from an ``.xlsx`` workbook (default: the first)."""


@dataclasses.dataclass(frozen=True)
class ImportedRow:
    """One observation read from a file; note or preferred absent means keep what is stored."""

    observation: Observation
    sets_note: bool
    sets_preferred: bool


@dataclasses.dataclass(frozen=True)
class SkippedRow:
    """A row left out on purpose (``--alias NAME=-``)."""

    file: str
    line: int
    name: str


ImportItem = ImportedRow | SkippedRow | Problem


@dataclasses.dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str
    period: str | None = None
    plain_note: bool = False
    """A note column named note or 备注: its text goes into the note without the header."""


class Names:
    """Look up indicators and jurisdictions by id, Chinese or English name, alias."""

    def __init__(self, repository: Repository, aliases: Mapping[str, str]) -> None:
        self.repository = repository
        self.aliases = aliases
        self._memo: dict[tuple[str, str], str | None] = {}
        self.indicators: dict[str, str] = {}
        for entry in repository.indicators:
            indicator = entry.value
            for name in (indicator.name_zh, indicator.name_en, indicator.id):
                self.indicators[normalise(name)] = indicator.id
        self.jurisdictions: dict[str, str] = {}
        for jurisdiction_entry in repository.jurisdictions:
            jurisdiction = jurisdiction_entry.value
            names = (*jurisdiction.aliases, jurisdiction.name_en, jurisdiction.name_zh)
            for name in (*names, jurisdiction.id):
                self.jurisdictions[normalise(name)] = jurisdiction.id

    def find(self, kind: str, text: str) -> str | None:
        """Return the id (or ``-``) a name means, or ``None`` when it is unknown.

        Memoised: a file repeats the same few names on every row.
        """
        memo = self._memo.get((kind, text), _UNSEEN)
        if memo is _UNSEEN:
            memo = self._memo[kind, text] = self._find(kind, text)
        return memo

    def _find(self, kind: str, text: str) -> str | None:
        key = normalise(text)
        table = self.indicators if kind == "indicator" else self.jurisdictions
        if key in self.aliases:
            target = self.aliases[key]
            return IGNORE if target == IGNORE else table.get(normalise(target))
        return table.get(key)

    def hint(self, kind: str, text: str) -> str:
        table = self.indicators if kind == "indicator" else self.jurisdictions
        close = difflib.get_close_matches(normalise(text), list(table), n=1, cutoff=0.5)
        suggestion = f"did you mean {close[0]!r}? " if close else ""
        return (
            f"{suggestion}map it with --alias '{text}=ID', or leave its rows out with "
            f"--alias '{text}=-'"
        )


_UNSEEN = "\0unseen"


@functools.lru_cache(maxsize=4096)
def parse_period(text: str) -> str | None:
    """Return the period a cell means (``2023年`` → ``2023``, ``2023Q3`` → ``2023-Q3``), or None.

    Memoised: a file repeats the same periods on every indicator and place.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for pattern, template in _PERIODS:
        match = pattern.match(cleaned)
        if match:
            groups = match.groups()
            if len(groups) == 2 and template.endswith("2}") and not 1 <= int(groups[1]) <= 12:
                return None
            return template.format(*groups)
    return None


def resolve_layout(
    header: Sequence[str], name: str, options: ImportOptions
) -> tuple[list[Column], list[Problem]]:
    columns: list[Column] = []
    problems: list[Problem] = []
    for index, text in enumerate(header):
        key = normalise(text)
        field = options.columns.get(key) or HEADERS.get(key)
        if field == IGNORE:
            continue
        if field is not None:
            columns.append(Column(index, text, field, plain_note=HEADERS.get(key) == "note"))
            continue
        year = _YEAR_COLUMN.match(unicodedata.normalize("NFKC", text).strip())
        if year:
            columns.append(Column(index, text, "value", period=year[1]))
            continue
        if not key:
            problems.append(
                Problem(name, 1, 0, f"column {index + 1}", "import-header", "empty column name")
            )
            continue
        problems.append(
            Problem(
                name,
                1,
                0,
                text,
                "import-header",
                f"unknown column {text!r}",
                hint=f"map it with --map '{text}=FIELD' (FIELD: {', '.join(FIELDS)}) "
                f"or ignore it with --map '{text}=-'",
            )
        )
    seen: dict[str, Column] = {}
    wide = any(c.period for c in columns)
    for column in columns:
        if column.period or column.field == "note":
            continue
        if column.field in seen:
            problems.append(
                Problem(
                    name,
                    1,
                    0,
                    column.header,
                    "import-header",
                    f"columns {seen[column.field].header!r} and {column.header!r} both give "
                    f"the {column.field}",
                    hint=f"ignore one with --map '{column.header}=-'",
                )
            )
        seen[column.field] = column
    if wide and ("value" in seen or "period" in seen):
        problems.append(
            Problem(
                name,
                1,
                0,
                "header",
                "import-header",
                "both year columns and a value or period column",
                hint="use one layout: a row per value, or one column per year",
            )
        )
    required = ["indicator", "jurisdiction", "source"] + ([] if wide else ["period", "value"])
    for field in required:
        if field not in seen and field not in options.defaults:
            problems.append(
                Problem(
                    name,
                    1,
                    0,
                    "header",
                    "import-header",
                    f"no column gives the {field}",
                    hint=f"map a column with --map 'COLUMN={field}' or give --set {field}=VALUE",
                )
            )
    return columns, problems


def read_import(
    stream: BinaryIO, name: str, repository: Repository, options: ImportOptions
) -> Iterator[ImportItem]:
    """Read one CSV stream and yield an item per value: an observation, a skip or a problem.

    ``name`` is used only in messages. Rows are read lazily; every bad cell is
    a problem at ``name:line`` (the header is line 1) with its column header.
    An ``.xlsx`` workbook is read too: ``line`` is then the sheet's row number.
    """
    try:
        table = read_table(
            stream, encoding=options.encoding, delimiter=options.delimiter, sheet=options.sheet
        )
    except InputError as error:
        yield Problem(name, error.line, 0, "", "import-file", error.message, hint=error.hint)
        return
    try:
        columns, problems = resolve_layout(table.header, name, options)
        if problems:
            yield from problems
            return
        names = Names(repository, options.aliases)
        layout = Layout(
            columns=tuple(columns),
            wide=any(c.period for c in columns),
            sets_note=any(c.field == "note" for c in columns) or "note" in options.defaults,
        )
        for row in table.rows:
            yield from read_row(row, layout, name, names, options)
    except InputError as error:
        yield Problem(name, error.line, 0, "", "import-file", error.message, hint=error.hint)
    finally:
        table.close()


@dataclasses.dataclass(frozen=True)
class Layout:
    columns: tuple[Column, ...]
    wide: bool
    sets_note: bool


def read_row(
    row: Row, layout: Layout, name: str, names: Names, options: ImportOptions
) -> Iterator[ImportItem]:
    reading = _RowReading(row, layout, name, options)
    ids: dict[str, str] = {}
    for kind in ("indicator", "jurisdiction"):
        header, text = reading.cell(kind)
        if not text:
            reading.fail(header, "import-missing", f"empty {kind}")
            continue
        found = names.find(kind, text)
        if found == IGNORE:
            yield SkippedRow(name, row.line, text)
            return
        if found is None:
            reading.fail(
                header, f"import-{kind}", f"unknown {kind} {text!r}", names.hint(kind, text)
            )
        else:
            ids[kind] = found
    indicator = names.repository.indicator_by_id.get(ids.get("indicator", ""))
    observations = reading.observations(ids, indicator.unit if indicator else None)
    if reading.problems:
        yield from reading.problems
        return
    sets_preferred = "preferred" in reading.cells or "preferred" in options.defaults
    for observation in observations:
        yield ImportedRow(observation, sets_note=layout.sets_note, sets_preferred=sets_preferred)


class _RowReading:
    """The cells of one row by field, and the problems found reading them."""

    def __init__(self, row: Row, layout: Layout, name: str, options: ImportOptions) -> None:
        self.row, self.name, self.options = row, name, options
        self.problems: list[Problem] = []
        self.cells: dict[str, tuple[str, str]] = {}
        self.notes: list[str] = []
        self.values: list[tuple[Column, str]] = []
        cells = row.cells
        for column in layout.columns:
            text = cells[column.index].strip() if column.index < len(cells) else ""
            if column.field == "note":
                if text:
                    self.notes.append(text if column.plain_note else f"{column.header}: {text}")
            elif column.period is not None:
                if text:
                    self.values.append((column, text))
            else:
                self.cells[column.field] = (column.header, text)
                if column.field == "value":
                    self.values.append((column, text))
        if not layout.wide and not self.values:
            self.values.append((Column(-1, "value", "value"), self.cell("value")[1]))

    def cell(self, field: str) -> tuple[str, str]:
        """Return a field's column header and text, the ``--set`` value if it is empty."""
        header, text = self.cells.get(field, (field, ""))
        return (header, text or self.options.defaults.get(field, ""))

    def fail(self, header: str, code: str, message: str, hint: str | None = None) -> None:
        """Record a problem in one column of this row."""
        self.problems.append(Problem(self.name, self.row.line, 0, header, code, message, hint=hint))

    def observations(self, ids: Mapping[str, str], indicator_unit: str | None) -> list[Observation]:
        """Return the row's observations (one per value cell), recording problems instead."""
        source_header, source = self.cell("source")
        if not source:
            self.fail(source_header, "import-missing", "empty source", "give --set source=TEXT")
        unit_header, unit = self.cell("unit")
        preferred_header, preferred = self.cell("preferred")
        if normalise(preferred) not in TRUE_WORDS | FALSE_WORDS:
            self.fail(preferred_header, "import-preferred", f"{preferred!r} is not true or false")
        period_header, period_text = self.cell("period")
        note = "; ".join(self.notes) or self.options.defaults.get("note", "")
        observations: list[Observation] = []
        for column, text in self.values:
            period = column.period or parse_period(period_text)
            if period is None:
                message = f"{period_text!r} is not a period" if period_text else "empty period"
                self.fail(period_header, "import-period", message, "write 2023, 2023-Q3 or 2023-09")
            try:
                number = parse_number(text)
            except NumberError as error:
                self.fail(column.header, "import-value", str(error))
                continue
            if period is None:
                continue
            value_unit = unit or number.unit or indicator_unit or ""
            if unit and number.unit and number.unit != unit:
                self.fail(
                    column.header, "import-unit", f"{text!r} is in {number.unit!r}, not {unit!r}"
                )
                continue
            if indicator_unit is not None and value_unit != indicator_unit:
                self.fail(
                    unit_header if unit else column.header,
                    "import-unit",
                    f"unit {value_unit!r} is not the indicator's unit {indicator_unit!r}",
                    "convert the value to the indicator's unit",
                )
                continue
            if self.problems or len(ids) < 2:
                continue
            observations.append(
                Observation(
                    indicator=ids["indicator"],
                    jurisdiction=ids["jurisdiction"],
                    period=period,
                    value=number.value,
                    unit=value_unit,
                    source=source,
                    note=note,
                    preferred=normalise(preferred) in TRUE_WORDS,
                    file=self.name,
                    line=self.row.line,
                )
            )
        return observations


@dataclasses.dataclass(frozen=True)
class ImportPlan:
    """The outcome of merging imported rows into the stored ones, before anything is written."""

    changes: tuple[Change, ...]
    problems: tuple[Problem, ...]
    observations: tuple[Observation, ...]
    """Every observation after the import (stored and imported)."""
    touched: frozenset[str]
    """The indicators whose stored file changes."""

    def count(self, kind: ChangeKind) -> int:
        """Return how many rows are of one kind of change."""
        return sum(1 for change in self.changes if change.kind == kind)


def plan_import(
    stored: Iterable[Observation],
    imported: Iterable[ImportedRow],
    *,
    on_conflict: ConflictPolicy = "error",
) -> ImportPlan:
    """Merge imported rows into the stored ones by (indicator, jurisdiction, period, source).

    A row equal to the stored one is unchanged; a new key is added; a different
    note, unit or preferred mark is a change; a different value is a conflict,
    which ``on_conflict`` resolves: ``error`` (a problem at the imported row),
    ``replace`` (a change) or ``keep`` (the stored value stays). Two imported
    rows with one key and different values are a problem too. (The ``import``
    command merges through :class:`~mzplan.merging.Merge` directly.)
    """
    merge = Merge(tuple(stored), on_conflict=on_conflict, keep_changes=True)
    for row in imported:
        merge_row(merge, row)
    merge.finish()
    return ImportPlan(
        changes=tuple(merge.changes or ()),
        problems=tuple(merge.problems),
        observations=tuple(merge.observations()),
        touched=frozenset(merge.touched),
    )


def merge_row(merge: Merge, row: ImportedRow) -> None:
    """Merge one row read by :func:`read_import`."""
    new = row.observation
    merge.add(
        new.indicator,
        (new.jurisdiction, new.period, new.source),
        (format_number(new.value), new.unit, new.note, new.preferred, new.file, new.line, True),
        sets_note=row.sets_note,
        sets_preferred=row.sets_preferred,
    )
