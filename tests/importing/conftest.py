"""Fixtures of the import tests: a temporary copy of the bundled data, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mzplan.loading import load_repository
from mzplan.repository import Repository

DATA = Path(__file__).resolve().parents[2] / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return a copy of the bundled data without its observations."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("observations"))
    return target


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """Return a copy of the bundled data with its observations."""
    target = tmp_path / "bundled"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(".lock"))
    return target


@pytest.fixture(scope="session")
def repository() -> Repository:
    """Return the bundled repository (read only)."""
    return load_repository(DATA).repository


@pytest.fixture
def runner() -> CliRunner:
    """Return a CLI runner with a fixed width and no colour."""
    return CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
