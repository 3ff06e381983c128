"""What a read-only command printed, printed again while nothing that decides it has changed.

A planner runs ``mzplan status`` dozens of times a day on the same data, and
start-up is a goal (issue 6): importing typer, pydantic and rich and laying out
the table cost many times the answer. What a command that only reads the data
and prints (:data:`mzplan.launch.KEPT_COMMANDS`: ``status``, ``show``, ``list``,
``validate``) prints is a function of mzplan's code and of the interpreter and
libraries it runs on, the arguments, the working directory, the environment, the
terminal (whether each standard stream is one, and its size), today's date and
the bytes of the data files. :func:`run` prints a kept output again, without
importing the command line, only when every one of them is as it was; anything
else is a miss, and the command runs and its output is kept for next time.

Kept: the bytes written to stdout and the exit code, of a run that loaded one
data directory, wrote nothing to stderr, exited 0 or 1 and printed at most
:data:`LIMIT` bytes. An entry is plain data (not a pickle) in the cache directory
of :mod:`mzplan.cache`, checked to be private before it is read, written
atomically, one per invocation (arguments, directory, environment, terminal),
replaced when the date or the data change. ``MZPLAN_NO_CACHE=1`` turns it off, with the
parsed-data cache; ``MZPLAN_NO_CACHE=output`` turns off this one alone.

Kept free of heavy imports: the launcher imports it before anything else.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import io
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from mzplan import __version__

LIMIT = 256 * 1024
"""Bytes of output kept at most: an entry per invocation, so the cache stays small."""
FORMAT = b"mzplan-output-1\n"
"""The first bytes of an entry; bump when the layout of an entry changes."""
VOLATILE = frozenset({"_", "OLDPWD"})
"""Variables a shell changes between two runs of one command line; nothing reads them."""
STREAMS = (0, 1, 2)

CommandLine = Callable[[bool], object]
"""Runs the command line; told whether to note the data directories it loads."""
DataDirs = Sequence[tuple[Path | None, Path, bytes]]
"""The data directories a run loaded: the ``--data-dir`` given (or None), the one chosen, and
the digest of its files as they were read (:attr:`mzplan.datafiles.DataFiles.digest`)."""


@dataclasses.dataclass(frozen=True)
class Invocation:
    """Everything a run's output depends on, except the date and the data files."""

    arguments: tuple[str, ...]
    cwd: str
    environment: tuple[tuple[str, str], ...]
    terminal: tuple[tuple[bool, tuple[int, int] | None], ...]
    """Whether stdin, stdout and stderr are terminals, and their sizes."""
    code: bytes
    """A digest of mzplan's source and of the interpreter and libraries it runs on."""

    def key(self) -> str:
        """Return the digest of the invocation, which names its entry."""
        import hashlib
        import json

        digest = hashlib.blake2b(self.code, digest_size=20)
        fields = [self.arguments, self.cwd, self.environment, self.terminal]
        digest.update(json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class Entry:
    """A kept output: what decided it besides the invocation, and what was printed."""

    key: str
    date: datetime.date
    option: str | None
    """The ``--data-dir`` the run was given, as typer parsed it (None without)."""
    data_dir: str
    """The data directory it chose (:func:`mzplan.datadir.locate_data_dir`)."""
    data: str
    """The digest of the data files (:attr:`mzplan.datafiles.DataFiles.digest`), in hex."""
    exit_code: int
    output: bytes

    def encode(self) -> bytes:
        """Return the entry as stored: a header line of JSON, then the output."""
        import json

        header = {
            "key": self.key,
            "date": self.date.isoformat(),
            "option": self.option,
            "data_dir": self.data_dir,
            "data": self.data,
            "exit_code": self.exit_code,
        }
        return FORMAT + json.dumps(header).encode() + b"\n" + self.output

    @classmethod
    def decode(cls, content: bytes) -> Entry | None:
        """Return the entry stored as ``content``, or None if it is not one."""
        import json

        if not content.startswith(FORMAT):
            return None
        header, _, output = content[len(FORMAT) :].partition(b"\n")
        try:
            fields = json.loads(header)
            return cls(
                key=str(fields["key"]),
                date=datetime.date.fromisoformat(fields["date"]),
                option=None if fields["option"] is None else str(fields["option"]),
                data_dir=str(fields["data_dir"]),
                data=str(fields["data"]),
                exit_code=int(fields["exit_code"]),
                output=output,
            )
        except (ValueError, KeyError, TypeError):
            return None


def invocation(
    arguments: Sequence[str],
    environment: Mapping[str, str],
    cwd: str,
    terminal: Sequence[tuple[bool, tuple[int, int] | None]],
    code: bytes,
) -> Invocation:
    """Return the invocation of ``arguments`` in this environment, directory and terminal."""
    return Invocation(
        arguments=tuple(arguments),
        cwd=cwd,
        environment=tuple(sorted((k, v) for k, v in environment.items() if k not in VOLATILE)),
        terminal=tuple(terminal),
        code=code,
    )


def code_digest() -> bytes:
    """Return a digest of mzplan's source, and of the interpreter and the libraries it imports.

    Every file of the package but its bundled data (which is hashed as data when
    it is read) counts. The libraries count through the modification times of the
    folders on ``sys.path``: installing, upgrading or removing a distribution
    adds or removes entries there.
    """
    import hashlib

    digest = hashlib.blake2b(__version__.encode(), digest_size=20)
    digest.update(f"{sys.version}\0{sys.executable}\0".encode(errors="surrogateescape"))
    for folder in sys.path:
        try:
            changed = Path(folder or ".").stat().st_mtime_ns
        except OSError:
            changed = -1
        digest.update(f"{folder}\0{changed}\0".encode(errors="surrogateescape"))
    package = Path(__file__).parent
    for path in sorted(_source_files(package)):
        digest.update(f"{path.relative_to(package)}\0".encode())
        digest.update(path.read_bytes())
    return digest.digest()


def _source_files(folder: Path) -> Iterable[Path]:
    for child in folder.iterdir():
        if child.is_dir():
            if child.name not in {"__pycache__", "data"}:
                yield from _source_files(child)
        elif child.suffix != ".pyc":
            yield child


def terminal_state() -> list[tuple[bool, tuple[int, int] | None]]:
    """Return whether stdin, stdout and stderr are terminals, and the size of each that is."""
    state: list[tuple[bool, tuple[int, int] | None]] = []
    for stream in STREAMS:
        try:
            if os.isatty(stream):
                columns, lines = os.get_terminal_size(stream)
                state.append((True, (columns, lines)))
                continue
        except OSError:
            pass
        state.append((False, None))
    return state


def entry_name(key: str) -> str:
    """Return the file name of the entry of the invocation with ``key``."""
    return f"output-{key}.bin"


def read_entry(directory: Path, key: str) -> Entry | None:
    """Return the entry kept for ``key``; None if there is none, or the directory is not private."""
    from mzplan.cache import is_private

    if not is_private(directory):
        return None
    try:
        content = (directory / entry_name(key)).read_bytes()
    except OSError:
        return None
    entry = Entry.decode(content)
    return entry if entry is not None and entry.key == key else None


def data_state(option: str | None, environment: Mapping[str, str], cwd: Path) -> tuple[str, str]:
    """Return the data directory a run given ``--data-dir option`` chooses, and its data digest."""
    from mzplan.datadir import locate_data_dir
    from mzplan.datafiles import read_data_files

    directory = locate_data_dir(None if option is None else Path(option), environment, cwd)
    if not directory.is_dir():
        return str(directory), ""
    return str(directory), read_data_files(directory).digest.hex()


def is_current(
    entry: Entry, today: datetime.date, environment: Mapping[str, str], cwd: Path
) -> bool:
    """Return whether a kept output is still the answer: same date, same data directory and data."""
    if entry.date != today:
        return False
    data_dir, data = data_state(entry.option, environment, cwd)
    return bool(data) and (data_dir, data) == (entry.data_dir, entry.data)


class _Tee(io.BufferedIOBase):
    """A binary stream that passes everything on to ``target`` and keeps a copy, up to a limit."""

    def __init__(self, target: BinaryIO, limit: int) -> None:
        super().__init__()
        self.target = target
        self.limit = limit
        self.kept: bytearray | None = bytearray()
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        chunk = bytes(data)  # type: ignore[call-overload]
        self.target.write(chunk)
        self.written += len(chunk)
        if self.kept is not None:
            if self.written > self.limit:
                self.kept = None
            else:
                self.kept += chunk
        return len(chunk)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()


def _teed(stream: io.TextIOWrapper, tee: _Tee) -> io.TextIOWrapper:
    """Return a text stream like ``stream`` that writes through ``tee``."""
    return io.TextIOWrapper(
        tee,  # type: ignore[arg-type]
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=True,
    )


def record(
    run: CommandLine, data_dirs: Callable[[], DataDirs], limit: int = LIMIT
) -> tuple[int, bytes | None, DataDirs]:
    """Run a command with stdout and stderr passed through; return its exit code and output.

    The output is None where it is not to be kept: longer than ``limit``, or
    anything written to stderr. ``data_dirs`` says, after the run, which data
    directories it loaded. A :class:`SystemExit` is caught and its code returned.
    """
    stdout, stderr = sys.stdout, sys.stderr
    if not (isinstance(stdout, io.TextIOWrapper) and isinstance(stderr, io.TextIOWrapper)):
        return _exit_code(run, note_loads=False), None, []  # streams of another kind: not kept
    out = _Tee(stdout.buffer, limit)
    err = _Tee(stderr.buffer, 0)
    stdout.flush()
    stderr.flush()
    teed = _teed(stdout, out), _teed(stderr, err)
    sys.stdout, sys.stderr = teed
    try:
        exit_code = _exit_code(run, note_loads=True)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        for stream in teed:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
            stream.detach()  # so that collecting it does not close the real stream
    kept = bytes(out.kept) if out.kept is not None and not err.written else None
    return exit_code, kept, list(data_dirs())


def write_entry(directory: Path, entry: Entry) -> None:
    """Keep ``entry``, atomically, in the private cache directory (nothing if it is not private)."""
    from mzplan.cache import write_private

    write_private(directory, entry_name(entry.key), lambda f: f.write(entry.encode()))


def run(
    arguments: Sequence[str],
    command_line: CommandLine,
    data_dirs: Callable[[], DataDirs],
    *,
    environment: Mapping[str, str] | None = None,
    today: Callable[[], datetime.date] = datetime.date.today,
) -> int:
    """Print the kept output of ``arguments`` if current, else run ``command_line`` and keep it.

    Return the exit code. ``data_dirs`` says, after a run told to note its
    loads, which data directories ``command_line`` loaded.
    """
    from mzplan.cache import DISABLE_VARIABLE, OUTPUT_ONLY, cache_dir

    environment = os.environ if environment is None else environment
    directory = cache_dir(environment)
    if directory is None or environment.get(DISABLE_VARIABLE) == OUTPUT_ONLY:
        return _exit_code(command_line, note_loads=False)
    try:
        cwd = str(Path.cwd())
    except OSError:  # the working directory is gone: the command line says so
        return _exit_code(command_line, note_loads=False)
    key = invocation(arguments, environment, cwd, terminal_state(), code_digest()).key()
    day = today()
    entry = read_entry(directory, key)
    if entry is not None and is_current(entry, day, environment, Path(cwd)):
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(entry.output)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            from mzplan.launch import discard_stdout

            discard_stdout()
            return 1
        return entry.exit_code
    exit_code, output, loaded = record(command_line, data_dirs)
    # The data digest is of the bytes the run read: a file changed meanwhile is a later miss.
    if output is not None and exit_code in {0, 1} and len(loaded) == 1 and today() == day:
        option, chosen, data = loaded[0]
        given = None if option is None else str(option)
        kept = Entry(key, day, given, str(chosen), data.hex(), exit_code, output)
        with contextlib.suppress(OSError):  # a cache that can't be written doesn't fail a command
            write_entry(directory, kept)
    return exit_code


def _exit_code(command_line: CommandLine, *, note_loads: bool) -> int:
    """Run ``command_line``; return its exit code (a message to exit with is raised on)."""
    try:
        command_line(note_loads)
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        raise
    return 0
