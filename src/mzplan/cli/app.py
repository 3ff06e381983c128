"""The typer application, its shared options, and the one place errors become exit codes.

Only the ``cli`` package imports typer. Commands import the library inside
their bodies, so ``mzplan --version`` and ``--help`` do not pay for pydantic.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from mzplan import __version__
from mzplan.errors import ExitCode, MzplanError

if TYPE_CHECKING:
    from mzplan.labels import Language as LanguageCode
    from mzplan.repository import Loaded, Repository


def _report(error: MzplanError) -> None:
    message = f"mzplan: error: {error.message}"
    if error.hint:
        message += f" ({error.hint})"
    typer.echo(message, err=True)
    report = getattr(error, "report", None)
    if report is not None:
        from mzplan.render.problems import format_problem

        for problem in report.errors[:5]:
            typer.echo("  " + format_problem(problem), err=True)


app = typer.Typer(
    name="mzplan",
    help="Track the quantitative indicators of civil-affairs (民政) development plans.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


F = TypeVar("F", bound=Callable[..., Any])


def command(name: str | None = None) -> Callable[[F], F]:
    """Register a command; the one place where errors become messages and exit codes."""

    def register(function: F) -> F:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                with _without_cyclic_gc():
                    return function(*args, **kwargs)
            except (typer.Exit, typer.Abort):
                raise
            except BrokenPipeError:
                from mzplan.launch import discard_stdout

                discard_stdout()
                raise typer.Exit(1) from None
            except MzplanError as error:
                if State.debug:
                    raise
                _report(error)
                raise typer.Exit(error.exit_code) from None
            except Exception as error:
                if State.debug:
                    raise
                typer.echo(
                    f"mzplan: internal error: {type(error).__name__}: {error} "
                    "(run 'mzplan --debug ...' for the traceback)",
                    err=True,
                )
                raise typer.Exit(ExitCode.USAGE) from None

        app.command(name)(run)
        return function

    return register


@contextlib.contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a command runs.

    A command is one short process that builds hundreds of thousands of objects
    (observations, targets, tracked points, imported rows) and almost no reference
    cycles. CPython 3.11 walks every live object again each time the heap grows by
    a quarter: at city scale that was 40 % of loading and half of judging. The
    objects made meanwhile then join the oldest generation untouched (freeze,
    unfreeze); otherwise the first collection afterwards would walk them all.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
            gc.unfreeze()


class State:
    """What the run has learnt: whether to show tracebacks, and which data it loaded."""

    debug = False
    note_loads = False
    """Whether to note each load in :attr:`loaded` (the output cache is recording the run)."""
    loaded: list[tuple[Path | None, Path, bytes]] = []  # noqa: RUF012 - one run, one process
    """Each data directory loaded: the ``--data-dir`` given, the one chosen, its files' digest."""


class ProblemFormat(enum.StrEnum):
    """Output formats of ``validate``."""

    text = "text"
    json = "json"
    github = "github"


class ListFormat(enum.StrEnum):
    """Output formats of ``list``."""

    table = "table"
    json = "json"
    csv = "csv"


class Language(enum.StrEnum):
    """Languages of names and labels."""

    zh = "zh"
    en = "en"

    @property
    def code(self) -> LanguageCode:
        """Return the language as the library names it."""
        return "zh" if self is Language.zh else "en"


class ListKind(enum.StrEnum):
    """What ``list`` lists."""

    indicators = "indicators"
    targets = "targets"
    plans = "plans"
    jurisdictions = "jurisdictions"


class TargetTypeOption(enum.StrEnum):
    """Target types for ``--type``."""

    binding = "binding"
    expected = "expected"


class SchemaName(enum.StrEnum):
    """Data files that have a JSON Schema."""

    sources = "sources"
    indicators = "indicators"
    jurisdictions = "jurisdictions"
    plans = "plans"
    targets = "targets"


DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Data repository to read (default: $MZPLAN_DATA, ./data, or the bundled data).",
        file_okay=False,
        show_default=False,
    ),
]
JurisdictionOption = Annotated[
    list[str] | None,
    typer.Option("--jurisdiction", "-j", help="Id or Chinese name; repeatable; 'all'."),
]
PlanOption = Annotated[list[str] | None, typer.Option("--plan", "-p", help="Plan id; repeatable.")]
DomainOption = Annotated[list[str] | None, typer.Option("--domain", help="Domain id; repeatable.")]
TypeOption = Annotated[
    TargetTypeOption | None, typer.Option("--type", help="binding (约束性) or expected (预期性).")
]
LanguageOption = Annotated[Language, typer.Option("--lang", help="Language of names and labels.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mzplan {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback when something goes wrong.")
    ] = False,
) -> None:
    """Track the quantitative indicators of civil-affairs (民政) development plans.

    Example: mzplan status -j chongming
    """
    State.debug = debug or bool(os.environ.get("MZPLAN_DEBUG"))


def working_directory() -> Path:
    """Return the working directory; a usage error if it has been removed meanwhile."""
    try:
        return Path.cwd()
    except FileNotFoundError:
        from mzplan.errors import UsageError

        raise UsageError(
            "the working directory no longer exists",
            hint="cd to a folder that exists and run the command again",
        ) from None


def load(data_dir: Path | None) -> Loaded:
    """Load the data repository ``--data-dir`` names (or the default one), from the cache if valid.

    While the output cache (:mod:`mzplan.output_cache`) records the run, which
    directory and the digest of the files read are noted in :attr:`State.loaded`:
    it keys the kept output by them. (Hashing the files is not free at national scale.)
    """
    from mzplan.cache import load_cached
    from mzplan.datadir import locate_data_dir
    from mzplan.datafiles import read_data_files

    directory = locate_data_dir(data_dir, os.environ, working_directory())
    if not directory.is_dir():
        from mzplan.errors import UsageError

        raise UsageError(f"data directory {str(directory)!r} does not exist")
    files = read_data_files(directory)
    if State.note_loads:
        State.loaded.append((data_dir, directory, files.digest))
    return load_cached(directory, files=files)


def load_valid(data_dir: Path | None) -> Repository:
    from mzplan.errors import DataError

    loaded = load(data_dir)
    if not loaded.report.valid:
        raise DataError(loaded.report)
    return loaded.repository


def print_data(text: str) -> None:
    """Write data to stdout, ending with a newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def print_lines(lines: Iterable[str]) -> None:
    """Write data to stdout as it is made, for output too large to build first."""
    sys.stdout.writelines(lines)
