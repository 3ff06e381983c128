"""The streaming import: one pass over a CSV, per-file work done once per distinct text.

:func:`import_stream` reads the same rows, skips and problems as
:func:`mzplan.importing.read_import`, faster: the cells of a row in the long
layout are resolved through memos, a plain number is taken as written, and a
row the fast path cannot take whole goes through the exact per-row reading.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, BinaryIO

from mzplan.csvinput import InputError, Row, decoding_error, read_table
from mzplan.importing import (
    FALSE_WORDS,
    FIELDS,
    IGNORE,
    TRUE_WORDS,
    Column,
    ImportedRow,
    ImportItem,
    ImportOptions,
    Layout,
    Names,
    SkippedRow,
    merge_row,
    normalise,
    parse_period,
    read_row,
    resolve_layout,
)
from mzplan.merging import Merge
from mzplan.numbers import NumberError, format_number, parse_number
from mzplan.problems import Problem
from mzplan.repository import Repository

if TYPE_CHECKING:
    from _csv import Reader


def import_stream(
    stream: BinaryIO,
    name: str,
    repository: Repository,
    options: ImportOptions,
    merge: Merge,
    report: Callable[[SkippedRow | Problem], None],
) -> None:
    """Read one CSV stream into ``merge``; hand every skip and problem to ``report``.

    The same rows, skips and problems as :func:`read_import`, read faster: the
    cells of a row in the long layout are resolved through memos (one lookup per
    distinct text), a plain number is taken as it is written, and only a row the
    fast path cannot take whole (a bad cell, a unit, a blank row...) goes through
    :func:`read_import`'s reading, which reports it exactly.
    """
    try:
        table = read_table(
            stream, encoding=options.encoding, delimiter=options.delimiter, sheet=options.sheet
        )
    except InputError as error:
        report(Problem(name, error.line, 0, "", "import-file", error.message, hint=error.hint))
        return
    try:
        columns, problems = resolve_layout(table.header, name, options)
        if problems:
            for problem in problems:
                report(problem)
            return
        layout = Layout(
            columns=tuple(columns),
            wide=any(c.period for c in columns),
            sets_note=any(c.field == "note" for c in columns) or "note" in options.defaults,
        )
        names = Names(repository, options.aliases)
        reader = table.reader
        fields = {c.field: c for c in columns}
        notes = [c for c in columns if c.field == "note"]
        if reader is None or layout.wide or len(notes) > 1 or "value" not in fields:
            for row in table.rows:
                _merge_items(read_row(row, layout, name, names, options), merge, report)
            return
        _FastReader(layout, fields, notes, name, names, options).read(
            reader, table.encoding, merge, report
        )
    except InputError as error:
        report(Problem(name, error.line, 0, "", "import-file", error.message, hint=error.hint))
    finally:
        table.close()


def _merge_items(
    items: Iterable[ImportItem], merge: Merge, report: Callable[[SkippedRow | Problem], None]
) -> None:
    for item in items:
        if isinstance(item, ImportedRow):
            merge_row(merge, item)
        else:
            report(item)


_MEMO_LIMIT = 1 << 16
"""Distinct value texts remembered at most (numbers rarely repeat as much as names)."""


class _FastReader:
    """The long layout read row by row with the per-file work done once per distinct text."""

    def __init__(
        self,
        layout: Layout,
        fields: Mapping[str, Column],
        notes: Sequence[Column],
        name: str,
        names: Names,
        options: ImportOptions,
    ) -> None:
        self.layout, self.name, self.names, self.options = layout, name, names, options
        self.fields = fields
        self.note = notes[0] if notes else None
        defaults = options.defaults
        self.default_note = defaults.get("note", "")
        self.sets_preferred = "preferred" in fields or "preferred" in defaults
        self.indicators: dict[str, tuple[str, str] | None] = {}
        self.jurisdictions: dict[str, str | None] = {}
        self.periods: dict[str, str | None] = {}
        self.sources: dict[str, str | None] = {}
        self.units: dict[str, str] = {}
        self.preferred: dict[str, bool | None] = {}
        self.note_texts: dict[str, str] = {}
        self.values: dict[str, str | None] = {}

    def _cell(self, field: str, raw: str) -> str:
        return raw.strip() or self.options.defaults.get(field, "")

    def _indicator(self, raw: str) -> tuple[str, str] | None:
        text = self._cell("indicator", raw)
        found = self.names.find("indicator", text) if text else None
        indicator = self.names.repository.indicator_by_id.get(found or "")
        return (
            None if found in {None, IGNORE} or indicator is None else (indicator.id, indicator.unit)
        )

    def _jurisdiction(self, raw: str) -> str | None:
        text = self._cell("jurisdiction", raw)
        found = self.names.find("jurisdiction", text) if text else None
        return None if found == IGNORE else found

    def _preferred(self, raw: str) -> bool | None:
        text = normalise(self._cell("preferred", raw))
        return text in TRUE_WORDS if text in TRUE_WORDS | FALSE_WORDS else None

    def _value(self, raw: str) -> str | None:
        try:
            number = parse_number(raw.strip())
        except NumberError:
            return None
        return None if number.unit is not None else format_number(number.value)

    def _note(self, raw: str) -> str:
        assert self.note is not None
        text = raw.strip()
        if not text:
            return self.default_note
        return text if self.note.plain_note else f"{self.note.header}: {text}"

    def read(  # noqa: PLR0915 - the hot loop, kept in one piece on purpose
        self,
        reader: Reader,
        encoding: str,
        merge: Merge,
        report: Callable[[SkippedRow | Problem], None],
    ) -> None:
        """Read every record of ``reader`` into ``merge``."""
        fields, defaults, name = self.fields, self.options.defaults, self.name
        absent = -1
        index = {field: fields[field].index if field in fields else absent for field in FIELDS}
        ii, ji, pi, vi = index["indicator"], index["jurisdiction"], index["period"], index["value"]
        ui, si, ni, fi = index["unit"], index["source"], index["note"], index["preferred"]
        need = max(index.values()) + 1
        # What a field is where the file has no column for it (the --set value).
        constant_indicator = self._indicator("")
        constant_jurisdiction = self._jurisdiction("")
        constant_period = parse_period(defaults.get("period", ""))
        constant_source = defaults.get("source") or None
        constant_unit = defaults.get("unit", "")
        constant_preferred = self._preferred("")
        indicators, jurisdictions, periods = self.indicators, self.jurisdictions, self.periods
        sources, units, preferred_memo = self.sources, self.units, self.preferred
        note_texts, values = self.note_texts, self.values
        note = self.default_note
        sets_note, sets_preferred = self.layout.sets_note, self.sets_preferred
        files = merge.files
        counts = merge.counts
        touched = merge.touched
        fast_adds = merge.changes is None
        previous = reader.line_num
        added, last = 0, ""  # rows added here, counted at the end; the indicator last added to
        try:
            for cells in reader:
                line = previous + 1
                previous = reader.line_num
                if len(cells) < need:
                    self._slow(line, cells, merge, report)
                    continue
                raw = cells[vi]
                if (
                    raw.isdigit()
                    and raw.isascii()
                    and len(raw) < 16
                    and (raw[0] != "0" or len(raw) == 1)
                ):
                    value: str | None = raw
                else:
                    try:
                        value = values[raw]
                    except KeyError:
                        if len(values) >= _MEMO_LIMIT:
                            values.clear()
                        value = values[raw] = self._value(raw)
                if ii == absent:
                    found = constant_indicator
                else:
                    raw = cells[ii]
                    try:
                        found = indicators[raw]
                    except KeyError:
                        found = indicators[raw] = self._indicator(raw)
                if ji == absent:
                    jurisdiction = constant_jurisdiction
                else:
                    raw = cells[ji]
                    try:
                        jurisdiction = jurisdictions[raw]
                    except KeyError:
                        jurisdiction = jurisdictions[raw] = self._jurisdiction(raw)
                if pi == absent:
                    period = constant_period
                else:
                    raw = cells[pi]
                    try:
                        period = periods[raw]
                    except KeyError:
                        period = periods[raw] = parse_period(self._cell("period", raw))
                if si == absent:
                    source = constant_source
                else:
                    raw = cells[si]
                    try:
                        source = sources[raw]
                    except KeyError:
                        source = sources[raw] = self._cell("source", raw) or None
                if ui == absent:
                    unit = constant_unit
                else:
                    raw = cells[ui]
                    try:
                        unit = units[raw]
                    except KeyError:
                        unit = units[raw] = self._cell("unit", raw)
                if fi == absent:
                    preferred = constant_preferred
                else:
                    raw = cells[fi]
                    try:
                        preferred = preferred_memo[raw]
                    except KeyError:
                        preferred = preferred_memo[raw] = self._preferred(raw)
                if ni != absent:
                    raw = cells[ni]
                    try:
                        note = note_texts[raw]
                    except KeyError:
                        if len(note_texts) >= _MEMO_LIMIT:
                            note_texts.clear()
                        note = note_texts[raw] = self._note(raw)
                if (
                    value is None
                    or found is None
                    or jurisdiction is None
                    or period is None
                    or source is None
                    or preferred is None
                    or (unit and unit != found[1])
                ):
                    self._slow(line, cells, merge, report)
                    continue
                indicator, indicator_unit = found
                record = (value, indicator_unit, note, preferred, name, line, True)
                key = (jurisdiction, period, source)
                records = files.get(indicator)
                if records is None:
                    records = merge.file(indicator)
                if fast_adds and key not in records:
                    records[key] = record
                    added += 1
                    if indicator is not last:
                        touched.add(indicator)
                        last = indicator
                else:
                    merge.add(
                        indicator, key, record, sets_note=sets_note, sets_preferred=sets_preferred
                    )
        except UnicodeDecodeError as error:
            raise decoding_error(error, encoding, previous + 1) from error
        except csv.Error as error:
            raise InputError(f"bad CSV: {error}", line=previous + 1) from error
        finally:
            counts["added"] += added

    def _slow(
        self,
        line: int,
        cells: Sequence[str],
        merge: Merge,
        report: Callable[[SkippedRow | Problem], None],
    ) -> None:
        if not any(cell.strip() for cell in cells):
            return
        row = Row(line, tuple(cells))
        _merge_items(read_row(row, self.layout, self.name, self.names, self.options), merge, report)
