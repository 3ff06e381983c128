"""The entry point: answer ``--version`` and ``--help`` before importing the command line.

Start-up time is a goal (issue 6): the typer application, its commands and their
annotations cost more than the interpreter itself, and ``mzplan --version`` needs
none of it. ``mzplan --help`` prints :data:`mzplan.help_text.TOP_LEVEL_HELP`, a
snapshot of typer's own rendering at 80 columns or more; a test fails when the
snapshot drifts from the application (``tests/performance/test_startup.py`` says how to
regenerate it). The read-only commands of :data:`KEPT_COMMANDS` go through the output
cache (:mod:`mzplan.output_cache`), which answers a repeated invocation on unchanged
data without the command line. Every other invocation goes to :func:`mzplan.cli.main`.
When the command is done, :func:`leave` ends the process without Python's teardown.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

from mzplan import __version__

if TYPE_CHECKING:
    from mzplan.output_cache import DataDirs

HELP_WIDTH = 80
"""click wraps help at ``min(terminal columns, 80) - 2``: from 80 columns on it is the same."""
KEPT_COMMANDS = frozenset({"status", "show", "list", "validate"})
"""Commands that only read the data and print: their output is a function of what the
output cache keys it by. Not ``report``, ``import``, ``init`` or ``schema``, which write files."""


def main() -> None:
    """Run mzplan: the fast answers, or the whole command line; then exit at once."""
    try:
        _run(sys.argv[1:])
    except SystemExit as exit_:
        if exit_.code is not None and not isinstance(exit_.code, int):
            raise  # a message to exit with: Python prints it
        leave(exit_.code or 0)
    leave(0)


def _run(arguments: list[str]) -> None:
    if arguments == ["--version"]:
        sys.stdout.write(f"mzplan {__version__}\n")
        return
    if arguments == ["--help"] and _terminal_columns() >= HELP_WIDTH:
        from mzplan.help_text import TOP_LEVEL_HELP

        sys.stdout.write(TOP_LEVEL_HELP)
        return
    if arguments and arguments[0] in KEPT_COMMANDS:
        from mzplan import output_cache

        sys.exit(output_cache.run(arguments, _command_line, _loaded))
    _command_line()


def leave(code: int) -> NoReturn:
    """End the process with ``code`` once the command is done, without freeing its heap.

    Python's own exit frees every object one by one: after a city-scale ``import``
    or ``status`` that is hundreds of thousands of them, and Arrow's memory pools,
    40-70 ms that the system does at once when the process ends. So, as mypy does
    (``mypy.util.hard_exit``), what Python's exit does that matters is done here
    (the :mod:`atexit` handlers, flushing stdout and stderr) and the process ends
    without the rest. Every thread mzplan starts has ended by then (its pools are
    joined where they are used); Arrow's idle workers end with the process. No
    finalizer runs: a file must be closed (a ``with`` block) before its command
    returns, as every file mzplan writes is.
    """
    import atexit
    import contextlib  # already loaded by typing
    import os

    atexit._run_exitfuncs()
    try:
        if sys.stdout is not None:  # None when the process was started without one
            sys.stdout.flush()
    except BrokenPipeError:  # its reader has gone (| head): as the commands do
        discard_stdout()
        code = code or 1
    except (OSError, ValueError):
        code = code or 120  # as Python exits when it cannot flush stdout
    with contextlib.suppress(OSError, ValueError, AttributeError):  # nowhere left to say it
        sys.stderr.flush()
    os._exit(code)


def discard_stdout() -> None:
    """Send what is left for stdout to the null device: its reader has gone (``| head``).

    Python flushes stdout on exit; without this, that flush fails again and prints a
    traceback. The caller then exits 1, as Python itself does on a broken pipe.
    """
    import os

    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


def _command_line(note_loads: bool = False) -> None:
    from mzplan.cli import main as run
    from mzplan.cli.app import State

    State.note_loads = note_loads
    run()


def _loaded() -> DataDirs:
    from mzplan.cli.app import State

    return State.loaded


def _terminal_columns() -> int:
    import shutil

    return shutil.get_terminal_size().columns


def render_top_level_help() -> str:
    """Return typer's rendering of ``mzplan --help`` at :data:`HELP_WIDTH` columns."""
    import contextlib
    import io
    import os

    from mzplan.cli import app

    buffer = io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(HELP_WIDTH)
    try:
        with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
            app(["--help"], prog_name="mzplan")
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return buffer.getvalue()


def write_help_snapshot() -> None:
    """Regenerate ``src/mzplan/help_text.py`` from the application."""
    from pathlib import Path

    text = render_top_level_help()
    Path(__file__).with_name("help_text.py").write_text(
        '"""The top-level ``mzplan --help``, as typer renders it at 80 columns or more.\n\n'
        "Generated; do not edit. Regenerate with\n"
        '``python -c "from mzplan.launch import write_help_snapshot; write_help_snapshot()"``.\n'
        '"""\n\n'
        "TOP_LEVEL_HELP = (\n"
        + "".join(f"    {line!r}\n" for line in text.splitlines(keepends=True))
        + ")\n",
        encoding="utf-8",
    )
