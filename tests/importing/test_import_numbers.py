"""Values as offices write them."""

from __future__ import annotations

import pytest

from mzplan.numbers import NumberError, format_number, parse_number


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1,234", 1234, None),
        ("17.8万", 178000, None),
        ("17.8万张", 178000, "张"),
        ("60%", 60, "%"),
        ("１２３", 123, None),
        ("１，２３４．５", 1234.5, None),
        (" -5.8 ", -5.8, None),
        ("2.5亿", 250_000_000, None),
        (".5", 0.5, None),
    ],
)
def test_parse_number_reads_office_notation(text: str, value: float, unit: str | None) -> None:
    parsed = parse_number(text)
    assert parsed.value == value
    assert parsed.unit == unit


@pytest.mark.parametrize("text", ["", "lots", "1,23", "1.5,000", "1e3", "-", "—", "1..2"])
def test_parse_number_rejects_what_it_cannot_read_exactly(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(178000.0, "178000"), (0.5, "0.5"), (-0.0, "0"), (33.2, "33.2"), (1e20, "1e+20")],
)
def test_format_number_drops_the_trailing_zero(value: float, text: str) -> None:
    assert format_number(value) == text
    assert float(text) == value
