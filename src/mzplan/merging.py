"""Merge imported rows into the stored observations, one indicator file at a time.

A :class:`Merge` takes the imported rows in import order (:meth:`Merge.add`,
:meth:`Merge.extend`) and merges them, in :meth:`Merge.finish`, into the stored
rows of each indicator's file by the natural key (jurisdiction, period, source).
Rows are held as columns of texts or as plain tuples (:data:`Row`), not as
:class:`~mzplan.observations.Observation` objects, because an import may bring
millions of them; an observation is built only where a message or a check needs
one. Values are kept as their stored text (:func:`~mzplan.numbers.format_number`),
which is equal for two values exactly when the numbers are equal.

Where no key repeats (a file of new rows, the usual large import), a file is
merged in bulk, column by column: one sort of row numbers, no Python per row.
Otherwise its rows are merged one by one by the rules of
:func:`mzplan.importing.plan_import`; so are all rows, as they come, when the
changes are kept, so that they are listed in import order.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal, NamedTuple

from mzplan.numbers import format_number
from mzplan.observation_checks import check_group, check_one, last_plan_year
from mzplan.observations import Observation
from mzplan.problems import Problem
from mzplan.repository import Repository

ConflictPolicy = Literal["error", "replace", "keep"]
ChangeKind = Literal["added", "changed", "unchanged", "kept"]

Key = tuple[str, str, str]
"""(jurisdiction, period, source): the natural key inside one indicator's file."""
Record = tuple[str, str, str, bool, str, int, bool]
"""(value text, unit, note, preferred, file, line, imported): what a file holds under a key."""
Row = tuple[str, str, str, str, str, str, bool, str, int, bool]
"""A key and its record in one tuple, the key first so that rows sort in the stored order."""
_FIELDS = 10
"""The fields of a :data:`Row`."""
_Seen = tuple[str, str, int]
"""(value text, file, line) of an imported row whose key kept its stored record."""
_VALUES = 3
"""Where a :data:`Row` holds the value text."""
_PREFERRED = {True: "true", False: ""}
_KEY = operator.itemgetter(0, 1, 2)
_TRANSPOSED = 1 << 14
"""Rows turned into columns at a time: a slice this size stays in the processor's cache."""


class RowColumns(NamedTuple):
    """Imported rows of one indicator in import order, column by column (equally long)."""

    jurisdictions: Sequence[str]
    periods: Sequence[str]
    sources: Sequence[str]
    values: Sequence[str]
    units: Sequence[str]
    notes: Sequence[str]
    preferred: Sequence[bool]
    files: Sequence[str]
    lines: Sequence[int]


@dataclasses.dataclass(frozen=True)
class _Pending:
    """Imported rows waiting for :meth:`Merge.finish`: the fields of :class:`RowColumns`."""

    indicator: str
    sets_note: bool
    sets_preferred: bool
    columns: tuple[list[Any], ...] = dataclasses.field(
        default_factory=lambda: tuple([] for _ in RowColumns._fields)
    )

    def drain(self) -> Iterator[Row]:
        """Yield the rows in import order, emptying the columns as it goes.

        The columns are read from their end, reversed, so that the cells of each
        batch of rows can be let go once the rows are merged.
        """
        columns = self.columns
        for column in columns:
            column.reverse()
        while columns[0]:
            batch = [column[-_TRANSPOSED:][::-1] for column in columns]
            for column in columns:
                del column[-_TRANSPOSED:]
            yield from zip(*batch, itertools.repeat(True))


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """What importing one row does to the stored observation with its key."""

    kind: ChangeKind
    new: Observation
    old: Observation | None = None


def observation(indicator: str, row: Row) -> Observation:
    """Return the observation a row of ``indicator``'s file stands for."""
    jurisdiction, period, source, value, unit, note, preferred, file, line, _ = row
    return Observation(
        indicator, jurisdiction, period, float(value), unit, source, note, preferred, file, line
    )


class _File:
    """The rows of one merged file in the stored order, held column by column.

    Checking and writing a file read a few fields of every row: lists of fields
    serve them without a Python call per row, and take less memory than tuples.
    """

    jurisdictions: list[str]
    periods: list[str]
    sources: list[str]
    values: list[str]
    units: list[str]
    notes: list[str]
    preferred: list[bool]
    files: list[str]
    lines: list[int]
    imported: list[bool]

    def __init__(self, columns: Sequence[list[Any]], boundaries: list[bool] | None = None) -> None:
        self.columns = tuple(columns)
        self.size = len(columns[0])
        (
            self.jurisdictions, self.periods, self.sources, self.values, self.units,
            self.notes, self.preferred, self.files, self.lines, self.imported,
        ) = columns  # fmt: skip
        self.boundaries = (
            _boundaries(self.jurisdictions, self.periods) if boundaries is None else boundaries
        )
        """Whether row ``i + 1`` starts another (jurisdiction, period) group than row ``i``."""

    @classmethod
    def of_rows(cls, rows: Sequence[Row]) -> _File:
        """Return the file of rows already in the stored order."""
        columns: list[list[Any]] = [[] for _ in range(_FIELDS)]
        for start in range(0, len(rows), _TRANSPOSED):
            parts = zip(*rows[start : start + _TRANSPOSED], strict=True)
            for column, part in zip(columns, parts, strict=True):
                column.extend(part)
        return cls(columns)

    @classmethod
    def of_new_keys(cls, columns: Sequence[list[Any]]) -> _File | None:
        """Return the file of rows given column by column in any order; None if a key repeats.

        The columns are emptied as their cells go into the file, so that millions
        of cells are not held twice; they are left whole if a key repeats.
        """
        order = _stored_order(*columns[:3])
        gathered = [_in_order(column, order) for column in columns[:3]]
        boundaries = _boundaries(*gathered[:2])
        if _repeats_a_key(boundaries, gathered[2]):
            return None
        for index, column in enumerate(columns):
            if index >= len(gathered):
                gathered.append(
                    _contiguous(column, order) if index == _VALUES else _in_order(column, order)
                )
            if gathered[index] is not column:
                column.clear()
        return cls(gathered, boundaries)

    def row(self, index: int) -> Row:
        """Return one row."""
        return tuple(column[index] for column in self.columns)

    def rows(self) -> list[Row]:
        """Return every row, in the stored order."""
        return list(zip(*self.columns, strict=True))

    def group_starts(self) -> list[int]:
        """Return the index of the first row of every (jurisdiction, period) group."""
        return [0, *itertools.compress(range(1, self.size), self.boundaries)] if self.size else []


def _boundaries(jurisdictions: Sequence[str], periods: Sequence[str]) -> list[bool]:
    """Return whether each row but the first starts another group than the row before."""
    return list(
        map(
            operator.or_,
            map(operator.ne, itertools.islice(jurisdictions, 1, None), jurisdictions),
            map(operator.ne, itertools.islice(periods, 1, None), periods),
        )
    )


def _repeats_a_key(boundaries: Sequence[bool], sources: Sequence[str]) -> bool:
    """Return whether two rows in the stored order (necessarily neighbours) have one key."""
    return any(
        map(
            operator.and_,
            map(operator.not_, boundaries),
            map(operator.eq, itertools.islice(sources, 1, None), sources),
        )
    )


def _in_order(column: list[Any], order: Sequence[int]) -> list[Any]:
    """Return the cells of a column in ``order``: the column itself if they are all one."""
    if not column or (column[0] == column[-1] and column.count(column[0]) == len(column)):
        return column
    return list(map(column.__getitem__, order))


def _contiguous(texts: list[str], order: Sequence[int]) -> list[str]:
    """Return the texts in ``order`` made anew one after the other, emptying ``texts``.

    Texts gathered into a new order lie all over memory, and every later pass
    over them (the checks, the writing) would wait on memory at each one; made
    anew they lie in order. Texts holding a line break are only gathered.
    """
    joined = "\n".join(map(texts.__getitem__, order))
    if joined.count("\n") != len(order) - 1:
        return list(map(texts.__getitem__, order))
    texts.clear()
    return joined.split("\n")


def _takes_a_key(records: dict[Key, Row], pendings: Iterable[_Pending]) -> bool:
    """Whether a waiting row has the key of a row of the file: an import done twice.

    Such a file is merged row by row anyway; this finds it at once, before the bulk merge would.
    """
    return bool(records) and any(
        any(map(records.__contains__, zip(*pending.columns[:3], strict=True)))
        for pending in pendings
    )


def _stored_order(
    jurisdictions: Sequence[str], periods: Sequence[str], sources: Sequence[str]
) -> list[int]:
    """Return the row numbers sorted by key (jurisdiction, period, source), stably.

    The key of a row is coded as one integer, the sum of its fields' ranks among
    their distinct texts scaled like the digits of a number: integers sort
    faster than tuples of texts.
    """
    scale = 1
    codes: list[Iterable[int]] = []
    for column in (sources, periods, jurisdictions):
        distinct = sorted(set(column))
        rank = dict(zip(distinct, range(0, scale * len(distinct), scale), strict=True))
        codes.append(map(rank.__getitem__, column))
        scale *= len(distinct)
    code = list(map(operator.add, map(operator.add, *codes[:2]), codes[2]))
    return sorted(range(len(code)), key=code.__getitem__)


class Merge:
    """The stored observations of the touched indicators, with the imported rows merged in.

    Rows come in import order (:meth:`add`, :meth:`extend`) and are merged by
    the rules of :func:`mzplan.importing.plan_import`: as they come if the
    changes are kept, else by :meth:`finish`. The counts, problems, changes,
    touched indicators and files are up to date after :meth:`finish`. Nothing
    is written.
    """

    def __init__(
        self,
        stored: Sequence[Observation],
        *,
        on_conflict: ConflictPolicy = "error",
        keep_changes: bool = False,
    ) -> None:
        self.on_conflict = on_conflict
        self.counts: dict[ChangeKind, int] = {"added": 0, "changed": 0, "unchanged": 0, "kept": 0}
        self.problems: list[Problem] = []
        self.changes: list[Change] | None = [] if keep_changes else None
        """Every change in import order, only when asked for (a dry run lists them)."""
        self.touched: set[str] = set()
        self._stored = stored
        self._by_indicator: dict[str, list[Observation]] | None = None
        self._queue: list[_Pending] = []
        self._files: dict[str, _File] = {}
        """Files merged in bulk, or checked or written: in the stored order, by column."""
        self._open: dict[str, dict[Key, Row]] = {}
        """Files merged one row at a time: by key, in any order."""
        self._seen: dict[tuple[str, Key], _Seen] = {}

    def add(
        self,
        indicator: str,
        key: Key,
        record: Record,
        *,
        sets_note: bool = True,
        sets_preferred: bool = True,
    ) -> None:
        """Take one imported row (``record[6]`` true): merged now if the changes are kept."""
        if self.changes is not None:
            self._merge_row(indicator, key + record, sets_note, sets_preferred)
            return
        columns = self._pending(indicator, sets_note, sets_preferred).columns
        for column, cell in zip(columns, key + record[:6], strict=True):
            column.append(cell)

    def extend(
        self, indicator: str, rows: RowColumns, *, sets_note: bool, sets_preferred: bool
    ) -> None:
        """Take imported rows of one indicator, in import order, like :meth:`add`."""
        if self.changes is not None:
            for row in zip(*rows, itertools.repeat(True)):
                self._merge_row(indicator, row, sets_note, sets_preferred)
            return
        columns = self._pending(indicator, sets_note, sets_preferred).columns
        for column, cells in zip(columns, rows, strict=True):
            column.extend(cells)

    def _pending(self, indicator: str, sets_note: bool, sets_preferred: bool) -> _Pending:
        """Return where rows taken now wait: with the rows just before if they are alike."""
        queue = self._queue
        last = queue[-1] if queue else None
        if last is None or (last.indicator, last.sets_note, last.sets_preferred) != (
            indicator,
            sets_note,
            sets_preferred,
        ):
            last = _Pending(indicator, sets_note, sets_preferred)
            queue.append(last)
        return last

    def finish(self) -> None:
        """Merge every row taken since the last call into its indicator's file."""
        queue, self._queue = self._queue, []
        by_indicator: dict[str, list[_Pending]] = {}
        for pending in queue:
            by_indicator.setdefault(pending.indicator, []).append(pending)
        for indicator, pendings in by_indicator.items():
            stored = self._take_rows(indicator)
            records = dict(zip(map(_KEY, stored), stored, strict=True))
            if not _takes_a_key(records, pendings):
                records.clear()  # not needed to merge in bulk
                if self._merge_new(indicator, pendings, stored):
                    continue
                records.update(zip(map(_KEY, stored), stored, strict=True))
            self._open[indicator] = records
            for pending in pendings:
                for row in pending.drain():
                    self._merge_row(indicator, row, pending.sets_note, pending.sets_preferred)

    def _take_rows(self, indicator: str) -> list[Row]:
        """Take the rows of an indicator's file as it is, in any order, to merge more in."""
        records = self._open.pop(indicator, None)
        if records is not None:
            return list(records.values())
        merged = self._files.pop(indicator, None)
        if merged is not None:
            return merged.rows()
        return [
            (
                old.jurisdiction, old.period, old.source, format_number(old.value), old.unit,
                old.note, old.preferred, old.file, old.line, False,
            )
            for old in self._stored_observations(indicator)
        ]  # fmt: skip

    def _file(self, indicator: str) -> _File:
        """Return an indicator's merged file in the stored order."""
        merged = self._files.get(indicator)
        if merged is None:
            rows = sorted(self._open.pop(indicator).values())
            merged = self._files[indicator] = _File.of_rows(rows)
        return merged

    def _stored_observations(self, indicator: str) -> list[Observation]:
        if self._by_indicator is None:
            self._by_indicator = {}
            for stored in self._stored:
                self._by_indicator.setdefault(stored.indicator, []).append(stored)
        return self._by_indicator.get(indicator, [])

    def _merge_new(
        self, indicator: str, pendings: Sequence[_Pending], stored: Sequence[Row]
    ) -> bool:
        """Merge rows in bulk if no key repeats among them and the file's rows; say if it did."""
        added = sum(len(pending.columns[0]) for pending in pendings)
        if len(pendings) == 1 and not stored:
            columns = [*pendings[0].columns, [True] * added]
        else:
            columns = [[] for _ in range(_FIELDS)]
            if stored:
                for column, stored_cells in zip(columns, zip(*stored, strict=True), strict=True):
                    column.extend(stored_cells)
            for pending in pendings:
                for column, cells in zip(columns, pending.columns, strict=False):
                    column.extend(cells)  # every field but the last, imported
                columns[-1].extend([True] * len(pending.columns[0]))
        merged = _File.of_new_keys(columns)
        if merged is None:
            return False
        self._files[indicator] = merged
        self.counts["added"] += added
        if added:
            self.touched.add(indicator)
        return True

    def _merge_row(self, indicator: str, row: Row, sets_note: bool, sets_preferred: bool) -> None:
        """Merge one row into its indicator's file by the rules of ``plan_import``."""
        records = self._open.get(indicator)
        if records is None:
            stored = self._take_rows(indicator)
            records = self._open[indicator] = dict(zip(map(_KEY, stored), stored, strict=True))
        key: Key = row[:3]
        old = records.get(key)
        if old is None:
            records[key] = row
            self._change("added", indicator, row, None)
            return
        value, unit, note, preferred, file, line = row[3:9]
        earlier = (old[3], old[7], old[8]) if old[9] else self._seen.get((indicator, key))
        if earlier is not None:
            if earlier[0] != value:
                self.problems.append(
                    Problem(
                        file,
                        line,
                        0,
                        "value",
                        "import-duplicate",
                        f"{value} differs from {earlier[0]} given for the same indicator, "
                        f"jurisdiction, period and source at {earlier[1]}:{earlier[2]}",
                    )
                )
            return
        self._seen[indicator, key] = (value, file, line)
        candidate: Row = (
            *key, value, unit, note if sets_note else old[5],
            preferred if sets_preferred else old[6], file, line, True,
        )  # fmt: skip
        if old[3] != value:
            if self.on_conflict == "error":
                self.problems.append(
                    Problem(
                        file,
                        line,
                        0,
                        "value",
                        "import-conflict",
                        f"{value} would replace {old[3]} stored for the same source at "
                        f"{old[7]}:{old[8]}",
                        hint="use --on-conflict replace or --on-conflict keep",
                    )
                )
                return
            if self.on_conflict == "keep":
                self._change("kept", indicator, row, old)
                return
        if candidate[3:7] == old[3:7]:
            self._change("unchanged", indicator, row, old)
            return
        records[key] = candidate
        self._change("changed", indicator, candidate, old)

    def _change(self, kind: ChangeKind, indicator: str, new: Row, old: Row | None) -> None:
        self.counts[kind] += 1
        if kind in {"added", "changed"}:
            self.touched.add(indicator)
        if self.changes is not None:
            self.changes.append(
                Change(
                    kind,
                    observation(indicator, new),
                    None if old is None else observation(indicator, old),
                )
            )

    def count(self, kind: ChangeKind) -> int:
        """Return how many rows are of one kind of change."""
        return self.counts[kind]

    def observations(self) -> Iterator[Observation]:
        """Yield every observation after the merge: the untouched stored ones, then the files."""
        for stored in self._stored:
            if stored.indicator not in self._files and stored.indicator not in self._open:
                yield stored
        for indicator, merged in self._files.items():
            for row in merged.rows():
                yield observation(indicator, row)
        for indicator, records in self._open.items():
            for row in records.values():
                yield observation(indicator, row)

    def columns(self, indicator: str) -> list[Sequence[str]]:
        """Return an indicator's file as stored, column by column (those of its CSV header)."""
        columns = self._file(indicator)
        return [
            [indicator] * columns.size,
            columns.jurisdictions,
            columns.periods,
            columns.values,
            columns.units,
            columns.sources,
            columns.notes,
            list(map(_PREFERRED.__getitem__, columns.preferred)),
        ]

    def check(self, repository: Repository) -> tuple[list[Problem], list[Problem]]:
        """Check what the import adds or changes; return the errors and the new warnings.

        The stored data was valid, so only the imported rows and the (indicator,
        jurisdiction, period) groups they join are checked, against the same
        rules as :func:`mzplan.observation_checks.check_observations`; a warning
        the stored group already had is not new. Only the groups a rule may
        concern are looked at one by one; they are found a column at a time.
        """
        errors: list[Problem] = []
        row_warnings: list[Problem] = []
        group_warnings: list[Problem] = []
        last_year = last_plan_year(repository)
        for indicator in sorted(self.touched):
            check = _FileCheck(
                indicator,
                self._file(indicator),
                self._stored_observations(indicator),
                repository,
                last_year,
            )
            check.run(errors, row_warnings, group_warnings)
        return errors, row_warnings + group_warnings


def period_is_quiet(
    indicator: str,
    unit: str,
    jurisdiction: str,
    period: str,
    repository: Repository,
    last_year: int | None,
) -> bool:
    """Whether no row of an indicator in a period, in its unit, has a problem of its own.

    ``jurisdiction`` is any known one: what :func:`check_one` says of a period does
    not depend on the (known) jurisdiction.
    """
    probe = Observation(indicator, jurisdiction, period, 0.0, unit, "")
    return not check_one(probe, repository, last_year, placement=False)


class _FileCheck:
    """The checks of :meth:`Merge.check` on one indicator's merged file."""

    def __init__(
        self,
        indicator: str,
        merged: _File,
        stored: Sequence[Observation],
        repository: Repository,
        last_year: int | None,
    ) -> None:
        self.indicator, self.merged, self.stored = indicator, merged, stored
        self.repository, self.last_year = repository, last_year
        known = repository.indicator_by_id.get(indicator)
        self.unit = known.unit if known else None
        self.quiet_periods: dict[str, bool] = {}

    @functools.cached_property
    def stored_groups(self) -> dict[tuple[str, str], list[Observation]]:
        """The stored rows of the file by (jurisdiction, period)."""
        groups: dict[tuple[str, str], list[Observation]] = {}
        for old in self.stored:
            groups.setdefault((old.jurisdiction, old.period), []).append(old)
        return groups

    def _quiet(self, jurisdiction: str, period: str) -> bool:
        """Whether no row of a group can have a problem of its own (it has the file's unit)."""
        if self.unit is None or jurisdiction not in self.repository.jurisdiction_by_id:
            return False
        quiet = self.quiet_periods.get(period)
        if quiet is None:
            quiet = period_is_quiet(
                self.indicator, self.unit, jurisdiction, period, self.repository, self.last_year
            )
            self.quiet_periods[period] = quiet
        return quiet

    def _flagged_rows(self) -> Iterator[int]:
        """Yield rows that may make their group's checks find something (some more than once).

        A group without such a row is quiet, has one unit, one value and at most
        one preferred row: none of the checks finds anything in it.
        """
        merged = self.merged
        size = merged.size
        known = set(merged.jurisdictions).intersection(self.repository.jurisdiction_by_id)
        if self.unit is None or not known:
            yield from range(size)
            return
        some = min(known)
        loud_periods = {p for p in set(merged.periods) if not self._quiet(some, p)}
        if len(known) < len(set(merged.jurisdictions)) or loud_periods:
            yield from itertools.compress(
                range(size),
                map(
                    operator.or_,
                    map(operator.not_, map(known.__contains__, merged.jurisdictions)),
                    map(loud_periods.__contains__, merged.periods),
                ),
            )
        if set(merged.units) != {self.unit}:
            yield from itertools.compress(
                range(size), map(operator.ne, merged.units, itertools.repeat(self.unit))
            )
        values = merged.values
        # A group holds two values exactly when two of its neighbouring rows differ.
        yield from itertools.compress(
            range(1, size),
            map(
                operator.and_,
                map(operator.not_, merged.boundaries),
                map(operator.ne, itertools.islice(values, 1, None), values),
            ),
        )
        if any(merged.preferred):
            yield from itertools.compress(range(size), merged.preferred)

    def run(
        self, errors: list[Problem], row_warnings: list[Problem], group_warnings: list[Problem]
    ) -> None:
        """Check the groups holding flagged rows, in the stored order; collect the problems."""
        starts = self.merged.group_starts()
        ends = [*starts[1:], self.merged.size]
        flagged = {bisect.bisect_right(starts, row) - 1 for row in self._flagged_rows()}
        for group in sorted(flagged):
            self._check_group(starts[group], ends[group], errors, row_warnings, group_warnings)

    def _observations(self, start: int, end: int, *, imported_only: bool) -> list[Observation]:
        merged = self.merged
        return [
            observation(self.indicator, merged.row(index))
            for index in range(start, end)
            if merged.imported[index] or not imported_only
        ]

    def _check_group(
        self,
        start: int,
        end: int,
        errors: list[Problem],
        row_warnings: list[Problem],
        group_warnings: list[Problem],
    ) -> None:
        merged = self.merged
        if not any(merged.imported[start:end]):
            return
        jurisdiction, period = merged.jurisdictions[start], merged.periods[start]
        if not self._quiet(jurisdiction, period):
            for new in self._observations(start, end, imported_only=True):
                for problem in check_one(new, self.repository, self.last_year, placement=False):
                    (errors if problem.severity == "error" else row_warnings).append(problem)
        elif any(other != self.unit for other in set(merged.units[start:end])):
            for new in self._observations(start, end, imported_only=True):
                found = check_one(new, self.repository, self.last_year, placement=False)
                errors.extend(p for p in found if p.severity == "error")
        if end - start < 2:
            return
        if len(set(merged.values[start:end])) < 2 and sum(merged.preferred[start:end]) < 2:
            return
        stored = self.stored_groups.get((jurisdiction, period), [])
        before = set(check_group(stored)) if len(stored) > 1 else set()
        for problem in check_group(self._observations(start, end, imported_only=False)):
            if problem.severity == "error":
                errors.append(problem)
            elif problem not in before:
                group_warnings.append(problem)
