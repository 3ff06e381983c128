"""The process ends at once when a command is done (``launch.leave``), and loses nothing by it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from mzplan.cli import app


def _buffered() -> dict[str, str]:
    """Return the test's environment with stdout buffered, as it is when not set otherwise."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _mzplan(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mzplan", *arguments],
        capture_output=True,
        text=True,
        env={**_buffered(), "NO_COLOR": "1", "COLUMNS": "100", "MZPLAN_DATA": "", **environment},
        check=False,
    )


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_buffered(), check=False
    )


def test_leave_runs_the_exit_handlers_and_flushes_before_it_ends() -> None:
    result = _python(
        "import atexit, sys\n"
        "from mzplan.launch import leave\n"
        "atexit.register(lambda: sys.stdout.write(' and the handler'))\n"
        "sys.stdout.write('buffered output')\n"
        "sys.stderr.write('a message')\n"
        "leave(3)\n"
        "print('never')\n"
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        3,
        "buffered output and the handler",
        "a message",
    )


def test_leave_without_a_stdout() -> None:
    result = _python("import sys\nfrom mzplan.launch import leave\nsys.stdout = None\nleave(0)")
    assert (result.returncode, result.stderr) == (0, "")


def test_leave_when_the_reader_of_stdout_has_gone() -> None:
    """Exit 1 quietly, as the commands do on a broken pipe (``mzplan status | head -1``)."""
    code = (
        "import sys\nfrom mzplan.launch import leave\n"
        "sys.stdin.read()\n"  # until the reader has gone
        "sys.stdout.write('still buffered')\n"
        "leave(0)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_buffered(),
    )
    assert process.stdin is not None and process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    process.stdin.close()
    error = process.stderr.read()
    process.stderr.close()
    assert (process.wait(), error) == (1, b"")


def test_a_message_to_exit_with_is_printed_by_python() -> None:
    result = _python(
        "import sys\n"
        "from mzplan import launch\n"
        "launch._run = lambda arguments: sys.exit('mzplan: gone wrong')\n"
        "launch.main()\n"
    )
    assert (result.returncode, result.stderr) == (1, "mzplan: gone wrong\n")


def test_the_whole_output_is_written_before_the_process_ends() -> None:
    """The largest output of the bundled data, through a pipe: more than the pipe holds."""
    arguments = ["status", "-j", "all", "--format", "json", "--as-of", "2024"]
    ran = _mzplan(*arguments, MZPLAN_NO_CACHE="1")
    expected = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "MZPLAN_DATA": ""}).invoke(
        app, arguments
    )
    assert ran.returncode == expected.exit_code == 0
    assert ran.stdout == expected.stdout
    assert len(ran.stdout.encode()) > 1 << 16
    assert isinstance(json.loads(ran.stdout), list)  # the array is closed: nothing cut off


def test_bad_usage_exits_2_with_its_message() -> None:
    ran = _mzplan("status", "--as-of", "someday")
    assert ran.returncode == 2
    assert "--as-of 'someday' is not a date or a year" in ran.stderr


def test_bad_data_exits_1_with_its_messages(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text("sources: [", encoding="utf-8")
    ran = _mzplan("validate", "--data-dir", str(tmp_path), MZPLAN_NO_CACHE="1")
    assert ran.returncode == 1
    assert "sources.yaml:" in ran.stdout + ran.stderr
