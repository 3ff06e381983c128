"""Shared fixtures: the bundled data, a CLI runner with a fixed width and no colour."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mzplan.datadir import bundled_data_dir

EXAMPLES = Path(__file__).parent / "examples"

TARGET_CONTRACT = frozenset(
    [
        "indicator",
        "name_zh",
        "name_en",
        "jurisdiction",
        "plan",
        "type",
        "unit",
        "direction",
        "measure",
        "baseline",
        "target",
        "source",
    ]
)
"""The keys the JSON of ``list targets`` promises (README)."""
STATUS_CONTRACT = TARGET_CONTRACT | frozenset(
    [
        "latest",
        "completion",
        "elapsed",
        "status",
        "alert",
        "stale",
        "needed_now",
        "required_yearly_change",
        "projection",
        "method",
    ]
)
"""The keys the JSON of ``status`` promises: the target's and the assessment's."""


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Keep the parsed-repository cache of every test out of the user's cache directory."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("MZPLAN_CACHE_DIR", str(directory))
    monkeypatch.delenv("MZPLAN_NO_CACHE", raising=False)
    return directory


@pytest.fixture
def runner() -> CliRunner:
    """Return a runner whose output is plain text, 100 columns wide."""
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "MZPLAN_DATA": ""})


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """Return a writable copy of the bundled data, as ``tmp_path/data``."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


def build_example(base: Path, overlay: Path, target: Path) -> Path:
    """Copy ``base`` to ``target`` and lay the files of ``overlay`` over it.

    A file ``.delete`` in the overlay lists files to remove, one per line.
    """
    shutil.copytree(base, target)
    for path in sorted(overlay.rglob("*")):
        if path.is_file() and path.name not in {"expected.txt", ".delete"}:
            destination = target / path.relative_to(overlay)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    deletions = overlay / ".delete"
    if deletions.is_file():
        for name in deletions.read_text(encoding="utf-8").split():
            (target / name).unlink()
    return target
