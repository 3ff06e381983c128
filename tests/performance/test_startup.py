"""Start-up: --version and --help import neither pydantic, nor yaml, nor rich (issue 6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mzplan import __version__
from mzplan.help_text import TOP_LEVEL_HELP
from mzplan.launch import render_top_level_help

HEAVY = ("pydantic", "yaml", "rich", "mzplan.models", "mzplan.loading")

# Run mzplan as `python -m mzplan` would, then print the imported modules on exit.
WRAPPER = """
import atexit, json, runpy, sys
atexit.register(lambda: sys.__stderr__.write("MODULES=" + json.dumps(sorted(sys.modules)) + "\\n"))
sys.argv = ["mzplan", *sys.argv[1:]]
runpy.run_module("mzplan", run_name="__main__", alter_sys=True)
"""


def _run(*arguments: str, columns: int = 100) -> tuple[str, list[str]]:
    environment = {**os.environ, "COLUMNS": str(columns)}
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("MODULES="))
    return result.stdout, json.loads(line.removeprefix("MODULES="))


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_leave_the_libraries_out(option: str) -> None:
    _, modules = _run(option)
    loaded = [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]
    assert loaded == []


def test_version_prints_the_version() -> None:
    output, _ = _run("--version")
    assert output == f"mzplan {__version__}\n"


def test_help_is_typers_own() -> None:
    """The snapshot printed by --help must match the application's (regenerate: help_text.py)."""
    assert render_top_level_help() == TOP_LEVEL_HELP
    output, _ = _run("--help")
    assert output == TOP_LEVEL_HELP


def test_a_narrow_terminal_gets_typers_rendering() -> None:
    output, modules = _run("--help", columns=60)
    assert "typer" in modules
    assert output.startswith("Usage: mzplan")
