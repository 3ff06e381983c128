"""Encoding and delimiter detection, fed from memory."""

from __future__ import annotations

import codecs
import io

import pytest

from mzplan.csvinput import InputError, detect_encoding, read_table, sniff_delimiter


def rows(data: bytes, **options: str) -> tuple[tuple[str, ...], list[tuple[int, tuple[str, ...]]]]:
    table = read_table(io.BytesIO(data), **options)
    return table.header, [(row.line, row.cells) for row in table.rows]


def test_bom_is_removed_from_the_first_header() -> None:
    header, _ = rows(codecs.BOM_UTF8 + "id,值\n1,2\n".encode())
    assert header == ("id", "值")


def test_gb18030_is_detected_after_utf8_fails() -> None:
    data = "指标,数值\r\n养老床位总数,1\r\n".encode("gb18030")
    assert detect_encoding(data) == "gb18030"
    header, body = rows(data)
    assert header == ("指标", "数值")
    assert body == [(2, ("养老床位总数", "1"))]


def test_utf16_with_bom_is_read() -> None:
    header, _ = rows("指标\t数值\n".encode("utf-16"))
    assert header == ("指标", "数值")


def test_undecodable_bytes_fail_with_an_encoding_hint() -> None:
    with pytest.raises(InputError) as caught:
        rows(b"\x81\x20\xff\xfe,x\n")
    assert caught.value.hint is not None and "--encoding" in caught.value.hint


def test_a_bad_byte_late_in_the_file_is_located() -> None:
    data = b"a,b\n" + b"1,2\n" * 20_000 + "x,\u4e2d\n".encode("gb18030")
    table = read_table(io.BytesIO(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(table.rows)
    # Decoding works in chunks, so the line is where the bad chunk starts: near, not exact.
    assert 10_000 < caught.value.line <= 20_002


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ("a|b|c", "|"),
        ("abc", ","),
        ('"a;b",c', ","),
    ],
)
def test_sniff_delimiter_counts_the_header(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line + "\n1,2,3\n") == delimiter


def test_physical_lines_count_quoted_newlines_and_skip_blank_rows() -> None:
    _, body = rows(b'a,b\n"multi\nline",1\n\n2,3\n')
    assert body == [(2, ("multi\nline", "1")), (5, ("2", "3"))]


def test_empty_file_is_an_error() -> None:
    with pytest.raises(InputError):
        rows(b"")
