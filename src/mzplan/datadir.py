"""Find the data repository a command should read.

Kept free of heavy imports: every command calls it before loading anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

ENVIRONMENT_VARIABLE = "MZPLAN_DATA"
MARKER = "indicators.yaml"


def bundled_data_dir() -> Path:
    """Return the data shipped with mzplan (the Shanghai plans)."""
    packaged = Path(__file__).with_name("data")
    if (packaged / MARKER).is_file():
        return packaged
    # Running from a source checkout (an editable install): the top-level data/.
    return Path(__file__).resolve().parents[2] / "data"


def resolve_data_dir(path: Path) -> Path:
    """Return ``path`` if it holds indicators.yaml, else ``path/data`` if that does."""
    if not (path / MARKER).is_file() and (path / "data" / MARKER).is_file():
        return path / "data"
    return path


def locate_data_dir(option: Path | None, environment: Mapping[str, str], cwd: Path) -> Path:
    """Choose the data directory: ``--data-dir``, ``$MZPLAN_DATA``, ``./data``, or the bundled data.

    A given directory may be the data directory itself or a repository holding ``data/``.
    """
    if option is not None:
        return resolve_data_dir(option)
    from_environment = environment.get(ENVIRONMENT_VARIABLE)
    if from_environment:
        return resolve_data_dir(Path(from_environment))
    if (cwd / "data" / MARKER).is_file():
        return Path("data")
    return bundled_data_dir()
