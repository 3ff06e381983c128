"""The output cache: a repeated read-only command prints the same bytes; any change is a miss."""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mzplan import output_cache
from mzplan.datadir import bundled_data_dir
from mzplan.datafiles import read_data_files

# Run mzplan as the `mzplan` script does, then say whether the command line was imported.
WRAPPER = """
import atexit, runpy, sys
atexit.register(lambda: sys.__stderr__.write("TYPER=%s\\n" % ("typer" in sys.modules)))
sys.argv = ["mzplan", *sys.argv[1:]]
runpy.run_module("mzplan", run_name="__main__", alter_sys=True)
"""
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Return a writable copy of the bundled data."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


def _mzplan(*arguments: str, cwd: Path, **variables: str) -> tuple[int, bytes, bool]:
    """Run mzplan in a process; return its exit code, its stdout, and if it imported typer."""
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, *arguments],
        capture_output=True,
        env={**os.environ, "COLUMNS": "120", **variables},
        cwd=cwd,
        check=False,
    )
    last = result.stderr.decode().splitlines()[-1]
    return result.returncode, result.stdout, last == "TYPER=True"


def _entries(private_cache: Path) -> list[Path]:
    return sorted(private_cache.glob("output-*.bin"))


@pytest.mark.parametrize(
    "arguments",
    [
        ("status",),
        ("status", "--fail-on", "alert", "--lang", "en"),
        ("list", "targets", "--format", "csv"),
        ("validate", "--format", "json"),
    ],
)
def test_a_repeated_command_prints_the_same_bytes_without_the_command_line(
    data: Path, private_cache: Path, arguments: tuple[str, ...]
) -> None:
    first = _mzplan(*arguments, "--data-dir", str(data), cwd=data.parent)
    second = _mzplan(*arguments, "--data-dir", str(data), cwd=data.parent)
    assert first[2], "the first run is a miss: it runs the command line"
    assert len(_entries(private_cache)) == 1
    assert second == (first[0], first[1], False)
    assert first[1]


def test_the_exit_code_is_kept(data: Path) -> None:
    arguments = ("status", "--fail-on", "lagging", "--data-dir", str(data))
    first = _mzplan(*arguments, cwd=data.parent)
    second = _mzplan(*arguments, cwd=data.parent)
    assert first[0] == 1, "the bundled data has lagging targets"
    assert second == (1, first[1], False)


def test_a_changed_data_file_is_a_miss(data: Path) -> None:
    arguments = ("status", "--format", "csv", "--data-dir", str(data))
    before = _mzplan(*arguments, cwd=data.parent)
    indicators = data / "indicators.yaml"
    renamed = "低保人数占户籍人口数比重（改）".encode()
    indicators.write_bytes(
        indicators.read_bytes().replace("低保人数占户籍人口数比重".encode(), renamed)
    )
    after = _mzplan(*arguments, cwd=data.parent)
    assert after[2], "the command line ran again"
    assert renamed not in before[1]
    assert renamed in after[1]
    assert _mzplan(*arguments, cwd=data.parent) == (after[0], after[1], False)


def test_a_new_target_file_is_a_miss(data: Path) -> None:
    arguments = ("list", "targets", "--format", "csv", "--data-dir", str(data))
    before = _mzplan(*arguments, cwd=data.parent)
    existing = sorted((data / "targets").rglob("*.yaml"))[0]
    shutil.copy(existing, existing.with_name("copy.yaml"))  # the same targets twice: invalid
    after = _mzplan(*arguments, cwd=data.parent)
    assert after[2]
    assert (after[0], after[1]) != (before[0], before[1])


@pytest.mark.parametrize("variables", [{"NO_COLOR": "1"}, {"COLUMNS": "80"}, {"MZPLAN_DEBUG": "1"}])
def test_another_environment_is_a_miss(data: Path, variables: dict[str, str]) -> None:
    arguments = ("status", "--data-dir", str(data))
    _mzplan(*arguments, cwd=data.parent)
    assert _mzplan(*arguments, cwd=data.parent, **variables)[2]


def test_the_shells_own_variables_are_not_part_of_the_key(data: Path) -> None:
    arguments = ("status", "--data-dir", str(data))
    first = _mzplan(*arguments, cwd=data.parent, OLDPWD="/a")
    assert _mzplan(*arguments, cwd=data.parent, OLDPWD="/b") == (first[0], first[1], False)


def test_another_working_directory_is_a_miss(data: Path, tmp_path: Path) -> None:
    arguments = ("status", "--data-dir", str(data))
    _mzplan(*arguments, cwd=data.parent)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert _mzplan(*arguments, cwd=elsewhere)[2]


@pytest.mark.parametrize(("value", "pickles"), [("1", 0), ("output", 1)])
def test_the_cache_can_be_turned_off(
    data: Path, private_cache: Path, value: str, pickles: int
) -> None:
    """``MZPLAN_NO_CACHE=output`` keeps the parsed-data cache; any other value turns both off."""
    arguments = ("status", "--data-dir", str(data))
    _mzplan(*arguments, cwd=data.parent, MZPLAN_NO_CACHE=value)
    assert _mzplan(*arguments, cwd=data.parent, MZPLAN_NO_CACHE=value)[2]
    assert _entries(private_cache) == []
    assert len(list(private_cache.glob("*.pickle"))) == pickles


def test_a_data_directory_found_anew_is_a_miss(data: Path) -> None:
    """Run where ./data is found; then ./data goes, and the bundled data is chosen instead."""
    first = _mzplan("status", "--format", "csv", cwd=data.parent)
    shutil.rmtree(data)
    second = _mzplan("status", "--format", "csv", cwd=data.parent)
    assert first[0] == 0
    assert second[2], "another directory is read: the command line ran again"


@pytest.mark.parametrize("kept", [False, True], ids=["run", "printed again"])
def test_a_reader_that_goes_away_is_no_error(data: Path, kept: bool) -> None:
    """``mzplan status --format json | head``: exit 1 quietly, as Python does, not a traceback."""
    arguments = ("status", "--format", "json", "--data-dir", str(data))
    if kept:
        _mzplan(*arguments, cwd=data.parent)
    reading, writing = os.pipe()
    os.close(reading)
    try:
        result = subprocess.run(
            [sys.executable, "-c", WRAPPER, *arguments],
            stdout=writing,
            stderr=subprocess.PIPE,
            env={**os.environ, "COLUMNS": "120"},  # as _mzplan runs it: the same invocation
            cwd=data.parent,
            check=False,
        )
    finally:
        os.close(writing)
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [f"TYPER={not kept}"]


# In-process: the date, the limits, stderr, broken and foreign entries.


class _Streams:
    """Binary-backed stdout and stderr, as a real process has."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.out, self.err = io.BytesIO(), io.BytesIO()
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(self.out, encoding="utf-8"))
        monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(self.err, encoding="utf-8"))


def _command(
    data: Path, text: str = "a table\n", *, error: str = "", code: int = 0
) -> tuple[output_cache.CommandLine, list[int], Callable[[], output_cache.DataDirs]]:
    """Return a fake command line printing ``text``, the list of its runs, and what it loaded."""
    runs: list[int] = []

    def command_line(note_loads: bool) -> None:
        assert note_loads, "the output cache records the run"
        runs.append(1)
        sys.stdout.write(text)
        if error:
            sys.stderr.write(error)
        if code:
            raise SystemExit(code)

    def loaded() -> output_cache.DataDirs:
        return [(data, data, read_data_files(data).digest)]

    return command_line, runs, loaded


def _run(
    data: Path,
    command: tuple[output_cache.CommandLine, list[int], Callable[[], output_cache.DataDirs]],
    *,
    day: datetime.date = TODAY,
) -> int:
    command_line, _, loaded = command
    return output_cache.run(
        ["status", "--data-dir", str(data)],
        command_line,
        loaded,
        environment=dict(os.environ),
        today=lambda: day,
    )


def _kept_once(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[output_cache.CommandLine, list[int], Callable[[], output_cache.DataDirs]]:
    """Return a fake command line whose output one run has kept (see :func:`_command`).

    Called in the test itself, not a fixture: pytest sets its own stdout between the two.
    """
    _Streams(monkeypatch)
    command = _command(data)
    _run(data, command)
    return command


def test_a_kept_output_is_printed_again_with_its_exit_code(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    streams = _Streams(monkeypatch)
    command = _command(data, "lagging: 3\n", code=1)
    assert _run(data, command) == 1
    assert _run(data, command) == 1
    sys.stdout.flush()
    assert command[1] == [1]
    assert streams.out.getvalue() == b"lagging: 3\n" * 2


def test_another_day_is_a_miss(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _kept_once(data, monkeypatch)
    _run(data, kept, day=TODAY + datetime.timedelta(days=1))
    assert kept[1] == [1, 1]


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("x" * (output_cache.LIMIT + 1), "", 0),
        ("a table\n", "warning: something\n", 0),
        ("", "mzplan: error: usage\n", 2),
    ],
    ids=["too long", "stderr written", "usage error"],
)
def test_what_is_not_kept(
    data: Path,
    private_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    error: str,
    code: int,
) -> None:
    streams = _Streams(monkeypatch)
    command = _command(data, text, error=error, code=code)
    assert _run(data, command) == code
    assert _run(data, command) == code
    assert command[1] == [1, 1]
    assert _entries(private_cache) == []
    sys.stdout.flush()
    assert streams.out.getvalue() == text.encode() * 2, "passed through all the same"


def test_a_run_that_loads_no_data_is_not_kept(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mzplan status --help`` prints without loading anything."""
    _Streams(monkeypatch)
    command_line, runs, _ = _command(data)
    for _ in range(2):
        output_cache.run(["status", "--help"], command_line, list, environment=dict(os.environ))
    assert runs == [1, 1]
    assert _entries(private_cache) == []


def test_a_broken_entry_is_ignored_and_rewritten(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _kept_once(data, monkeypatch)
    (entry,) = _entries(private_cache)
    entry.write_bytes(output_cache.FORMAT + b"{not json\n")
    _run(data, kept)
    _run(data, kept)
    assert kept[1] == [1, 1]
    assert output_cache.Entry.decode(entry.read_bytes()) is not None


def test_an_entry_in_a_directory_others_can_write_is_not_read(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = _kept_once(data, monkeypatch)
    private_cache.chmod(0o777)
    try:
        _run(data, kept)
    finally:
        private_cache.chmod(0o700)
    assert kept[1] == [1, 1]


def test_an_entry_round_trips() -> None:
    entry = output_cache.Entry("k", TODAY, None, "data", "ab", 1, b"\x1b[1mtable\x1b[0m\n")
    assert output_cache.Entry.decode(entry.encode()) == entry
    assert output_cache.Entry.decode(b"something else") is None
    header = json.loads(entry.encode().splitlines()[1])
    assert header["date"] == "2026-11-23"


def _key(
    arguments: tuple[str, ...] = ("status",),
    environment: dict[str, str] | None = None,
    cwd: str = "/work",
    columns: int = 120,
    code: bytes = b"code",
) -> str:
    terminal = [(False, None), (True, (columns, 40)), (True, (columns, 40))]
    environment = {"LANG": "C.UTF-8"} if environment is None else environment
    return output_cache.invocation(arguments, environment, cwd, terminal, code).key()


def test_the_key_is_of_every_part_of_the_invocation() -> None:
    others = [
        _key(arguments=("status", "-j", "all")),
        _key(environment={"LANG": "C.UTF-8", "NO_COLOR": "1"}),
        _key(cwd="/elsewhere"),
        _key(columns=100),
        _key(code=b"other code"),
    ]
    assert len({_key(), *others}) == 1 + len(others)
    shell = {"LANG": "C.UTF-8", "_": "/usr/bin/mzplan", "OLDPWD": "/"}
    assert _key(environment=shell) == _key()


@pytest.mark.parametrize("value", ["1", "output"])
def test_with_the_cache_off_the_run_does_not_hash_its_data(value: str) -> None:
    """Noting the data's digest costs a hash of every file: only while recording."""
    told: list[bool] = []
    output_cache.run(
        ["status"], told.append, list, environment={**os.environ, "MZPLAN_NO_CACHE": value}
    )
    assert told == [False]


def test_a_working_directory_that_is_gone_runs_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No traceback from the cache: the command line reports it as it would without one."""

    def gone() -> Path:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(Path, "cwd", gone)
    told: list[bool] = []
    assert output_cache.run(["status"], told.append, list, environment=dict(os.environ)) == 0
    assert told == [False]
