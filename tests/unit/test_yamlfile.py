"""The strict YAML reader: YAML 1.1 traps, duplicate keys, tags and positions."""

from __future__ import annotations

import io

import pytest

from mzplan.yamlfile import YamlError, parse_yaml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NO", "NO"),
        ("on", "on"),
        ("yes", "yes"),
        ("010", 10),
        ("1_000", "1_000"),
        ("1:30", "1:30"),
        ("1e3", 1000.0),
        ("2021-07-13", "2021-07-13"),
        ("true", True),
        ("~", None),
        ("0x10", "0x10"),
        ("-2.5", -2.5),
    ],
)
def test_plain_scalars_follow_the_core_schema(text: str, expected: object) -> None:
    assert parse_yaml(f"key: {text}\n", "f.yaml").data == {"key": expected}


def test_positions_are_recorded_for_values_and_keys() -> None:
    document = parse_yaml("a:\n  - b: 1\n    c: [x, y]\n", "f.yaml")
    assert document.values[("a", 0, "c", 1)] == (3, 12)
    assert document.keys[("a", 0, "c")] == (3, 5)
    assert document.values[()] == (1, 1)


def test_reads_binary_streams() -> None:
    assert parse_yaml(io.BytesIO("名称: 崇明区\n".encode()), "f.yaml").data == {"名称": "崇明区"}


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "yaml-duplicate-key", 3),
        ("a:\n\t- 1\n", "yaml-syntax", 2),
        ("a: !!python/object/apply:os.system [ls]\n", "yaml-tag", 1),
        ("base: &b {x: 1}\nc:\n  <<: *b\n", "yaml-merge-key", 3),
        ("a: [1\n", "yaml-syntax", 2),
        ("? [1, 2]\n: x\n", "yaml-key-type", 1),
        ("1: x\n", "yaml-key-type", 1),
    ],
)
def test_bad_yaml_is_a_located_problem(text: str, code: str, line: int) -> None:
    with pytest.raises(YamlError) as raised:
        parse_yaml(text, "f.yaml")
    assert raised.value.problem.code == code
    assert raised.value.problem.line == line
    assert raised.value.problem.file == "f.yaml"


def test_empty_document_is_none() -> None:
    assert parse_yaml("# nothing\n", "f.yaml").data is None


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ('a:\n  formula: {x}[-1] * "2"\n', 'must be quoted: formula: "{x}[-1] * \\"2\\""'),
        ("- formula: {x} / {y}\n  unit: 个\n", 'must be quoted: formula: "{x} / {y}"'),
        ("a: [1, 2\nb: 3\n", None),
    ],
)
def test_an_unquoted_value_starting_with_a_brace_gets_a_hint(text: str, hint: str | None) -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    problem = caught.value.problem
    assert problem.code == "yaml-syntax"
    if hint is None:
        assert problem.hint is None
    else:
        assert problem.hint is not None
        assert hint in problem.hint
