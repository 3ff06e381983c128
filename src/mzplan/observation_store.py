"""The stored observations: ``data/observations/<indicator>.csv`` in one canonical CSV layout.

The stored files are written by ``mzplan import`` (UTF-8, comma, the columns of
:data:`~mzplan.observations.OBSERVATION_COLUMNS`), so reading them is strict:
anything else is a located problem, not a guess. One file holds the rows of one
indicator, sorted by (indicator, jurisdiction, period, source), so a diff shows
exactly the values that changed and importing the same rows twice leaves the
same bytes. :func:`render_observation_file` is the only writer of that layout;
:func:`mzplan.writing.write_files_atomically` and :func:`lock_observations` put it on disk
safely.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
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
    return Observation(
        indicator, jurisdiction, period, number, unit, source, note, preferred == "true", name, line
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
    """
    # Rendered in batches, each encoded at once: a whole file as one str would take up to
    # four bytes a character on top of the bytes.
    parts = [(",".join(OBSERVATION_COLUMNS) + "\n").encode("utf-8")]
    rows = iter(rows)
    while True:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(itertools.islice(rows, _BATCH))
        text = buffer.getvalue()
        if not text:
            return b"".join(parts)
        parts.append(text.encode("utf-8"))


_BATCH = 1 << 16
"""Rows rendered (and encoded) at a time by :func:`render_rows`."""


@contextlib.contextmanager
def lock_observations(directory: Path, *, timeout: float = 30.0) -> Iterator[None]:
    """Hold the lock of an observations folder (created if missing) for a read → check → write.

    Raise ``filelock.Timeout`` if another import holds it for longer than ``timeout`` seconds.
    """
    from filelock import FileLock

    directory.mkdir(parents=True, exist_ok=True)
    with FileLock(str(directory / LOCK_FILE), timeout=timeout):
        yield
