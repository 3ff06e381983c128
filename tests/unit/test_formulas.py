"""The formula language: what it reads, what it refuses, and how it computes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mzplan.formulas import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NESTING,
    Binary,
    FormulaError,
    Number,
    Reference,
    Unary,
    evaluate,
    parse,
)

DIBAO = "{dibao_standard} / ({per_capita_consumption_expenditure}[-1] / 12) * 100"


def compute(text: str, table: dict[tuple[str, int], float]) -> float | None:
    """Parse and evaluate ``text`` with component values from ``table``."""
    return evaluate(parse(text), lambda name, offset: table.get((name, offset)))


# --- parsing ---------------------------------------------------------------------------


def test_parse_builds_the_tree_with_precedence() -> None:
    formula = parse("{a} + {b} * 2")
    assert formula.expression == Binary(
        "+",
        Reference("a", 0, 1),
        Binary("*", Reference("b", 0, 7), Number(2.0), column=13),
        column=7,
    )


def test_references_and_names_keep_the_written_order() -> None:
    formula = parse(DIBAO)
    assert formula.references == (
        Reference("dibao_standard", 0, 1),
        Reference("per_capita_consumption_expenditure", -1, 21),
    )
    assert formula.names == ("dibao_standard", "per_capita_consumption_expenditure")
    assert parse("{a} / {a}[-1]").names == ("a",)


def test_bare_identifiers_are_references_too() -> None:
    formula = parse("低保人数 / 户籍人口数 * 100")
    assert formula.names == ("低保人数", "户籍人口数")
    assert parse("beds[-1]").references == (Reference("beds", -1, 1),)


def test_braces_quote_names_python_could_not_read() -> None:
    formula = parse("{2020年人口} ÷ {人口（万人）}")
    # NFKC turns the full-width brackets of the name into ASCII ones.
    assert formula.names == ("2020年人口", "人口(万人)")


def test_full_width_operators_and_times_divide_signs() -> None:
    assert compute("（{a}＋{b}）× 2 ÷ {c} − 1", {("a", 0): 1, ("b", 0): 3, ("c", 0): 4}) == 1.0
    assert compute("{a}［－1］＊２", {("a", -1): 5}) == 10.0


def test_signs_and_numbers() -> None:
    assert parse("-{a}").expression == Unary("-", Reference("a", 0, 2))
    assert compute("+{a} - -1.5e1", {("a", 0): 1}) == 16.0


def test_whitespace_and_line_breaks_are_spaces() -> None:
    assert compute("{a}\n  *\t2", {("a", 0): 3}) == 6.0


def test_the_text_is_kept_as_written() -> None:
    assert parse(DIBAO).text == DIBAO


# --- rejected constructs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("f({a})", "a function call is not allowed", 1),
        ("__import__('os')", "a function call is not allowed", 1),
        ("__import__", "a name may not start with '_'", 1),
        ("_0 + 1", "a name may not start with '_'", 1),
        ("{a}.real", "an attribute ('.') is not allowed", 1),
        ("{a}[0]", "only '[-1]' (the previous year's value)", 5),
        ("{a}[-2]", "only '[-1]' (the previous year's value)", 5),
        ("{a}[-1.0]", "only '[-1]' (the previous year's value)", 5),
        ("{a}[1:2]", "only '[-1]' (the previous year's value)", 5),
        ("{a}[-1][-1]", "'[-1]' may follow only a name", 1),
        ("(1 + {a})[-1]", "'[-1]' may follow only a name", 1),
        ("lambda: 1", "a lambda is not allowed", 1),
        ("[x for x in {a}]", "a comprehension is not allowed", 1),
        ("{x for x in {a}}", "'{' inside a name", 13),
        ("'text'", "a string is not allowed", 1),
        ("f'{1}'", "a string is not allowed", 1),
        ("b'x'", "a string is not allowed", 1),
        ("True", "True is not a number", 1),
        ("None", "None is not a number", 1),
        ("1j", "1j is not a number", 1),
        ("...", "Ellipsis is not a number", 1),
        ("{a} ** 2", "'**' (powers) is not allowed", 1),
        ("{a} % 2", "'%' (remainder", 1),
        ("{a} // 2", "'//' (whole division) is not allowed", 1),
        ("{a} @ {b}", "'@' is not allowed", 1),
        ("~{a}", "only the signs + and - may stand", 1),
        ("not {a}", "only the signs + and - may stand", 1),
        ("{a} < 1", "a comparison is not allowed", 1),
        ("{a} and {b}", "'and' / 'or' is not allowed", 1),
        ("1 if {a} else 2", "'if … else' is not allowed", 1),
        ("{a}, {b}", "a comma (a tuple) is not allowed", 1),
        ("[{a}]", "List is not allowed", 1),
        ("(x := 1)", "NamedExpr is not allowed", 2),
        ("{a} +", "invalid syntax", 6),
        ("1 2", "invalid syntax", 3),
        ("({a}", "'(' was never closed", 1),
        ("{a})", "unmatched ')'", 4),
        ("{a", "'{' is never closed", 1),
        ("a}", "'}' without an opening '{'", 2),
        ("{ }", "empty braces", 1),
        ("{a{b}}", "'{' inside a name", 3),
        ("1e999", "the number is too large", 1),
        ("9" * 400, "the number is too large", 1),
        ("{a}\x00", "unexpected character", 4),
        ("{a}\u200b", "unexpected character", 4),
        ("", "the formula is empty", 1),
        ("   ", "the formula is empty", 1),
        ("import os", "invalid syntax", 1),
        ("{a}; {b}", "invalid syntax", 4),
    ],
)
def test_rejected_constructs(text: str, message: str, column: int) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.column == column


def test_column_counts_characters_of_the_original_text() -> None:
    # Chinese names are several bytes in UTF-8 and braces become placeholders:
    # the column still points at the original character.
    with pytest.raises(FormulaError) as caught:
        parse("{低保人数} / 户籍人口数 ** 2")
    assert caught.value.column == 10
    with pytest.raises(FormulaError) as caught:
        parse("低保人数 ／ f(户籍人口数)")
    assert caught.value.column == 8


def test_too_long_input_is_refused_before_parsing() -> None:
    with pytest.raises(FormulaError, match="at most 500"):
        parse("1+" * 300 + "1")
    assert len("1+" * 249 + "1") <= MAX_LENGTH


def test_deep_brackets_are_refused_before_parsing() -> None:
    text = "(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1)
    with pytest.raises(FormulaError, match="nested more than") as caught:
        parse(text)
    assert caught.value.column == MAX_NESTING + 1
    assert compute("(" * MAX_NESTING + "1" + ")" * MAX_NESTING, {}) == 1.0


def test_deep_trees_are_refused() -> None:
    with pytest.raises(FormulaError, match=f"more than {MAX_DEPTH} operations"):
        parse("-" * 400 + "1")
    with pytest.raises(FormulaError, match=f"more than {MAX_DEPTH} operations"):
        parse("+".join(["1"] * 200))
    assert compute("+".join(["1"] * MAX_DEPTH), {}) == MAX_DEPTH


def test_error_text_names_the_column() -> None:
    assert str(FormulaError("invalid syntax", 4)) == "invalid syntax (column 4)"
    assert str(FormulaError("bad")) == "bad"


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.text(alphabet="{}[]()+-*/×÷−1.eab_ 低保", max_size=60),
        st.text(min_size=MAX_LENGTH - 5, max_size=MAX_LENGTH + 5),
    )
)
def test_parse_raises_only_formula_errors(text: str) -> None:
    try:
        parse(text)
    except FormulaError as error:
        assert error.message
        assert 0 <= error.column <= len(text) + 1 or error.column == MAX_LENGTH + 1


# --- evaluation ----------------------------------------------------------------------------


def test_evaluate_the_dibao_ratio() -> None:
    table = {("dibao_standard", 0): 1240.0, ("per_capita_consumption_expenditure", -1): 45605.0}
    assert compute(DIBAO, table) == pytest.approx(32.63, abs=0.005)


def test_evaluate_asks_for_the_previous_period_with_offset_minus_one() -> None:
    asked: list[tuple[str, int]] = []

    def lookup(name: str, offset: int) -> float | None:
        asked.append((name, offset))
        return 2.0

    assert evaluate(parse("{a} / {a}[-1]"), lookup) == 1.0
    assert asked == [("a", 0), ("a", -1)]


def test_a_missing_component_gives_no_value() -> None:
    assert compute("{a} + {b}", {("a", 0): 1}) is None
    assert compute("-{b}", {}) is None
    assert compute("{a} / {b}", {("a", 0): 1}) is None


def test_division_by_zero_is_a_formula_error_at_the_divisor() -> None:
    with pytest.raises(FormulaError, match="division by zero") as caught:
        compute("{a} / ({b} - {b})", {("a", 0): 1, ("b", 0): 3})
    assert caught.value.column == 8


def test_a_non_finite_result_is_a_formula_error() -> None:
    with pytest.raises(FormulaError, match="not a finite number"):
        compute("{a} * {a}", {("a", 0): 1e200})


def test_evaluate_accepts_a_bare_tree() -> None:
    assert evaluate(Binary("-", Number(3), Unary("+", Number(1))), lambda n, o: None) == 2.0
