"""The files of a data repository, read once: the catalog, the targets and the observations.

Reading is separate from parsing so that the bytes can serve twice: as the key
of the parsed-repository cache (:mod:`mzplan.cache`) and, on a miss, as the
input of :func:`mzplan.loading.load_repository`. Kept free of heavy imports.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path

CATALOG_NAMES = ("sources.yaml", "indicators.yaml", "jurisdictions.yaml", "plans.yaml")
TARGETS_DIR = "targets"
OBSERVATIONS_DIR = "observations"


@dataclasses.dataclass(frozen=True)
class DataFiles:
    """The bytes of every data file, by path relative to the data directory (``/``-separated)."""

    contents: Mapping[str, bytes]
    targets: tuple[str, ...]
    """The target files (``targets/**/*.yaml``), sorted."""
    observations: tuple[str, ...]
    """The observation files (``observations/*.csv``), sorted."""

    @functools.cached_property
    def digest(self) -> bytes:
        """Return a digest of every file's name and bytes, and of the names of unreadable ones."""
        digest = hashlib.blake2b(digest_size=32)
        for name in sorted(self.contents):
            content = self.contents[name]
            digest.update(f"{name}\0{len(content)}\0".encode())
            digest.update(content)
        for name in (*self.targets, *self.observations):  # listed but unreadable ones count too
            digest.update(name.encode() + b"\1")
        return digest.digest()


def read_data_files(data_dir: Path, *, targets: bool = True) -> DataFiles:
    """Read every file the loader uses; a missing catalog file is simply absent.

    Without ``targets`` the target files are neither listed nor read (``targets``
    is then empty, and :attr:`DataFiles.digest` blind to them: not for a cache key):
    for a caller, such as ``mzplan import``, that uses none of them.
    """
    contents: dict[str, bytes] = {}
    for name in CATALOG_NAMES:
        path = data_dir / name
        if path.is_file():
            contents[name] = path.read_bytes()
    targets_dir = data_dir / TARGETS_DIR
    target_paths = sorted(targets_dir.rglob("*.yaml")) if targets and targets_dir.is_dir() else []
    target_files = []
    for path in target_paths:
        relative = path.relative_to(data_dir).as_posix()
        if path.is_file():  # anything else is reported as a missing file by the loader
            contents[relative] = path.read_bytes()
        target_files.append(relative)
    observations_dir = data_dir / OBSERVATIONS_DIR
    observation_paths = sorted(observations_dir.glob("*.csv")) if observations_dir.is_dir() else []
    observations = []
    for path in observation_paths:
        if path.is_file():
            relative = f"{OBSERVATIONS_DIR}/{path.name}"
            contents[relative] = path.read_bytes()
            observations.append(relative)
    return DataFiles(contents, tuple(target_files), tuple(observations))
