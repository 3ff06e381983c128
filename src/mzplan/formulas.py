"""Formulas of derived indicators: a small arithmetic language, parsed safely and evaluated.

The grammar, after NFKC normalisation (full-width ``（）＋－＊／`` become ASCII) and
mapping ``×`` → ``*``, ``÷`` → ``/`` and ``−`` (U+2212) → ``-``::

    formula   = expr
    expr      = expr ("+" | "-" | "*" | "/") expr | ("+" | "-") expr | "(" expr ")"
              | number | reference
    reference = ("{" name "}" | identifier) ["[-1]"]

Precedence is Python's: ``*`` and ``/`` bind tighter than ``+`` and ``-``. A
``number`` is a decimal literal (``100``, ``0.5``, ``1e4``). A ``reference``
names a component: an indicator id or Chinese name, in braces, or bare when it
is an identifier (``dibao_standard``, ``低保人数``). Braces are needed for a name
that starts with a digit (``{2020年人口}``) or holds brackets (``{人口（万人）}``).
``[-1]`` after a reference means its value one year earlier (see
:mod:`mzplan.derivation`).

Parsing never runs the text: braces are replaced by placeholder names (``_0``,
``_1``…; a bare name may not start with ``_``), then Python's :mod:`ast` parses
the text and a whitelist walk keeps only ``Expression``, ``BinOp`` (``+ - * /``),
``UnaryOp`` (``-`` ``+``), numeric ``Constant``, ``Name`` and the one subscript
``[-1]``. Length and nesting are capped before :func:`ast.parse` sees the text,
and every failure is a :class:`FormulaError` with a column.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from typing import Literal

MAX_LENGTH = 500
"""Longest formula text accepted, in characters."""
MAX_NESTING = 20
"""Deepest nesting of parentheses and brackets accepted."""
MAX_DEPTH = 64
"""Deepest syntax tree accepted (a chain of 64 operators)."""

_BY_HAND = {"×": "*", "÷": "/", "−": "-", "\t": " ", "\n": " ", "\r": " "}
"""Characters NFKC leaves alone that the grammar reads as operators or spaces."""
_OPERATORS: dict[type[ast.operator], Literal["+", "-", "*", "/"]] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_REJECTED_OPERATORS = {
    ast.Pow: "'**' (powers)",
    ast.Mod: "'%' (remainder; write a percentage as '* 100')",
    ast.FloorDiv: "'//' (whole division)",
    ast.MatMult: "'@'",
}


class FormulaError(Exception):
    """A formula that cannot be parsed or evaluated, with the 1-based column of the fault."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"{self.message} (column {self.column})" if self.column else self.message


@dataclasses.dataclass(frozen=True)
class Number:
    """A numeric literal."""

    value: float


@dataclasses.dataclass(frozen=True)
class Reference:
    """A component: a name, its period offset in years (0 or -1), and its column."""

    name: str
    offset: int = 0
    column: int = 0


@dataclasses.dataclass(frozen=True)
class Unary:
    """A sign applied to an operand."""

    operator: Literal["+", "-"]
    operand: Node


@dataclasses.dataclass(frozen=True)
class Binary:
    """An arithmetic operation; ``column`` is where its right operand starts."""

    operator: Literal["+", "-", "*", "/"]
    left: Node
    right: Node
    column: int = 0


Node = Number | Reference | Unary | Binary


@dataclasses.dataclass(frozen=True)
class Formula:
    """A parsed formula: the text as written and its syntax tree."""

    text: str
    expression: Node

    @property
    def references(self) -> tuple[Reference, ...]:
        """Return every component reference, in the order written."""
        return tuple(_references(self.expression))

    @property
    def names(self) -> tuple[str, ...]:
        """Return the distinct component names, in the order first written."""
        return tuple(dict.fromkeys(r.name for r in self.references))


def _references(node: Node) -> Iterator[Reference]:
    if isinstance(node, Reference):
        yield node
    elif isinstance(node, Unary):
        yield from _references(node.operand)
    elif isinstance(node, Binary):
        yield from _references(node.left)
        yield from _references(node.right)


def normalise_name(name: str) -> str:
    """Return a component name as it is compared: NFKC, without surrounding spaces."""
    return unicodedata.normalize("NFKC", name).strip()


def parse(text: str) -> Formula:
    """Parse a formula; raise :class:`FormulaError` for anything outside the grammar."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is {len(text)} characters long; at most {MAX_LENGTH} are allowed",
            MAX_LENGTH + 1,
        )
    if not text.strip():
        raise FormulaError("the formula is empty", 1)
    source = _Source.of(text)
    try:
        with warnings.catch_warnings():
            # A string with a bad escape warns while parsing; the walk rejects strings anyway.
            warnings.simplefilter("ignore")
            tree = ast.parse(source.text, mode="eval")
    except SyntaxError as error:
        message = error.msg if not error.msg.startswith("invalid syntax") else "invalid syntax"
        offset = error.offset if error.offset and error.offset > 0 else len(source.text) + 1
        raise FormulaError(message, source.column(offset - 1)) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        raise FormulaError(f"cannot parse the formula ({type(error).__name__})", 1) from None
    return Formula(text, _Walker(source).walk(tree.body, 1))


@dataclasses.dataclass(frozen=True)
class _Source:
    """The text given to :func:`ast.parse`, with the way back to the original columns."""

    text: str
    origin: tuple[int, ...]
    """For each character of ``text``, its 0-based index in the original formula."""
    names: dict[str, tuple[str, int]]
    """Placeholder → (name written in braces, 1-based column of the '{')."""

    @classmethod
    def of(cls, formula: str) -> _Source:
        characters: list[str] = []
        origin: list[int] = []
        names: dict[str, tuple[str, int]] = {}
        nesting = 0
        index = 0
        while index < len(formula):
            mapped = _BY_HAND.get(formula[index]) or unicodedata.normalize("NFKC", formula[index])
            if mapped == "{":
                end = _closing_brace(formula, index)
                name = normalise_name(formula[index + 1 : end])
                if not name:
                    raise FormulaError("empty braces: write a name inside '{…}'", index + 1)
                placeholder = f"_{len(names)}"
                names[placeholder] = (name, index + 1)
                mapped = placeholder
                next_index = end + 1
            elif mapped == "}":
                raise FormulaError("'}' without an opening '{'", index + 1)
            else:
                next_index = index + 1
            for character in mapped:
                if unicodedata.category(character).startswith("C"):
                    raise FormulaError(f"unexpected character {character!r}", index + 1)
                nesting += (character in "([") - (character in ")]")
                if nesting > MAX_NESTING:
                    raise FormulaError(f"brackets nested more than {MAX_NESTING} deep", index + 1)
            characters.append(mapped)
            origin.extend([index] * len(mapped))
            index = next_index
        return cls("".join(characters), tuple(origin), names)

    def column(self, index: int) -> int:
        """Return the 1-based column in the original formula of character ``index``."""
        if not self.origin:
            return 1
        if index >= len(self.origin):
            return self.origin[-1] + 2
        return self.origin[max(index, 0)] + 1

    def node_column(self, node: ast.expr) -> int:
        """Return the original column of a node (its offset counts UTF-8 bytes)."""
        prefix = self.text.encode("utf-8")[: node.col_offset]
        return self.column(len(prefix.decode("utf-8", errors="ignore")))


def _closing_brace(formula: str, start: int) -> int:
    for index in range(start + 1, len(formula)):
        character = unicodedata.normalize("NFKC", formula[index])
        if character == "}":
            return index
        if character == "{":
            raise FormulaError("'{' inside a name: braces do not nest", index + 1)
    raise FormulaError("'{' is never closed", start + 1)


class _Walker:
    """The whitelist: turn Python's syntax tree into ours, refusing every other node."""

    def __init__(self, source: _Source) -> None:
        self.source = source

    def walk(self, node: ast.expr, depth: int) -> Node:
        column = self.source.node_column(node)
        if depth > MAX_DEPTH:
            raise FormulaError(f"the formula nests more than {MAX_DEPTH} operations", column)
        if isinstance(node, ast.BinOp):
            operator = _OPERATORS.get(type(node.op))
            if operator is None:
                what = _REJECTED_OPERATORS.get(type(node.op), type(node.op).__name__)
                raise FormulaError(f"{what} is not allowed: use + - * / × ÷", column)
            left = self.walk(node.left, depth + 1)
            right = self.walk(node.right, depth + 1)
            return Binary(operator, left, right, self.source.node_column(node.right))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return Unary("-", self.walk(node.operand, depth + 1))
            if isinstance(node.op, ast.UAdd):
                return Unary("+", self.walk(node.operand, depth + 1))
            raise FormulaError("only the signs + and - may stand before a value", column)
        if isinstance(node, ast.Constant):
            return Number(_number(node.value, column))
        if isinstance(node, ast.Name):
            return self.reference(node, 0)
        if isinstance(node, ast.Subscript):
            if not isinstance(node.value, ast.Name):
                raise FormulaError("'[-1]' may follow only a name", column)
            if not _is_minus_one(node.slice):
                raise FormulaError(
                    "only '[-1]' (the previous year's value) may follow a name",
                    self.source.node_column(node.slice),
                )
            return self.reference(node.value, -1)
        raise FormulaError(f"{_describe(node)} is not allowed", column)

    def reference(self, node: ast.Name, offset: int) -> Reference:
        if node.id in self.source.names:
            name, column = self.source.names[node.id]
            return Reference(name, offset, column)
        column = self.source.node_column(node)
        if node.id.startswith("_"):
            raise FormulaError(f"a name may not start with '_': {node.id!r}", column)
        return Reference(node.id, offset, column)


def _number(value: object, column: int) -> float:
    if isinstance(value, str | bytes):
        raise FormulaError("a string is not allowed: write a name as {name}", column)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FormulaError(f"{value!r} is not a number", column)
    try:
        number = float(value)
    except OverflowError:
        raise FormulaError("the number is too large", column) from None
    if not math.isfinite(number):
        raise FormulaError("the number is too large", column)
    return number


def _is_minus_one(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
        and node.operand.value == 1
    )


def _describe(node: ast.expr) -> str:
    names = {
        ast.Call: "a function call",
        ast.Attribute: "an attribute ('.')",
        ast.Compare: "a comparison",
        ast.BoolOp: "'and' / 'or'",
        ast.Lambda: "a lambda",
        ast.IfExp: "'if … else'",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a comprehension",
        ast.Tuple: "a comma (a tuple)",
        ast.JoinedStr: "a string",
    }
    return names.get(type(node), f"{type(node).__name__}")


Lookup = Callable[[str, int], float | None]
"""Return the value of a component for a period offset in years (0 or -1), or None."""


def evaluate(formula: Formula | Node, lookup: Lookup) -> float | None:
    """Compute a formula, asking ``lookup(name, offset)`` for each component's value.

    Return None when a component has no value (``lookup`` returned None): the
    formula then has no value for that period. Raise :class:`FormulaError` for a
    division by zero or a result that is not a finite number.
    """
    node = formula.expression if isinstance(formula, Formula) else formula
    value = _evaluate(node, lookup)
    if value is not None and not math.isfinite(value):
        raise FormulaError("the result is not a finite number", 1)
    return value


def _evaluate(node: Node, lookup: Lookup) -> float | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Reference):
        return lookup(node.name, node.offset)
    if isinstance(node, Unary):
        operand = _evaluate(node.operand, lookup)
        if operand is None:
            return None
        return -operand if node.operator == "-" else operand
    left = _evaluate(node.left, lookup)
    right = _evaluate(node.right, lookup)
    if left is None or right is None:
        return None
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    if right == 0:
        raise FormulaError("division by zero", node.column)
    return left / right
