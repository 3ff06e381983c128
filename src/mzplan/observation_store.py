"""The stored observations: ``data/observations/*.csv`` in one canonical CSV layout.

The stored files are written by ``mzplan import`` (UTF-8, comma, the columns of
:data:`~mzplan.observations.OBSERVATION_COLUMNS`), so reading them is strict:
anything else is a located problem, not a guess.
"""

from __future__ import annotations

import csv
import io
import math

from mzplan.observations import OBSERVATION_COLUMNS, Observation, is_period
from mzplan.problems import Problem

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
    observations: list[Observation] = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
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
