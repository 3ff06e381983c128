"""Exceptions that end a command, and the exit codes they map to."""

from __future__ import annotations

import enum

from mzplan.problems import Report


class ExitCode(enum.IntEnum):
    """The process exit codes of every command."""

    OK = 0
    DATA = 1
    """The data is invalid, or a check (``--fail-on``) failed."""
    USAGE = 2
    """Bad arguments, or an internal error."""


class MzplanError(Exception):
    """An error a user can fix; its message is shown on one line."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(MzplanError):
    """The command was called wrongly: an unknown id, a bad option value."""


class DataError(MzplanError):
    """The data cannot be used; the report says why."""

    exit_code = ExitCode.DATA

    def __init__(self, report: Report) -> None:
        count = len(report.errors)
        super().__init__(
            f"the data has {count} problem{'s' if count != 1 else ''}",
            hint="run 'mzplan validate' for the list",
        )
        self.report = report
