"""Read numbers as offices write them: ``1,234``, ``17.8万``, ``60%``, full-width digits.

Parsing goes through :class:`decimal.Decimal`, so ``17.8万`` is exactly 178000,
and a number is never guessed: a comma that is not a thousands separator, an
exponent or text after the number is an error, not a best effort.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SPLIT = re.compile(r"^(?P<number>[+\-]?[\d.,]+)(?P<multiplier>[万亿]?)(?P<suffix>.*)$")
_EXPONENT = re.compile(r"^[eE][+-]?\d")
_FAST = re.compile(r"^-?[0-9]{1,15}(?:\.[0-9]{1,15})?$", re.ASCII)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")


class NumberError(ValueError):
    """A text that is not a number; the message says why, for a user."""


@dataclasses.dataclass(frozen=True)
class ParsedNumber:
    """A number read from a cell, and the unit written after it (``%``, ``张``) if any."""

    value: float
    unit: str | None = None


def parse_number(text: str) -> ParsedNumber:
    """Parse a cell such as ``1,234``, ``17.8万``, ``60%`` or ``１２３``; raise NumberError.

    Full-width characters are normalised (NFKC) first. A trailing ``%`` or any
    other text after the number and its multiplier is returned as the unit, so
    the caller can check it against the indicator's unit.
    """
    if _FAST.match(text):
        # The common cell, a plain ASCII decimal: float() rounds it exactly as Decimal would.
        return ParsedNumber(value=float(text) + 0.0)
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    if not cleaned:
        raise NumberError("empty value")
    match = _SPLIT.match(cleaned)
    if match is None:
        raise NumberError(f"{text.strip()!r} is not a number")
    digits, multiplier, suffix = match["number"], match["multiplier"], match["suffix"]
    if "," in digits:
        if not _GROUPED.match(digits):
            raise NumberError(
                f"{text.strip()!r}: a comma is only allowed between groups of three digits"
            )
        digits = digits.replace(",", "")
    if not _PLAIN.match(digits) or _EXPONENT.match(suffix):
        raise NumberError(f"{text.strip()!r} is not a number")
    try:
        number = Decimal(digits)
    except InvalidOperation as error:  # pragma: no cover - the pattern above rules it out
        raise NumberError(f"{text.strip()!r} is not a number") from error
    if multiplier:
        number *= _MULTIPLIERS[multiplier]
    value = float(number)
    if not math.isfinite(value):
        raise NumberError(f"{text.strip()!r} is too large")
    return ParsedNumber(value=value + 0.0, unit=suffix or None)


def format_number(value: float) -> str:
    """Return a number as stored: ``178000``, not ``178000.0``; otherwise its shortest form."""
    value = float(value)  # an int passed where a float is typed must not change the text
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)
