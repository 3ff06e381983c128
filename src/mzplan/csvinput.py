"""Read CSV as offices write it: detect the encoding and the delimiter, yield rows lazily.

Encodings are tried in the order that works for Chinese text: a byte-order
mark, then strict UTF-8, then strict GB18030 (a superset of GBK, what Excel
writes on a Chinese system), then give up with an ``--encoding`` hint. There is
no latin-1 or ``errors="replace"`` fallback: that would silently garble
Chinese. The delimiter is one of ``, ; TAB |``, chosen from the header line.
A stream that starts like a zip archive is an ``.xlsx`` workbook, read by
:mod:`mzplan.xlsxinput` into the same :class:`Table`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from _csv import Reader

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_SIZE = 1 << 20
ZIP_SIGNATURE = b"PK\x03\x04"
"""How a zip archive, hence an ``.xlsx`` workbook, starts."""
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How an OLE2 compound file starts: an old ``.xls`` workbook, or an encrypted ``.xlsx``."""
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class InputError(Exception):
    """A file that cannot be read as a table; ``line`` is 0 for the whole file."""

    def __init__(self, message: str, *, line: int = 0, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


@dataclasses.dataclass(frozen=True)
class Row:
    """One record and the physical line (or sheet row) it starts on (the header is line 1)."""

    line: int
    cells: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Table:
    """A header, the detected format, and the rows still to be read (lazily).

    For a workbook, :attr:`encoding` is ``"xlsx"``, :attr:`delimiter` is empty and
    there is no :attr:`text` or :attr:`reader`; :attr:`closer` closes the workbook.
    """

    header: tuple[str, ...]
    encoding: str
    delimiter: str
    rows: Iterator[Row]
    text: io.TextIOWrapper | None = dataclasses.field(repr=False)
    reader: Reader | None = dataclasses.field(default=None, repr=False)
    """The csv reader behind :attr:`rows`, for a caller that reads the records itself.

    Read either :attr:`rows` or this, not both. Its ``line_num`` is the physical
    line the last record ended on (the header is line 1); a decoding error comes out
    as ``UnicodeDecodeError`` (see :func:`decoding_error`), bad quoting as ``csv.Error``.
    """

    closer: Callable[[], None] | None = dataclasses.field(default=None, repr=False)
    """What else to close with the table (a workbook read from the stream's bytes)."""

    def close(self) -> None:
        """Let go of the stream without closing it (the caller opened it, the caller closes it)."""
        if self.text is not None:
            _release(self.text)
        if self.closer is not None:
            self.closer()


def _release(text: io.TextIOWrapper) -> None:
    with contextlib.suppress(ValueError):  # already released
        text.detach().detach()  # type: ignore[attr-defined]


def detect_encoding(sample: bytes) -> str:
    """Return the encoding of a file starting with ``sample``: BOM, UTF-8 or GB18030.

    Raise :class:`InputError` when the sample is neither strict UTF-8 nor strict
    GB18030. The sample may end in the middle of a character.
    """
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            decoder.decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InputError(
        "the file is neither UTF-8 nor GB18030 text",
        hint="give the encoding with --encoding (e.g. --encoding big5)",
    )


def sniff_delimiter(sample: str) -> str:
    """Return the delimiter among ``, ; TAB |`` used most in the first line (``,`` if none)."""
    first_line = sample.split("\n", 1)[0]
    counts = {delimiter: _count_outside_quotes(first_line, delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier (comma first)
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for character in line:
        if character == '"':
            quoted = not quoted
        elif character == delimiter and not quoted:
            count += 1
    return count


def read_table(
    stream: BinaryIO,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Table:
    """Open a binary CSV stream: detect the encoding and delimiter, read the header.

    The rows are read lazily as the caller iterates :attr:`Table.rows`; a
    decoding error met later is raised from that iterator as :class:`InputError`
    with the line where it happened. Raise :class:`InputError` for an unknown
    encoding, an undecodable start or an empty file.

    A stream starting with the zip signature is read as an ``.xlsx`` workbook
    instead (its worksheet ``sheet``, else the first; ``encoding`` and
    ``delimiter`` do not apply): see :func:`mzplan.xlsxinput.read_workbook`.
    """
    # A large buffer of our own, so the sample is big enough to tell UTF-8 from GB18030.
    buffered = io.BufferedReader(stream, buffer_size=SAMPLE_SIZE)  # type: ignore[type-var]
    try:
        start = buffered.peek(len(OLE_SIGNATURE))
        if start.startswith(ZIP_SIGNATURE):
            from mzplan.xlsxinput import read_workbook

            data = buffered.read()  # a zip is read from its end: the whole archive is needed
            buffered.detach()
            return read_workbook(data, sheet=sheet)
        if start.startswith(OLE_SIGNATURE):
            raise InputError(
                "an old .xls workbook (or an encrypted one), not CSV or .xlsx",
                hint="save it from Excel or WPS as .xlsx (without a password), or as CSV",
            )
        return _open_table(buffered, encoding, delimiter)
    except BaseException:
        with contextlib.suppress(ValueError):
            buffered.detach()
        raise


def _open_table(
    buffered: io.BufferedReader[Any], encoding: str | None, delimiter: str | None
) -> Table:
    sample = buffered.peek(SAMPLE_SIZE)
    if encoding is None:
        chosen = detect_encoding(sample)
    else:
        try:
            chosen = codecs.lookup(encoding).name
        except LookupError as error:
            raise InputError(
                f"unknown encoding {encoding!r}", hint="e.g. utf-8, gb18030"
            ) from error
        if chosen == "utf-8" and sample.startswith(codecs.BOM_UTF8):
            chosen = "utf-8-sig"
    text = io.TextIOWrapper(buffered, encoding=chosen, errors="strict", newline="")
    if delimiter is None:
        decoded = codecs.getincrementaldecoder(chosen)(errors="ignore").decode(sample[:65536])
        delimiter = sniff_delimiter(decoded.lstrip("\ufeff"))
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
    except UnicodeDecodeError as error:
        _release(text)
        raise decoding_error(error, chosen, 1) from error
    except csv.Error as error:
        _release(text)
        raise InputError(f"bad CSV: {error}", line=1) from error
    if header is None:
        _release(text)
        raise InputError("the file is empty", hint="the first line must name the columns")
    header = [cell.lstrip("\ufeff") if index == 0 else cell for index, cell in enumerate(header)]
    return Table(
        header=tuple(header),
        encoding=chosen,
        delimiter=delimiter,
        rows=_rows(reader, chosen, text),
        text=text,
        reader=reader,
    )


def _rows(reader: Reader, encoding: str, text: io.TextIOWrapper) -> Iterator[Row]:
    try:
        yield from _records(reader, encoding)
    finally:
        _release(text)


def _records(reader: Reader, encoding: str) -> Iterator[Row]:
    previous = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise decoding_error(error, encoding, previous + 1) from error
        except csv.Error as error:
            raise InputError(f"bad CSV: {error}", line=previous + 1) from error
        start = previous + 1
        previous = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        yield Row(start, tuple(cells))


def decoding_error(error: UnicodeDecodeError, encoding: str, line: int) -> InputError:
    """Return the input error for a decoding error met near ``line``."""
    other = "gb18030" if encoding.startswith("utf") else "utf-8"
    return InputError(
        f"not valid {encoding} text near line {line}",
        line=line,
        hint=f"give the encoding with --encoding (e.g. --encoding {other})",
    )
