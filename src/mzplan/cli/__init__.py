"""The command line: parse arguments, call the library, render, set the exit code."""

from __future__ import annotations

from mzplan.cli import catalog as catalog
from mzplan.cli import observations as observations
from mzplan.cli import report as report
from mzplan.cli import status as status
from mzplan.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the command line."""
    app(prog_name="mzplan")
