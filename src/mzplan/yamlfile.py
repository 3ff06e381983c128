"""Read YAML strictly, remembering where every value stands.

PyYAML implements YAML 1.1, whose implicit typing surprises people: ``NO``
and ``on`` become booleans, ``010`` an octal 8, ``1_000`` the number 1000 and
``2021-07-13`` a date, and a duplicate key silently replaces the first. This
loader resolves plain scalars by the YAML 1.2 core schema instead (only
``true``/``false`` are booleans, only plain decimals are numbers, dates stay
text), rejects duplicate keys, merge keys and non-standard tags, and finds
the line and column of every key and value, when a later validation error
needs to point at its source line.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import IO, Any, ClassVar

import yaml

from mzplan.problems import Path, Positions, Problem

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreSchemaLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose implicit types follow the YAML 1.2 core schema."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        """Return the tag of a node: PyYAML's rule without path resolvers, which we never use.

        Called once per node; the general version's bookkeeping is most of its cost.
        """
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"


_CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}


@dataclasses.dataclass(frozen=True)
class SourceMap:
    """Where each value and key of a parsed YAML file stands (1-based line and column).

    Found only when asked for (a problem to place): the source is composed again
    then. Recording every position as the file was read took a fifth of the
    reading, and most of its memory (70 MB for the 3.7 MB of target files of a city
    with 232 places), for files that nearly always hold no problem.
    """

    source: str | bytes = dataclasses.field(repr=False)
    """The YAML text, as it was parsed."""

    @property
    def values(self) -> Positions:
        """Where each value stands, by its path: ``("targets", 0, "target", "value")``."""
        return self._positions[0]

    @property
    def keys(self) -> Positions:
        """Where each mapping key stands, by the path of its value."""
        return self._positions[1]

    @functools.cached_property
    def _positions(self) -> tuple[Positions, Positions]:
        loader = _CoreSchemaLoader(self.source)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        values: dict[Path, tuple[int, int]] = {}
        keys: dict[Path, tuple[int, int]] = {}
        if node is not None:
            _locate(node, (), values, keys)
        return values, keys


@dataclasses.dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, and where each value and key stands."""

    name: str
    data: Any
    source_map: SourceMap


def _locate(
    node: yaml.Node,
    path: Path,
    values: dict[Path, tuple[int, int]],
    keys: dict[Path, tuple[int, int]],
) -> None:
    """Record where ``node`` and everything under it stand, by path.

    Only for a document that parsed: each key is then text, its scalar's own value.
    """
    values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            keys[(*path, key_node.value)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            _locate(value_node, (*path, key_node.value), values, keys)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _locate(item, (*path, index), values, keys)


class YamlError(Exception):
    """A YAML file cannot be turned into data; carries the located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def parse_yaml(stream: IO[str] | IO[bytes] | str | bytes, name: str) -> YamlDocument:
    """Parse one YAML document strictly; raise :class:`YamlError` where it cannot.

    ``name`` is used only in messages. An empty document gives ``None``.
    """
    source = stream if isinstance(stream, str | bytes) else stream.read()
    loader = _CoreSchemaLoader(source)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(str(p) for p in (error.context, error.problem) if p)
        # libyaml says only "cannot start any token" for most tabs.
        tab = "tab" in message or "cannot start any token" in message
        hint = "indent with spaces, not tabs" if tab else None
        if hint is None and mark is not None:
            text = source if isinstance(source, str) else source.decode("utf-8-sig", "replace")
            hint = _flow_value_hint(text, mark.line)
        raise YamlError(
            Problem(
                file=name,
                line=mark.line + 1 if mark else 0,
                column=mark.column + 1 if mark else 0,
                code="yaml-syntax",
                message=f"YAML syntax error: {message}",
                hint=hint,
            )
        ) from error
    except yaml.YAMLError as error:
        raise YamlError(
            Problem(file=name, code="yaml-syntax", message=f"YAML error: {error}")
        ) from error
    finally:
        loader.dispose()
    data = _Walker(name).convert(node) if node is not None else None
    return YamlDocument(name=name, data=data, source_map=SourceMap(source))


_FLOW_VALUE = re.compile(r"^\s*(?:-\s+)?([^\s:#][^:#]*):\s+(\{[^:]*\}.*?)\s*$")
"""``key: {a} / 2``: a value starting with ``{`` that is not a mapping (a formula)."""


def _flow_value_hint(text: str, line: int) -> str | None:
    """Return a hint for a syntax error on a line whose plain value starts with ``{``."""
    lines = text.splitlines()
    found = _FLOW_VALUE.match(lines[line]) if 0 <= line < len(lines) else None
    if found is None:
        return None
    key, value = found.groups()
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'a value that starts with "{{" must be quoted: {key}: "{quoted}"'


class _Walker:
    """Turn a composed node tree into Python data, checking its tags and keys."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, node: yaml.Node, code: str, message: str, hint: str | None = None) -> YamlError:
        return YamlError(
            Problem(
                file=self.name,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                code=code,
                message=message,
                hint=hint,
            )
        )

    def convert(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, "yaml-tag", f"unsupported YAML tag {node.tag!r}")
            return self.convert_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, "yaml-tag", f"unsupported YAML tag {node.tag!r}")
            return [self.convert(item) for item in node.value]
        return self.convert_scalar(node)

    def convert_mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                key_node.value == "<<" and not key_node.style
            ):
                raise self.fail(key_node, "yaml-merge-key", "merge keys (<<) are not supported")
            key = self.convert_scalar(key_node)
            if not isinstance(key, str):
                raise self.fail(
                    key_node,
                    "yaml-key-type",
                    f"mapping key {key_node.value!r} is not text",
                    hint=f'quote it: "{key_node.value}"',
                )
            if key in result:
                first = next(other for other, _ in node.value if other.value == key)
                raise self.fail(
                    key_node,
                    "yaml-duplicate-key",
                    f"duplicate key {key!r} (first defined on line {first.start_mark.line + 1})",
                    hint="remove one of them",
                )
            result[key] = self.convert(value_node)
        return result

    def convert_scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, "yaml-key-type", "a mapping key must be a plain value")
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, "yaml-tag", f"unsupported YAML tag {node.tag!r}")
        value: str = node.value
        if node.tag == "tag:yaml.org,2002:str":
            return value
        if node.tag == "tag:yaml.org,2002:null":
            return None
        if node.tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        if node.tag == "tag:yaml.org,2002:int":
            try:
                return int(value, 10)
            except ValueError as error:
                raise self.fail(node, "yaml-number", f"{value!r} is not an integer") from error
        try:
            return float(value)
        except ValueError as error:
            raise self.fail(node, "yaml-number", f"{value!r} is not a number") from error
