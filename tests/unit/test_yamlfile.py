"""The strict YAML reader: YAML 1.1 traps, duplicate keys, tags and positions."""

from __future__ import annotations

import io

import pytest

from mzplan import yamlfile
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
    assert document.source_map.values[("a", 0, "c", 1)] == (3, 12)
    assert document.source_map.keys[("a", 0, "c")] == (3, 5)
    assert document.source_map.values[()] == (1, 1)


NESTED = (
    "# a comment\n"
    "plan: p\n"
    "targets:\n"
    "  - indicator: 养老床位\n"
    '    "quoted key": {value: 1, text: "约 1 万"}\n'
    "    milestones:\n"
    "      - [2023, 2024]\n"
    "      - year: 2025\n"
    "empty:\n"
)


def test_positions_are_found_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    document = parse_yaml(NESTED, "f.yaml")
    composed: list[object] = []
    compose = yamlfile._CoreSchemaLoader.get_single_node

    def counting(loader: yamlfile._CoreSchemaLoader) -> object:
        composed.append(loader)
        return compose(loader)

    monkeypatch.setattr(yamlfile._CoreSchemaLoader, "get_single_node", counting)
    assert composed == []
    assert document.source_map.values[("targets", 0, "quoted key", "text")] == (5, 36)
    assert document.source_map.keys[("targets", 0, "quoted key")] == (5, 5)
    assert document.source_map.values[("targets", 0, "milestones", 0, 1)] == (7, 16)
    assert document.source_map.values[("targets", 0, "milestones", 1, "year")] == (8, 15)
    assert document.source_map.keys[("empty",)] == (9, 1)
    assert document.source_map.values[()] == (2, 1)
    assert len(composed) == 1  # once, for both


def test_positions_of_bytes_with_a_byte_order_mark_are_those_of_the_text() -> None:
    from_bytes = parse_yaml(b"\xef\xbb\xbf" + NESTED.encode(), "f.yaml")
    from_text = parse_yaml(NESTED, "f.yaml")
    assert from_bytes.data == from_text.data
    assert from_bytes.source_map.values == from_text.source_map.values
    assert from_bytes.source_map.keys == from_text.source_map.keys
    assert len(from_text.source_map.values) == 15  # the root and every value under it


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


def test_a_duplicate_key_names_the_line_of_the_first() -> None:
    with pytest.raises(YamlError) as raised:
        parse_yaml("a: 1\nb:\n  c: 2\n  d: 3\n  c: 4\n", "f.yaml")
    assert raised.value.problem.message == "duplicate key 'c' (first defined on line 3)"
    assert raised.value.problem.line == 5


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
