"""The stored observations: ``data/observations/<indicator>.csv`` in one canonical CSV layout.

The stored files are written by ``mzplan import`` (UTF-8, comma, the columns of
:data:`~mzplan.observations.OBSERVATION_COLUMNS`), so reading them is strict:
anything else is a located problem, not a guess. One file holds the rows of one
indicator, sorted by (indicator, jurisdiction, period, source), so a diff shows
exactly the values that changed and importing the same rows twice leaves the
same bytes. :func:`render_observation_file` and :func:`render_columns` (or its parts)
are the only writers of that layout; :func:`mzplan.writing.write_files_atomically` and
:func:`lock_observations` put it on disk safely.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import itertools
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from mzplan.numbers import format_number
from mzplan.observations import OBSERVATION_COLUMNS, Observation, is_period
from mzplan.problems import Problem

LOCK_FILE = ".lock"
"""The lock file in the observations folder; never a data file (the loader reads ``*.csv``)."""

_TRUE = {"true", "yes", "1", "y", "是"}
_FALSE = {"", "false", "no", "0", "n", "否"}


def read_observation_file(content: bytes, name: str) -> tuple[list[Observation], list[Problem]]:
    """Parse one stored observations file; return its rows and the problems, by CSV line.

    ``name`` is used only in messages. The header is line 1.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [
            Problem(
                name,
                code="encoding",
                message=f"not UTF-8 text (byte {error.start})",
                hint="import it with 'mzplan import --encoding ...' instead of editing it",
            )
        ]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return [], []
    missing = [c for c in OBSERVATION_COLUMNS[:6] if c not in header]
    unknown = [c for c in header if c not in OBSERVATION_COLUMNS]
    if missing or unknown:
        detail = f"missing columns {missing}" if missing else f"unknown columns {unknown}"
        return [], [
            Problem(
                name,
                1,
                1,
                "header",
                "csv-header",
                f"{detail}",
                hint=f"the columns are: {','.join(OBSERVATION_COLUMNS)}",
            )
        ]
    index = {column: header.index(column) for column in header}
    canonical = tuple(header) == OBSERVATION_COLUMNS
    observations: list[Observation] = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        if canonical and len(row) == len(OBSERVATION_COLUMNS):
            observation = _read_canonical_row(row, name, line)
            if observation is not None:
                observations.append(observation)
                continue
        if not any(cell.strip() for cell in row):
            continue
        cells = {column: (row[i].strip() if i < len(row) else "") for column, i in index.items()}
        row_problems = _check_row(cells, name, line)
        if row_problems:
            problems.extend(row_problems)
            continue
        observations.append(
            Observation(
                indicator=cells["indicator"],
                jurisdiction=cells["jurisdiction"],
                period=cells["period"],
                value=float(cells["value"]),
                unit=cells["unit"],
                source=cells["source"],
                note=cells.get("note", ""),
                preferred=cells.get("preferred", "").casefold() in _TRUE,
                file=name,
                line=line,
            )
        )
    return observations, problems


def _read_canonical_row(row: list[str], name: str, line: int) -> Observation | None:
    """Return the observation of a row exactly as the writer writes it, else None.

    The stored files are written by mzplan, so nearly every row takes this path;
    anything unusual (a blank cell, a bad value) returns None and goes through
    the general reading, which reports it. Cells are stripped as there.
    """
    indicator, jurisdiction, period, value, unit, source, note, preferred = map(str.strip, row)
    if not (indicator and jurisdiction and unit and source) or preferred not in ("", "true"):
        return None
    if not is_period(period):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    # Ids, periods, units and sources repeat row after row: one string each, not
    # one per row, is a quarter less memory, and the cache pickles each once.
    return Observation(
        sys.intern(indicator),
        sys.intern(jurisdiction),
        sys.intern(period),
        number,
        sys.intern(unit),
        sys.intern(source),
        note,
        preferred == "true",
        name,
        line,
    )


def _check_row(cells: dict[str, str], name: str, line: int) -> list[Problem]:
    problems = []
    for column in ("indicator", "jurisdiction", "period", "value", "unit", "source"):
        if not cells.get(column):
            problems.append(Problem(name, line, 0, column, "csv-missing-value", f"empty {column}"))
    period = cells.get("period", "")
    if period and not is_period(period):
        problems.append(
            Problem(
                name,
                line,
                0,
                "period",
                "csv-period",
                f"{period!r} is not a period",
                hint="write 2023, 2023-Q3 or 2023-09",
            )
        )
    value = cells.get("value", "")
    if value:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            problems.append(
                Problem(
                    name,
                    line,
                    0,
                    "value",
                    "csv-value",
                    f"{value!r} is not a number",
                    hint="write a plain number: 178000, not 17.8万",
                )
            )
    if cells.get("preferred", "").casefold() not in _TRUE | _FALSE:
        problems.append(
            Problem(
                name,
                line,
                0,
                "preferred",
                "csv-preferred",
                f"{cells['preferred']!r} is not true or false",
            )
        )
    return problems


def observation_file_name(indicator: str) -> str:
    """Return the name of the file that stores an indicator's observations."""
    return f"{indicator}.csv"


def sort_key(observation: Observation) -> tuple[str, str, str, str]:
    """Return the key rows are sorted and matched by: indicator, jurisdiction, period, source."""
    return (observation.indicator, observation.jurisdiction, observation.period, observation.source)


def render_observation_file(observations: Iterable[Observation]) -> bytes:
    """Return the canonical bytes of a stored file holding ``observations``.

    UTF-8 without a BOM, ``\n`` line ends, the header of
    :data:`~mzplan.observations.OBSERVATION_COLUMNS`, rows sorted by
    :func:`sort_key`, numbers without a trailing ``.0``, ``preferred`` written
    as ``true`` or left empty. The same rows always give the same bytes.
    """
    return render_rows(
        (
            observation.indicator,
            observation.jurisdiction,
            observation.period,
            format_number(observation.value),
            observation.unit,
            observation.source,
            observation.note,
            "true" if observation.preferred else "",
        )
        for observation in sorted(observations, key=sort_key)
    )


def render_rows(rows: Iterable[Sequence[str]]) -> bytes:
    """Return the canonical bytes of a stored file from its rows, already sorted and formatted.

    Each row holds the texts of :data:`~mzplan.observations.OBSERVATION_COLUMNS`
    (the value as :func:`~mzplan.numbers.format_number` writes it, ``preferred``
    as ``true`` or empty); :func:`render_observation_file` is the usual caller.
    The bytes are those :mod:`csv` writes (``\\n`` line ends, quotes where needed).
    """
    # Rendered in batches, each encoded at once: a whole file as one str would take up to
    # four bytes a character on top of the bytes.
    parts = [HEADER]
    rows = iter(rows)
    while batch := list(itertools.islice(rows, _BATCH)):
        if set(map(len, batch)) == {len(OBSERVATION_COLUMNS)}:
            parts.append(_render_batch(list(zip(*batch, strict=True))))
        else:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(batch)
            parts.append(buffer.getvalue().encode("utf-8"))
    return b"".join(parts)


def render_columns(columns: Sequence[Sequence[str]]) -> bytes:
    """Return the canonical bytes of a stored file from its columns, already sorted and formatted.

    The same bytes as :func:`render_rows` of the rows the columns make: one
    column per name of :data:`~mzplan.observations.OBSERVATION_COLUMNS`, all
    equally long. Made without the rows, for a file of millions of them.
    """
    return b"".join(render_column_parts(columns))


def render_column_parts(columns: Sequence[Sequence[str]]) -> Iterator[bytes]:
    """Yield the bytes of :func:`render_columns` a batch of lines at a time, the header first.

    For a writer that need not hold a large file whole (see
    :func:`mzplan.writing.write_files_atomically`).
    """
    yield HEADER
    for start in range(0, len(columns[0]), _BATCH):
        yield _render_batch([column[start : start + _BATCH] for column in columns])


def _render_batch(columns: Sequence[Sequence[str]]) -> bytes:
    """Return the CSV lines of the rows of non-empty, equally long columns of a stored file.

    A line is joined from a few byte pieces. A column of one cell is a constant
    text; one of repeated cells takes a piece per cell from a memo, with the
    constant texts around it; the values, and a column whose cells do not repeat,
    are encoded in one go. Every cell is written as :mod:`csv` writes it.
    """
    size = len(columns[0])
    layout: list[_Segment] = []
    for name, cells in zip(OBSERVATION_COLUMNS, columns, strict=True):
        separator = "\n" if name == OBSERVATION_COLUMNS[-1] else ","
        if cells[0] == cells[-1] and cells.count(cells[0]) == size:
            text = csv_cell(cells[0]) + separator
            if layout and layout[-1].pieces is None:
                layout[-1].suffix += text
            else:
                layout.append(_Segment(text))
        elif name != "value" and len(set(cells[:_SAMPLE])) * 4 <= min(size, _SAMPLE):
            prefix = layout.pop().suffix if layout and layout[-1].constant else ""
            layout.append(_Segment(separator, prefix, cells=cells))
        else:
            layout.append(_Segment("", pieces=_encoded(cells)))
            layout.append(_Segment(separator))
    pieces = [segment.pieces_of(size) for segment in layout]
    return b"".join(itertools.chain.from_iterable(zip(*pieces, strict=True)))


@dataclasses.dataclass
class _Segment:
    """Consecutive cells of a line: ``prefix``, a column's cell (if any), ``suffix``.

    The column is either ``cells`` of which few are distinct, each made into a
    piece once, or the ``pieces`` of its cells already encoded one by one.
    """

    suffix: str
    prefix: str = ""
    cells: Sequence[str] | None = None
    pieces: list[bytes] | None = None

    @property
    def constant(self) -> bool:
        """Whether the segment is the same text on every line."""
        return self.cells is None and self.pieces is None

    def pieces_of(self, size: int) -> Iterable[bytes]:
        """Return the segment's bytes in each of ``size`` lines."""
        if self.pieces is not None:
            return self.pieces
        if self.cells is None:
            return itertools.repeat((self.prefix + self.suffix).encode(), size)
        memo = {
            cell: (self.prefix + csv_cell(cell) + self.suffix).encode() for cell in set(self.cells)
        }
        return list(map(memo.__getitem__, self.cells))


def _encoded(cells: Sequence[str]) -> list[bytes]:
    """Return each cell as :mod:`csv` writes it, encoded; in one go if none needs quotes."""
    text = "\n".join(cells)
    if text.count("\n") == len(cells) - 1 and not _QUOTED.search(text):
        return text.encode().split(b"\n")
    return [csv_cell(cell).encode() for cell in cells]


def csv_cell(cell: str) -> str:
    """Return a cell as :mod:`csv` writes it in a row of several cells: quoted where needed."""
    if "\n" not in cell and not _QUOTED.search(cell):
        # Written as it is (see _QUOTED): a csv writer per distinct cell was a quarter of rendering.
        return cell
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow((cell, ""))
    return buffer.getvalue()[:-2]


HEADER = (",".join(OBSERVATION_COLUMNS) + "\n").encode("utf-8")
_BATCH = 1 << 16
"""Rows rendered (and encoded) at a time by :func:`render_rows` and :func:`render_columns`."""
_SAMPLE = 1 << 10
"""The first cells of a column, looked at to tell repeated cells from mostly distinct ones."""
_QUOTED = re.compile('[,"\r]')
"""Characters for which :mod:`csv` may quote a cell, besides the line end (``\\r`` in some
Python versions): a cell without any is written as it is."""


@contextlib.contextmanager
def lock_observations(directory: Path, *, timeout: float = 30.0) -> Iterator[None]:
    """Hold the lock of an observations folder (created if missing) for a read → check → write.

    Raise ``filelock.Timeout`` if another import holds it for longer than ``timeout`` seconds.
    """
    from filelock import FileLock

    directory.mkdir(parents=True, exist_ok=True)
    with FileLock(str(directory / LOCK_FILE), timeout=timeout):
        yield
