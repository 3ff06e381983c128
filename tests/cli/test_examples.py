"""Every invalid example repository fails with exactly the messages beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mzplan.cli import app
from tests.conftest import EXAMPLES, build_example

INVALID = sorted(p for p in (EXAMPLES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_example_reports_expected_problems(
    case: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_example(EXAMPLES / "base", case, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "--data-dir", "data"])
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    assert result.stdout == expected
    assert result.exit_code == 1


def test_base_example_is_valid(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_example(EXAMPLES / "base", EXAMPLES / "base", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "--data-dir", "data"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
