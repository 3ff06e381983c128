"""The consoles: data to stdout, diagnostics to stderr. The only owner of rich consoles."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def stdout_console(*, width: int | None = None) -> Console:
    """Return a console on the current stdout; colour only on a terminal without NO_COLOR."""
    return Console(
        file=sys.stdout,
        width=width,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
    )


def stderr_console() -> Console:
    """Return a console on the current stderr."""
    return Console(file=sys.stderr, no_color=bool(os.environ.get("NO_COLOR")), highlight=False)
