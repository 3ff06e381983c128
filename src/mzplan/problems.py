"""Problems found in data: located, coded records collected into a report.

A problem is data, not an exception: loading and checking collect every
problem they find, and the CLI renders the sorted report once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Literal

Severity = Literal["error", "warning"]
Path = tuple[str | int, ...]
"""A field path inside a file: mapping keys and list indexes from the root."""


@dataclasses.dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place: ``file:line:column``, a field path and a stable code.

    ``line`` and ``column`` are 1-based; 0 means the place is the whole file.
    """

    file: str
    line: int = 0
    column: int = 0
    field: str = ""
    code: str = dataclasses.field(default="", compare=True)
    message: str = ""
    hint: str | None = None
    severity: Severity = "error"

    def to_dict(self) -> dict[str, object]:
        """Return the problem as the documented JSON object."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Finding:
    """A problem before it is placed: a file and a field path, no line yet.

    Checks that work on validated models know where a value came from (its
    file and field path) but not its line; :func:`place` adds the line.
    """

    file: str
    path: Path
    code: str
    message: str
    hint: str | None = None
    severity: Severity = "error"
    at_key: bool = False


def format_path(path: Path) -> str:
    """Return a field path as users write it: ``targets[3].target.value``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


Positions = Mapping[Path, tuple[int, int]]


def place(finding: Finding, values: Positions, keys: Positions) -> Problem:
    """Locate a finding at the nearest node of its path that exists in the file.

    ``values`` maps a path to the 1-based (line, column) of its value, ``keys``
    to that of its mapping key. A path that does not exist (a missing field)
    falls back to its nearest ancestor.
    """
    path = finding.path
    position: tuple[int, int] | None = None
    if finding.at_key:
        position = keys.get(path)
    while position is None and path:
        position = values.get(path)
        if position is None:
            path = path[:-1]
    line, column = position if position is not None else values.get((), (0, 0))
    return Problem(
        file=finding.file,
        line=line,
        column=column,
        field=format_path(finding.path),
        code=finding.code,
        message=finding.message,
        hint=finding.hint,
        severity=finding.severity,
    )


@dataclasses.dataclass(frozen=True)
class Report:
    """All problems found, sorted by place."""

    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> Report:
        """Build a report with the problems sorted and duplicates removed."""
        return cls(tuple(sorted(set(problems))))

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Return the problems of severity ``error``."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def valid(self) -> bool:
        """Return whether the data has no errors (warnings are allowed)."""
        return not self.errors

    def merge(self, other: Report) -> Report:
        """Return a report holding the problems of both."""
        return Report.of(self.problems + other.problems)
