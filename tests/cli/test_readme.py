"""The README's command examples run: docs that cannot drift."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mzplan.cli import app

README = Path(__file__).parents[2] / "README.md"


def _examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    # `import` needs a file of the user's; it has its own tests.
    return [line for line in lines if line.startswith("mzplan ") and " import " not in line]


@pytest.mark.parametrize("line", _examples())
def test_readme_example_runs(
    runner: CliRunner, line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # examples may write files (report -o)
    result = runner.invoke(app, shlex.split(line)[1:])
    assert result.exit_code in {0, 1}, result.output  # 1: --fail-on found alerts
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_readme_has_examples() -> None:
    assert len(_examples()) >= 5
