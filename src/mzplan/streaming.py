"""The streaming import: one pass over a CSV, per-file work done once per distinct text.

:func:`import_stream` reads the same rows, skips and problems as
:func:`mzplan.importing.read_import`, faster: the long layout is read in chunks
of records, each turned into columns whose cells are resolved through memos (a
plain number is taken as written) by builtins, without Python code per cell. A
record the columns cannot take (a bad cell, a unit, a blank record...) goes
through the exact per-row reading, in its place among the others.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, BinaryIO, TypeVar, cast

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
from mzplan.merging import Merge, RowColumns
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
    long layout is read a chunk of records at a time, column by column, each
    cell resolved through a memo (one computation per distinct text), a plain
    number taken as it is written; only a record the columns cannot take (a bad
    cell, a unit, a blank record...) goes through :func:`read_import`'s reading,
    which reports it exactly. ``merge`` takes the rows; its caller finishes it.
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
        FastReader(layout, fields, notes, name, names, options).read(
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
_CHUNK = 1 << 10
"""Records read at a time: their cells are still in the processor's cache when resolved."""
_ABSENT = -1
"""The column index of a field the file has no column for."""

_T = TypeVar("_T")


def plain_integers(cells: Sequence[str]) -> bool:
    """Return whether every cell is a plain integer, which is stored as it is written.

    Plain: ASCII digits, fewer than 16 (so a float holds the number exactly), and
    no leading zero except in ``0`` itself.
    """
    joined = "\n" + "\n".join(cells)
    digits = joined.replace("\n", "")
    return (
        digits.isascii()
        and digits.isdigit()
        and all(cells)
        and max(map(len, cells)) < 16
        and joined.count("\n0") == cells.count("0")
    )


def line_numbers(records: Sequence[Sequence[str]], previous: int) -> tuple[list[int], int]:
    """Return the line each record starts on, and the line after the last one.

    ``previous`` is the line before the first record. As the csv reader counts
    lines, a record spans one line more for each line break inside its cells
    (``\\r\\n``, a lone ``\\r`` or a lone ``\\n``), except a record that ends the file
    inside quotes: its cells hold its last line break too.
    """
    starts = []
    line = previous + 1
    for cells in records:
        starts.append(line)
        breaks = sum(cell.count("\n") + cell.count("\r") - cell.count("\r\n") for cell in cells)
        line += 1 + breaks
    return starts, line


class FastReader:
    """The long layout read a chunk of records at a time, column by column, through memos.

    Its ``resolve_*`` methods are the rules for one cell of each field, as the
    row-by-row reading applies them; :mod:`mzplan.bulk_import` applies them too.
    """

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
        self.index = {f: fields[f].index if f in fields else _ABSENT for f in FIELDS}
        self.need = max(self.index.values()) + 1
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

    def resolve_indicator(self, raw: str) -> tuple[str, str] | None:
        """Return the (id, unit) of the indicator a cell names, or None if it names none."""
        text = self._cell("indicator", raw)
        found = self.names.find("indicator", text) if text else None
        indicator = self.names.repository.indicator_by_id.get(found or "")
        return (
            None if found in {None, IGNORE} or indicator is None else (indicator.id, indicator.unit)
        )

    def resolve_jurisdiction(self, raw: str) -> str | None:
        """Return the id of the jurisdiction a cell names, or None (unknown, or left out)."""
        text = self._cell("jurisdiction", raw)
        found = self.names.find("jurisdiction", text) if text else None
        return None if found == IGNORE else found

    def resolve_period(self, raw: str) -> str | None:
        """Return the period a cell means, or None."""
        return parse_period(self._cell("period", raw))

    def resolve_source(self, raw: str) -> str | None:
        """Return a cell's source, or None if it is empty and no --set gives one."""
        return self._cell("source", raw) or None

    def resolve_unit(self, raw: str) -> str:
        """Return a cell's unit (empty: the indicator's)."""
        return self._cell("unit", raw)

    def resolve_preferred(self, raw: str) -> bool | None:
        """Return whether a cell marks the row preferred, or None if it is not a yes or no."""
        text = normalise(self._cell("preferred", raw))
        return text in TRUE_WORDS if text in TRUE_WORDS | FALSE_WORDS else None

    def resolve_value(self, raw: str) -> str | None:
        """Return a value cell as stored (format_number), or None if it is not a plain number."""
        if plain_integers((raw,)):
            return raw
        try:
            number = parse_number(raw.strip())
        except NumberError:
            return None
        return None if number.unit is not None else format_number(number.value)

    def resolve_note(self, raw: str) -> str:
        """Return a note cell as stored."""
        assert self.note is not None
        text = raw.strip()
        if not text:
            return self.default_note
        return text if self.note.plain_note else f"{self.note.header}: {text}"

    def read(
        self,
        reader: Reader,
        encoding: str,
        merge: Merge,
        report: Callable[[SkippedRow | Problem], None],
    ) -> None:
        """Read every record of ``reader`` into ``merge``."""
        previous = reader.line_num
        lines: Sequence[int]
        while True:
            records: list[list[str]] = []
            try:
                records.extend(itertools.islice(reader, _CHUNK))
            except (UnicodeDecodeError, csv.Error) as error:
                # ``records`` keeps what was read before the error: those come first.
                lines, line = line_numbers(records, previous)
                self._chunk(records, lines, merge, report)
                if isinstance(error, UnicodeDecodeError):
                    raise decoding_error(error, encoding, line) from error
                raise InputError(f"bad CSV: {error}", line=line) from error
            if not records:
                return
            if reader.line_num - previous == len(records):
                lines = range(previous + 1, reader.line_num + 1)
            else:
                lines, _ = line_numbers(records, previous)
            previous = reader.line_num
            self._chunk(records, lines, merge, report)

    def _column(
        self,
        columns: Sequence[Sequence[str]],
        field: str,
        memo: dict[str, _T],
        compute: Callable[[str], _T],
        *,
        limit: int | None = None,
    ) -> tuple[list[_T], bool]:
        """Return a field's cells resolved through ``memo`` (bad ones None), and if none is bad.

        Where the file has no column for the field, its ``--set`` value is repeated.
        """
        size = len(columns[0])
        index = self.index[field]
        if index == _ABSENT:
            value = compute("")
            return [value] * size, value is not None
        cells = columns[index]
        if cells[0] == cells[-1] and cells.count(cells[0]) == size:
            # One text down the chunk, as an indicator's or a unit's often is: resolved once.
            value = _memoised(memo, cells[0], compute, limit)
            return [value] * size, value is not None
        resolved = list(map(memo.get, cells))
        if None in resolved:  # unseen texts, or texts known to be bad
            for position in [i for i, item in enumerate(resolved) if item is None]:
                resolved[position] = _memoised(memo, cells[position], compute, limit)
            return cast("list[_T]", resolved), None not in resolved
        return cast("list[_T]", resolved), True

    def _chunk(
        self,
        records: list[list[str]],
        lines: Sequence[int],
        merge: Merge,
        report: Callable[[SkippedRow | Problem], None],
    ) -> None:
        """Read a chunk of records: column by column, and the records that need it one by one."""
        if not records:
            return
        need = self.need
        whole: list[bool] | None = None
        # Cells past ``need`` are read by no field: the shortest record bounds the columns.
        columns = list(zip(*records, strict=False))
        if len(columns) < need:  # blank or short records, padded here, read one by one
            whole = [len(cells) >= need for cells in records]
            padded = [
                cells if fits else [*cells, *[""] * need]
                for cells, fits in zip(records, whole, strict=True)
            ]
            columns = list(zip(*padded, strict=False))
        indicators, good = self._column(
            columns, "indicator", self.indicators, self.resolve_indicator
        )
        jurisdictions, good_jurisdictions = self._column(
            columns, "jurisdiction", self.jurisdictions, self.resolve_jurisdiction
        )
        periods, good_periods = self._column(columns, "period", self.periods, self.resolve_period)
        sources, good_sources = self._column(columns, "source", self.sources, self.resolve_source)
        units, _ = self._column(columns, "unit", self.units, self.resolve_unit)
        preferred, good_preferred = self._column(
            columns, "preferred", self.preferred, self.resolve_preferred
        )
        if self.note is None:
            notes = [self.default_note] * len(records)
        else:
            notes, _ = self._column(
                columns, "note", self.note_texts, self.resolve_note, limit=_MEMO_LIMIT
            )
        value_cells = columns[self.index["value"]]
        values: list[str | None]
        if plain_integers(value_cells):
            values, good_values = list(value_cells), True
        else:
            values, good_values = self._column(
                columns, "value", self.values, self.resolve_value, limit=_MEMO_LIMIT
            )
        tags: list[tuple[str, str] | None] = indicators
        if not (
            whole is None
            and good
            and good_jurisdictions
            and good_periods
            and good_sources
            and good_preferred
            and good_values
            and _units_fit(units, indicators)
        ):
            fields = zip(
                indicators, jurisdictions, periods, sources, preferred, values, strict=True
            )
            whole = whole or [True] * len(records)
            tags = [
                found if fits and None not in cells and _unit_fits(unit, found) else None
                for found, unit, fits, cells in zip(indicators, units, whole, fields, strict=True)
            ]
        position = 0
        for tag, run in itertools.groupby(tags):
            end = position + len(list(run))
            if tag is None:
                for index in range(position, end):
                    self._slow(lines[index], records[index], merge, report)
            else:
                indicator, unit = tag
                count = end - position
                # Every cell of a run's rows was resolved: no None is left in these slices.
                rows = RowColumns._make(
                    (
                        jurisdictions[position:end],
                        periods[position:end],
                        sources[position:end],
                        values[position:end],
                        [unit] * count,
                        notes[position:end],
                        preferred[position:end],
                        [self.name] * count,
                        lines[position:end],
                    )
                )
                merge.extend(
                    indicator,
                    rows,
                    sets_note=self.layout.sets_note,
                    sets_preferred=self.sets_preferred,
                )
            position = end

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


def _memoised(
    memo: dict[str, _T], cell: str, compute: Callable[[str], _T], limit: int | None
) -> _T:
    """Return what ``compute`` makes of a cell, computed once while ``memo`` keeps it."""
    if cell in memo:
        return memo[cell]
    if limit is not None and len(memo) >= limit:
        memo.clear()
    value = memo[cell] = compute(cell)
    return value


def _units_fit(units: Sequence[str], indicators: Sequence[tuple[str, str] | None]) -> bool:
    """Whether every unit given is the unit of its row's indicator."""
    given = set(units) - {""}
    if not given:
        return True
    found = indicators[0]
    if indicators.count(found) == len(indicators):
        return found is not None and given == {found[1]}
    return all(itertools.starmap(_unit_fits, set(zip(units, indicators, strict=True))))


def _unit_fits(unit: str, found: tuple[str, str] | None) -> bool:
    """Whether a unit given (if any) is the unit of the indicator found (if any)."""
    return not unit or (found is not None and unit == found[1])
