"""The bulk import: clean CSV files merged into the stored observations by Apache Arrow.

With pyarrow installed (``pip install 'mzplan[fast]'``), ``mzplan import`` offers
its files to :func:`plan_bulk_import` first. Arrow reads them, then sorts,
checks and renders every touched indicator's file a column at a time, in
compiled code. Each distinct text is resolved once, by the rules of the
streaming import (:class:`mzplan.streaming.FastReader`), so there is one
set of rules.

It takes the files only when the outcome is sure to be the one the usual import
gives, with nothing to report: every cell resolves, no key repeats (within the
files, or against a stored row), and no check could find anything. Otherwise it
returns ``None``, and the caller imports the usual way, which reports exactly
what is wrong. Nothing here reads or writes a file.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as arrow_csv

from mzplan.csvinput import OLE_SIGNATURE, ZIP_SIGNATURE, InputError, read_table
from mzplan.importing import ImportOptions, Layout, Names, resolve_layout
from mzplan.merging import period_is_quiet
from mzplan.numbers import format_number
from mzplan.observation_checks import last_plan_year
from mzplan.observation_store import HEADER, csv_cell
from mzplan.observations import OBSERVATION_COLUMNS
from mzplan.repository import Repository
from mzplan.streaming import FastReader

BATCH = 1 << 16
"""Lines rendered at a time: a part of a file, and well within Arrow's 2 GiB per text column."""
BLOCK = 4 << 20
"""Bytes of CSV read at a time (Arrow reads a few blocks ahead): memory stays bounded."""
WHOLE = 32 << 20
"""A file no larger is read whole, its blocks on every processor at once."""
_PLAIN_INTEGER = r"^(?:0|[1-9][0-9]{0,14})$"
"""What :func:`mzplan.streaming.plain_integers` takes as written: stored as it is."""
_LINE_END = re.compile(rb"\r\n|\r|\n")
"""A line end as the csv module reads one (in a file without quotes)."""
_BLANK = re.compile(rb"\s*")
"""Nothing but blank lines (what :meth:`bytes.strip` removes); matched in place, not copied."""
_LARGEST_CODE = 1 << 62
"""Keys are coded as integers below this, or the files are declined."""


class BulkImport:
    """What the import adds: how many rows, and every touched indicator's new file.

    The rows of all files, stored and imported, are held in the stored order
    (so each indicator's file is a run of them), each text field as a rank into
    its sorted distinct texts. Lines are rendered a batch at a time as the files
    are written, each batch once if the files are written in order.
    """

    def __init__(
        self,
        added: int,
        files: dict[str, range],
        fields: Mapping[str, tuple[pa.Array, pa.Array]],
        values: pa.Array,
    ) -> None:
        self.added = added
        """How many rows the files add."""
        self.files = files
        """Indicator → which rows (in the stored order) make its file."""
        self._fields = fields
        self._values = values
        self._rendered: tuple[int, pa.StringArray] | None = None
        """The batch of lines rendered last: where it starts, and its lines."""

    def parts(self, indicator: str) -> Iterator[bytes]:
        """Yield the bytes of an indicator's stored file: the header, then batches of lines."""
        yield HEADER
        rows = self.files[indicator]
        start = rows.start
        while start < rows.stop:
            first, lines = self._batch(start)
            end = min(rows.stop, first + len(lines))
            yield _bytes_of(lines.slice(start - first, end - start))
            start = end

    def _batch(self, row: int) -> tuple[int, pa.StringArray]:
        """Return the batch of lines holding a row: where it starts, and its lines."""
        first = row - row % BATCH
        if self._rendered is None or self._rendered[0] != first:
            size = min(BATCH, len(self._values) - first)
            cells = [
                self._values.slice(first, size)
                if name == "value"
                else self._cells(name, first, size)
                for name in OBSERVATION_COLUMNS[:-1]
            ]
            # The last element is the empty "preferred" cell and the line end.
            self._rendered = (first, pc.binary_join_element_wise(*cells, "\n", ","))
        return self._rendered

    def _cells(self, field: str, start: int, size: int) -> pa.Array | str:
        """Return the texts of a field in some rows: one text if it is the same in all."""
        ranks, texts = self._fields[field]
        ranks = ranks.slice(start, size)
        least, most = pc.min_max(ranks).values()
        if least == most:  # as a unit or an empty note often is
            return str(texts[least.as_py()].as_py())
        return texts.take(ranks)


def _bytes_of(texts: pa.StringArray) -> bytes:
    """Return the texts of a string array one after the other, as one piece of bytes."""
    _, offsets, data = texts.buffers()
    ends = memoryview(offsets).cast("i")  # a string array's offsets are 32-bit
    first, last = ends[texts.offset], ends[texts.offset + len(texts)]
    return data.slice(first, last - first).to_pybytes() if last > first else b""


class _UnfitError(Exception):
    """The files are not for the bulk import: the usual import takes them."""


def plan_bulk_import(
    sources: Iterable[tuple[str, bytes]], repository: Repository, options: ImportOptions
) -> BulkImport | None:
    """Merge files, given as (name, bytes), into the repository's observations, or return None.

    None means the usual import must take them (see the module's docstring);
    else the result is exactly what it would write. ``sources`` is gone through
    once, a file at a time, and no file is kept once read.
    """
    rows = _Collected()
    try:
        for name, data in sources:
            _read(name, data, repository, options, rows)
            del data  # a file's bytes are not needed once read
        if not rows.added:
            return None
        _add_stored(rows, repository)
        return _merge(rows, repository)
    except (_UnfitError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


class _Codes:
    """A text column as one code per row, and the texts in the order they came."""

    def __init__(self) -> None:
        self.code: dict[str, int] = {}
        self.parts: list[pa.Array] = []

    def add(self, texts: Sequence[str], indices: pa.Array) -> None:
        """Add rows whose texts are ``texts[i]`` for each index ``i``."""
        codes = [self.code.setdefault(text, len(self.code)) for text in texts]
        self.parts.append(pa.array(codes, pa.int32()).take(indices))

    def add_each(self, texts: Sequence[str]) -> None:
        """Add a row per text."""
        self.parts.append(
            pa.array([self.code.setdefault(text, len(self.code)) for text in texts], pa.int32())
        )

    def ranks(self) -> tuple[pa.Array, list[str]]:
        """Return each row's rank among the distinct texts (in :func:`sorted` order), and those."""
        texts = list(self.code)
        order = sorted(range(len(texts)), key=texts.__getitem__)
        rank = [0] * len(texts)
        for position, index in enumerate(order):
            rank[index] = position
        codes = pa.chunked_array(self.parts, pa.int32()).combine_chunks()
        self.parts.clear()
        return pa.array(rank, pa.int32()).take(codes), [texts[index] for index in order]


_TEXT_FIELDS = ("indicator", "jurisdiction", "period", "source", "unit", "note")


class _Collected:
    """The rows to merge, imported first and then stored, field by field."""

    def __init__(self) -> None:
        self.texts = {field: _Codes() for field in _TEXT_FIELDS}
        self.values: list[pa.Array] = []
        self.added = 0
        self.stored_odd: list[bool] = []
        """Stored rows of another unit than their indicator's, or preferred."""


def _read(
    name: str, data: bytes, repository: Repository, options: ImportOptions, rows: _Collected
) -> None:
    """Read one file's rows into ``rows``, resolved, or decline."""
    if data.startswith((ZIP_SIGNATURE, OLE_SIGNATURE)):
        raise _UnfitError  # a workbook
    try:
        table = read_table(io.BytesIO(data), encoding=options.encoding, delimiter=options.delimiter)
    except InputError:
        raise _UnfitError from None
    table.close()
    columns, problems = resolve_layout(table.header, name, options)
    fields = {column.field: column for column in columns}
    if (
        problems
        or any(column.period for column in columns)
        or {"note", "preferred"} & (fields.keys() | options.defaults.keys())
        or "value" not in fields
    ):
        raise _UnfitError
    if table.encoding not in {"utf-8", "utf-8-sig"}:
        try:
            data = data.decode(table.encoding).encode()
        except UnicodeError:
            raise _UnfitError from None
    # Quotes and NULs the csv module reads its own way; Arrow is not asked to agree.
    if b'"' in data or b"\0" in data:
        raise _UnfitError
    header_end = _LINE_END.search(data)
    if header_end is None or _BLANK.fullmatch(data, header_end.end()):
        return  # the header alone: no record to read
    if not data.endswith((b"\n", b"\r")):
        data += b"\n"  # Arrow cannot read a lone record without a line end after the header
    formats = {
        "read_options": arrow_csv.ReadOptions(
            skip_rows=1, autogenerate_column_names=True, block_size=BLOCK
        ),
        "parse_options": arrow_csv.ParseOptions(delimiter=table.delimiter, quote_char=False),
        "convert_options": arrow_csv.ConvertOptions(
            column_types={f"f{index}": pa.string() for index in range(len(table.header))}
        ),
    }
    # A small file is read whole, its blocks on all processors at once; a large one a block
    # at a time, so that its cells are never all in memory.
    batches: Iterable[pa.RecordBatch] = (
        arrow_csv.read_csv(pa.py_buffer(data), **formats).to_batches()
        if len(data) <= WHOLE
        else arrow_csv.open_csv(pa.py_buffer(data), **formats)
    )
    layout = Layout(columns=tuple(columns), wide=False, sets_note=False)
    reader = FastReader(layout, fields, [], name, Names(repository, options.aliases), options)
    resolvers = {
        "indicator": functools.cache(reader.resolve_indicator),
        "jurisdiction": functools.cache(reader.resolve_jurisdiction),
        "period": functools.cache(reader.resolve_period),
        "source": functools.cache(reader.resolve_source),
        "unit": functools.cache(reader.resolve_unit),
    }
    index = {field: fields[field].index for field in resolvers if field in fields}
    for batch in batches:
        if batch.num_columns != len(table.header):
            raise _UnfitError
        _read_batch(batch, index, resolvers, fields["value"].index, reader.resolve_value, rows)


def _read_batch(
    batch: pa.RecordBatch,
    index: Mapping[str, int],
    resolvers: Mapping[str, Callable[[str], Any]],
    value_index: int,
    resolve_value: Callable[[str], str | None],
    rows: _Collected,
) -> None:
    """Resolve a batch of records into ``rows``, or decline."""
    size = batch.num_rows
    limit = csv.field_size_limit()
    # A cell has no more characters than bytes: only a long one needs counting.
    for column in batch.columns:
        longest = pc.max(pc.binary_length(column)).as_py() or 0
        if longest > limit and (pc.max(pc.utf8_length(column)).as_py() or 0) > limit:
            raise _UnfitError  # the csv module refuses so long a cell
    found: dict[str, list[Any]] = {}
    indices: dict[str, pa.Array] = {}
    for field, resolve in resolvers.items():
        if field in index:
            encoded = pc.dictionary_encode(batch.column(index[field]))
            texts = encoded.dictionary.to_pylist()
            found[field] = [resolve(text) for text in texts]
            indices[field] = encoded.indices
        else:  # no column: the --set value (or nothing) on every row
            found[field] = [resolve("")]
            indices[field] = pa.repeat(pa.scalar(0, pa.int32()), size)
        if None in found[field]:
            raise _UnfitError
    tags: list[tuple[str, str]] = found["indicator"]
    given: list[str] = found["unit"]
    pairs = pc.unique(
        pc.add(
            pc.multiply(indices["indicator"].cast(pa.int64()), len(given)),
            indices["unit"].cast(pa.int64()),
        )
    )
    for pair in pairs.to_pylist():
        tag, unit = divmod(pair, len(given))
        if given[unit] and given[unit] != tags[tag][1]:
            raise _UnfitError
    rows.values.append(_values(batch.column(value_index), resolve_value))
    rows.texts["indicator"].add([tag[0] for tag in tags], indices["indicator"])
    rows.texts["unit"].add([tag[1] for tag in tags], indices["indicator"])
    for field in ("jurisdiction", "period", "source"):
        rows.texts[field].add(found[field], indices[field])
    rows.texts["note"].add([""], pa.repeat(pa.scalar(0, pa.int32()), size))
    rows.added += size


def _values(cells: pa.Array, resolve: Callable[[str], str | None]) -> pa.Array:
    """Return the value cells as stored: a plain integer as written, others resolved once each."""
    plain = pc.match_substring_regex(cells, _PLAIN_INTEGER)
    if pc.all(plain).as_py():
        return cells
    others = pc.unique(pc.filter(cells, pc.invert(plain)))
    found = [resolve(text) for text in others.to_pylist()]
    # An empty value never resolves: so no record of blank cells only, which the usual
    # import skips, is ever taken here.
    if None in found:
        raise _UnfitError
    stored = pa.array(found, pa.string()).take(pc.index_in(cells, value_set=others))
    return pc.if_else(plain, cells, stored)


def _add_stored(rows: _Collected, repository: Repository) -> None:
    """Add the stored rows of the indicators imported into."""
    touched = set(rows.texts["indicator"].code)
    stored = [old for old in repository.observations if old.indicator in touched]
    units = {indicator: repository.indicator_by_id[indicator].unit for indicator in touched}
    for field in _TEXT_FIELDS:
        rows.texts[field].add_each([getattr(old, field) for old in stored])
    rows.values.append(pa.array([format_number(old.value) for old in stored], pa.string()))
    rows.stored_odd = [old.preferred or old.unit != units[old.indicator] for old in stored]


def _merge(rows: _Collected, repository: Repository) -> BulkImport:
    """Merge the imported rows into the stored rows of their indicators, or decline."""
    ranked = {field: codes.ranks() for field, codes in rows.texts.items()}
    added = rows.added
    # One integer per key (indicator, jurisdiction, period, source): integers sort fast.
    group = pa.scalar(0, pa.int64())
    scale = 1
    for field in ("indicator", "jurisdiction", "period"):
        rank, texts = ranked[field]
        group = pc.add(pc.multiply(group, len(texts)), rank.cast(pa.int64()))
        scale *= len(texts)
    rank, sources = ranked["source"]
    if scale * len(sources) >= _LARGEST_CODE:
        raise _UnfitError
    key = pc.add(pc.multiply(group, len(sources)), rank.cast(pa.int64()))
    _check_periods(ranked, added, repository)
    order = pc.sort_indices(key)
    key, group = key.take(order), group.take(order)
    if pc.any(pc.equal(key[1:], key[:-1])).as_py():
        raise _UnfitError  # a key given twice: the usual import merges it row by row
    values = pa.chunked_array(rows.values, pa.string()).combine_chunks().take(order)
    rows.values.clear()
    # The usual import checks a group (indicator, jurisdiction, period) one row at a time
    # if it holds an imported row and two values, or an odd stored row.
    two_values = pc.and_(pc.equal(group[1:], group[:-1]), pc.not_equal(values[1:], values[:-1]))
    odd = pa.concat_arrays(
        [pa.repeat(pa.scalar(False), added), pa.array(rows.stored_odd, pa.bool_())]
    ).take(order)
    loud = pa.chunked_array([pc.filter(group[1:], two_values), pc.filter(group, odd)], pa.int64())
    if len(loud):
        imported = pc.filter(group, pc.less(order, added))
        if pc.any(pc.is_in(loud, value_set=imported)).as_py():
            raise _UnfitError
    del key, group, two_values, odd, loud
    indicators = ranked["indicator"][1]
    fields = {}
    for field in list(ranked):
        rank, texts = ranked.pop(field)  # each field's rows held once: unsorted, then sorted
        # Sorted as texts, rendered as cells: quoted where the csv module quotes.
        fields[field] = (rank.take(order), pa.array(list(map(csv_cell, texts)), pa.string()))
    counts = pc.value_counts(fields["indicator"][0]).to_pylist()
    size_of = {count["values"]: count["counts"] for count in counts}
    files: dict[str, range] = {}
    start = 0
    for position, indicator in enumerate(indicators):
        files[indicator] = range(start, start + size_of[position])
        start += size_of[position]
    assert start == len(values)
    return BulkImport(added, files, fields, values)


def _check_periods(
    ranked: Mapping[str, tuple[pa.Array, list[str]]], added: int, repository: Repository
) -> None:
    """Decline unless every imported (indicator, period) is quiet: no row in it has a problem."""
    last_year = last_plan_year(repository)
    indicators, periods = ranked["indicator"], ranked["period"]
    jurisdictions = ranked["jurisdiction"][1]
    pairs = pc.unique(
        pc.add(
            pc.multiply(indicators[0].slice(0, added).cast(pa.int64()), len(periods[1])),
            periods[0].slice(0, added).cast(pa.int64()),
        )
    )
    for pair in pairs.to_pylist():
        indicator_rank, period_rank = divmod(pair, len(periods[1]))
        indicator = indicators[1][indicator_rank]
        unit = repository.indicator_by_id[indicator].unit
        period = periods[1][period_rank]
        if not period_is_quiet(indicator, unit, jurisdictions[0], period, repository, last_year):
            raise _UnfitError
