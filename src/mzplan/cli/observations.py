"""Commands over observed values: import."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from mzplan.cli.app import DataDirOption, command, print_data, working_directory
from mzplan.errors import ExitCode

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from mzplan.bulk_import import BulkImport
    from mzplan.importing import ImportOptions, SkippedRow
    from mzplan.merging import Change, Merge
    from mzplan.problems import Problem
    from mzplan.repository import Repository

PROGRESS_MIN_BYTES = 8 << 20
"""Files smaller than this import too fast for a progress bar to help."""
MAX_WARNINGS = 20
BULK_MIN_BYTES = 1 << 20
"""Files smaller than this (together) are imported the usual way: loading pyarrow (0.05 s)
would take longer than the bulk import saves."""
"""New warnings shown after an import; validate lists them all."""


class ConflictOption(enum.Enum):
    """What to do when an imported value differs from the stored one of the same source."""

    error = "error"
    replace = "replace"
    keep = "keep"


class SummaryFormat(enum.StrEnum):
    """Output formats of the import summary."""

    text = "text"
    json = "json"


@command("import")
def import_(
    files: Annotated[
        list[str],
        typer.Argument(help="CSV or .xlsx files to import; '-' reads standard input."),
    ],
    data_dir: DataDirOption = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="COLUMN=FIELD: read a column as indicator, jurisdiction, period, value, unit, "
            "source, note or preferred; COLUMN=- ignores it. Repeatable.",
        ),
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option(
            "--alias",
            help="NAME=ID: read an indicator or jurisdiction name as that id; NAME=- leaves "
            "its rows out. Repeatable.",
        ),
    ] = None,
    constant: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="FIELD=VALUE: use VALUE where the file has no such column or the cell is "
            "empty (e.g. --set source='2023年统计公报'). Repeatable.",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Encoding of the files (default: detect UTF-8/GB18030)."),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option("--delimiter", help="Delimiter: ',', ';', 'tab' or '|' (default: detect)."),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="Worksheet read from .xlsx workbooks (default: the first)."),
    ] = None,
    on_conflict: Annotated[
        ConflictOption,
        typer.Option(
            "--on-conflict", help="A different value for the same source: error, replace, keep."
        ),
    ] = ConflictOption.error,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    output_format: Annotated[
        SummaryFormat, typer.Option("--format", help="Summary as text or json.")
    ] = SummaryFormat.text,
) -> None:
    """Import observed values from CSV files, all or nothing.

    Headers may be English or Chinese (指标, 地区, 时期/年份, 数值, 单位, 来源, 备注); a
    row per value, or a row per indicator with one column per year. Values such
    as 1,234, 17.8万 or 60% are read as numbers. Any bad row: nothing is
    written, every bad row is listed as file:line: column: message, exit 1.
    Also reads .xlsx workbooks (the first worksheet, or --sheet NAME; the line
    is then the sheet's row), with pip install 'mzplan[xlsx]'. With pip install
    'mzplan[fast]', a large clean CSV file is imported in bulk, several times faster.

    Example: mzplan import 2023.csv --map 指标名称=indicator --set source='2023年统计公报'
    """
    import os

    from mzplan.datadir import locate_data_dir
    from mzplan.errors import DataError, MzplanError, UsageError
    from mzplan.importing import FIELDS, IGNORE, ImportOptions, normalise
    from mzplan.loading import OBSERVATIONS_DIR, load_repository
    from mzplan.observation_store import lock_observations

    options = ImportOptions(
        columns={
            normalise(k): v
            for k, v in _pairs(column_map, "--map", "COLUMN=FIELD", {*FIELDS, IGNORE}).items()
        },
        aliases={normalise(k): v for k, v in _pairs(alias, "--alias", "NAME=ID").items()},
        defaults=_pairs(constant, "--set", "FIELD=VALUE", set(FIELDS), keys=True),
        encoding=encoding,
        delimiter=_delimiter(delimiter),
        sheet=sheet,
    )
    directory = locate_data_dir(data_dir, os.environ, working_directory())
    if not directory.is_dir():
        raise UsageError(f"data directory {str(directory)!r} does not exist")
    for name in files:
        if name != "-" and not Path(name).is_file():
            raise UsageError(f"no such file: {name}")
    observations_dir = directory / OBSERVATIONS_DIR
    import filelock

    try:
        with lock_observations(observations_dir):
            # Targets are not loaded: the import writes only observations and no check of
            # them looks at a target, so a broken target file is left to 'mzplan validate'.
            loaded = load_repository(directory, targets=False)
            if not loaded.report.valid:
                raise DataError(loaded.report)
            repository = loaded.repository
            bulk = None if dry_run else _bulk_import(files, repository, options)
            if bulk is None:
                merge, skipped = _import_rows(files, repository, options, on_conflict, dry_run)
                written = [] if dry_run else _write(merge.touched, _merged_parts(merge), directory)
                counts = {str(kind): count for kind, count in merge.counts.items()}
                changes = merge.changes or []
            else:
                written = _write(bulk.files, bulk.parts, directory)
                counts = {"added": bulk.added, "changed": 0, "unchanged": 0, "kept": 0}
                changes, skipped = [], []
    except filelock.Timeout as error:
        raise MzplanError(
            "another import holds the lock on the observations",
            hint=f"wait for it, or remove {error.lock_file} if no import is running",
        ) from None
    if skipped:
        names = sorted({s.name for s in skipped})
        typer.echo(f"left out {len(skipped)} row(s) by --alias: {', '.join(names)}", err=True)
    _summarise(
        counts, changes, files, written, len(skipped), dry_run=dry_run, as_json=output_format.value
    )


def _bulk_import(
    files: list[str], repository: Repository, options: ImportOptions
) -> BulkImport | None:
    """Plan the import of the files in bulk (with pyarrow) if they are fit for it; else None."""
    import importlib.util

    if "-" in files:
        return None
    try:
        if sum(Path(name).stat().st_size for name in files) < BULK_MIN_BYTES:
            return None
    except OSError:
        return None  # the usual import says what is wrong
    if importlib.util.find_spec("pyarrow") is None:
        return None
    import pyarrow

    from mzplan.bulk_import import plan_bulk_import

    # Measured: Arrow's default allocator (mimalloc) hands freed pages back to the system
    # at once and takes them again for the next batch, a quarter of the import's time;
    # jemalloc does not, and leaves the least memory held (glibc's malloc holds the most).
    try:
        pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())
    except NotImplementedError:  # a pyarrow built without it
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())

    def sources() -> Iterator[tuple[str, bytes]]:
        # Read as the import asks for them: no file is kept once it has been read.
        for name in files:
            yield name, Path(name).read_bytes()

    try:
        return plan_bulk_import(sources(), repository, options)
    except OSError:
        return None  # the usual import says what is wrong


def _import_rows(
    files: list[str],
    repository: Repository,
    options: ImportOptions,
    on_conflict: ConflictOption,
    dry_run: bool,
) -> tuple[Merge, list[SkippedRow]]:
    """Merge the files' rows into the stored ones; exit 1 listing every problem, if any."""
    from mzplan.merging import Merge

    problems: list[Problem] = []
    skipped: list[SkippedRow] = []
    merge = Merge(repository.observations, on_conflict=on_conflict.value, keep_changes=dry_run)
    _collect(files, repository, options, merge, problems, skipped)
    merge.finish()
    problems.extend(merge.problems)
    if not problems and merge.touched:
        # The stored data was valid, so every error now comes from the import.
        errors, warnings = merge.check(repository)
        problems.extend(errors)
        for warning in warnings[:MAX_WARNINGS]:
            typer.echo(f"warning: {_format(warning)}", err=True)
        if len(warnings) > MAX_WARNINGS:
            more = len(warnings) - MAX_WARNINGS
            typer.echo(f"warning: … and {more} more; see 'mzplan validate'", err=True)
    if problems:
        for problem in sorted(problems, key=lambda p: (p.file, p.line, p.field)):
            typer.echo(_format(problem), err=True)
        typer.echo(
            f"mzplan: error: {len(problems)} problem(s) in the input; nothing written", err=True
        )
        raise typer.Exit(ExitCode.DATA)
    return merge, skipped


def _pairs(
    texts: list[str] | None,
    option: str,
    shape: str,
    allowed: set[str] | None = None,
    *,
    keys: bool = False,
) -> dict[str, str]:
    from mzplan.errors import UsageError

    pairs: dict[str, str] = {}
    for text in texts or []:
        left, equals, right = text.rpartition("=") if not keys else text.partition("=")
        left, right = left.strip(), right.strip()
        if not equals or not left or (not right and not keys):
            raise UsageError(f"{option} {text!r} is not {shape}")
        checked = left if keys else right
        if allowed is not None and checked not in allowed:
            raise UsageError(
                f"{option} {text!r}: {checked!r} is not a field",
                hint=f"fields: {', '.join(sorted(allowed))}",
            )
        pairs[left] = right
    return pairs


def _delimiter(text: str | None) -> str | None:
    from mzplan.errors import UsageError

    if text is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    chosen = named.get(text.lower(), text)
    if chosen not in {",", ";", "\t", "|"}:
        raise UsageError(f"--delimiter {text!r} is not one of ',', ';', 'tab', '|'")
    return chosen


def _collect(
    files: list[str],
    repository: Repository,
    options: ImportOptions,
    merge: Merge,
    problems: list[Problem],
    skipped: list[SkippedRow],
) -> None:
    """Merge the rows of every file, putting problems and skips aside."""
    from mzplan.importing import SkippedRow
    from mzplan.streaming import import_stream

    def report(item: SkippedRow | Problem) -> None:
        if isinstance(item, SkippedRow):
            skipped.append(item)
        else:
            problems.append(item)

    for name in files:
        with _open(name) as stream:
            import_stream(stream, name, repository, options, merge, report)


class _open:  # noqa: N801 - used like open()
    """Open a file or standard input as a binary stream, with a progress bar on a TTY."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> BinaryIO:
        import contextlib
        import sys

        self.exits = contextlib.ExitStack()
        if self.name == "-":
            return sys.stdin.buffer
        stream: BinaryIO = self.exits.enter_context(Path(self.name).open("rb"))
        size = Path(self.name).stat().st_size
        if sys.stderr.isatty() and size >= PROGRESS_MIN_BYTES:
            from rich.progress import wrap_file

            from mzplan.render.output import stderr_console

            stream = self.exits.enter_context(
                wrap_file(
                    stream,
                    size,
                    description=Path(self.name).name,
                    console=stderr_console(),
                    transient=True,
                )
            )
        return stream

    def __exit__(self, *exc: object) -> None:
        self.exits.close()


def _format(problem: Problem) -> str:
    place = f"{problem.file}:{problem.line}" if problem.line else problem.file
    field = f" {problem.field}:" if problem.field else ""
    hint = f" ({problem.hint})" if problem.hint else ""
    return f"{place}:{field} {problem.message}{hint}"


def _merged_parts(merge: Merge) -> Callable[[str], Iterator[bytes]]:
    """Return what renders a merged indicator's file, a batch of lines at a time."""
    from mzplan.observation_store import render_column_parts

    def parts(indicator: str) -> Iterator[bytes]:
        # Rendered only as it is written: one file's batch of lines in memory at a time.
        yield from render_column_parts(merge.columns(indicator))

    return parts


def _write(
    indicators: Iterable[str], parts: Callable[[str], Iterator[bytes]], data_dir: Path
) -> list[str]:
    """Write the files of the indicators, all or nothing; return those replaced."""
    from mzplan.errors import MzplanError
    from mzplan.loading import OBSERVATIONS_DIR
    from mzplan.observation_store import observation_file_name
    from mzplan.writing import write_files_atomically

    directory = data_dir / OBSERVATIONS_DIR
    contents = {
        directory / observation_file_name(indicator): parts(indicator)
        for indicator in sorted(indicators)
    }
    try:
        written = write_files_atomically(contents)
    except OSError as error:
        raise MzplanError(
            f"could not write the observations: {error}",
            hint="each file holds either its old or its new rows; run the import again",
        ) from None
    return [str(path) for path in written]


def _summarise(
    counts: Mapping[str, int],
    changes: Sequence[Change],
    files: list[str],
    written: list[str],
    skipped: int,
    *,
    dry_run: bool,
    as_json: str,
) -> None:
    import json

    from mzplan.numbers import format_number

    shown = [c for c in changes if c.kind in {"added", "changed"}] if dry_run else []
    if as_json == "json":
        summary: dict[str, object] = {
            "files": files,
            **counts,
            "skipped": skipped,
            "dry_run": dry_run,
            "written": written,
        }
        if dry_run:
            summary["rows"] = [
                {
                    "change": c.kind,
                    "indicator": c.new.indicator,
                    "jurisdiction": c.new.jurisdiction,
                    "period": c.new.period,
                    "value": c.new.value,
                    "old_value": c.old.value if c.old else None,
                    "unit": c.new.unit,
                    "source": c.new.source,
                }
                for c in shown
            ]
        print_data(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    for change in shown:
        old = f" (was {format_number(change.old.value)})" if change.old else ""
        new = change.new
        print_data(
            f"{change.kind:<8} {new.indicator} {new.jurisdiction} {new.period} "
            f"{format_number(new.value)} {new.unit}{old} [{new.source}]"
        )
    verb = "would import" if dry_run else "imported"
    tail = "; wrote nothing (dry run)" if dry_run else f"; wrote {len(written)} file(s)"
    print_data(
        f"{verb} {len(files)} file(s): {counts['added']} added, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged, {counts['kept']} kept, {skipped} left out{tail}"
    )
