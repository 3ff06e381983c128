"""Read one worksheet of an ``.xlsx`` workbook as the same table a CSV file gives.

Through openpyxl, an optional dependency (``pip install 'mzplan[xlsx]'``),
imported only when a workbook is read. The sheet is read in read-only mode
(rows are parsed as they are iterated) with the values Excel or WPS last
computed for formulas. Cells become the text a person reads in them: a whole
number without ``.0``, a date as ``2023-09-30``, a cell formatted as a
percentage as ``60%``.
"""

from __future__ import annotations

import datetime
import decimal
import io
import math
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any

from mzplan.csvinput import InputError, Row, Table

INSTALL_HINT = "pip install 'mzplan[xlsx]'"


def read_workbook(data: bytes, *, sheet: str | None = None) -> Table:
    """Return the table in one worksheet of a workbook: the first, or the one named ``sheet``.

    The header is the first row with a non-empty cell; the rows after it are read
    lazily, each at its row number in the sheet. Raise :class:`InputError` when
    openpyxl is not installed, the bytes are not a workbook, the sheet does not
    exist or is empty.
    """
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            "reading an .xlsx workbook needs openpyxl, which is not installed",
            hint=INSTALL_HINT,
        ) from None
    try:
        with _quiet():
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise InputError(
            f"not a readable .xlsx workbook ({type(error).__name__}: {error})",
            hint="save it from Excel or WPS as .xlsx, or as CSV",
        ) from None
    try:
        worksheet = _worksheet(workbook, sheet)
        worksheet.reset_dimensions()  # some writers store a wrong size; read every row
        rows = _rows(worksheet)
        header = next(rows, None)
        if header is None:
            raise InputError(
                f"the sheet {worksheet.title!r} is empty",
                hint="the first non-empty row must name the columns",
            )
    except BaseException:
        workbook.close()
        raise
    cells = list(header.cells)
    while cells and not cells[-1]:  # formatted but empty cells at the end of the header
        cells.pop()
    return Table(
        header=tuple(cells),
        encoding="xlsx",
        delimiter="",
        rows=_closing(rows, workbook),
        text=None,
        closer=workbook.close,
    )


def _worksheet(workbook: Any, name: str | None) -> Any:
    sheets = workbook.worksheets  # worksheets only, no chart sheets, in tab order
    if name is None:
        if not sheets:
            raise InputError("the workbook has no worksheet")
        return sheets[0]
    for candidate in sheets:
        if candidate.title == name:
            return candidate
    titles = ", ".join(repr(s.title) for s in sheets) or "none"
    raise InputError(f"no worksheet named {name!r}", hint=f"the worksheets: {titles}")


def _rows(worksheet: Any) -> Iterator[Row]:
    """Yield the non-empty rows of a sheet as text, each with its row number."""
    cells_by_row = worksheet.iter_rows(min_row=1)
    number = 0
    while True:
        with _quiet():
            cells = next(cells_by_row, None)
        if cells is None:
            return
        number += 1
        texts = tuple(cell_text(cell.value, cell.number_format) for cell in cells)
        if any(texts):
            yield Row(number, texts)


def _closing(rows: Iterator[Row], workbook: Any) -> Iterator[Row]:
    try:
        yield from rows
    finally:
        workbook.close()


class _quiet(warnings.catch_warnings):  # noqa: N801 - used like a function
    """Silence openpyxl's warnings about parts it drops (data validation, styles...)."""

    def __enter__(self) -> None:
        super().__enter__()
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")


def cell_text(value: object, number_format: str | None = None) -> str:
    """Return the text a person reads in a cell holding ``value``.

    ``None`` is empty; an int or a whole float is written without ``.0``; another
    float is its shortest round-trip decimal, never with an exponent; a number
    formatted as a percentage is multiplied by 100 and ends in ``%``; a date or
    datetime is its ISO date; a bool is ``true`` or ``false``; text is stripped.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        if number_format is not None and _is_percentage(number_format):
            return _number_text(decimal.Decimal(repr(value)) * 100) + "%"
        if isinstance(value, int):
            return str(value)
        if value.is_integer():
            return str(int(value))
        return _number_text(decimal.Decimal(repr(value)))
    return str(value).strip()


def _number_text(number: decimal.Decimal) -> str:
    """Return a finite decimal positionally (``1.5E-5`` → ``0.000015``), without trailing 0s."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _is_percentage(number_format: str) -> bool:
    """Whether a number format shows the value times 100 with ``%`` (outside quotes)."""
    quoted = False
    for character in number_format:
        if character == '"':
            quoted = not quoted
        elif character == "%" and not quoted:
            return True
    return False
