"""Replace files so that no reader ever sees half of one, and nothing a user had is lost."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_files_atomically(contents: Mapping[Path, bytes]) -> None:
    """Replace each file with its new content so that no reader ever sees half a file.

    Every content goes first to a temporary file in the target's folder and is
    flushed to disk; only then is each temporary file renamed over its target
    (``os.replace``), and the folder synced where the platform allows. If
    anything fails, the temporary files are removed and the error is raised:
    each target holds either its old or its new content.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, content in contents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
            staged.append((Path(temporary), path))
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).chmod(_mode_for(path))
        for staged_path, path in staged:
            os.replace(staged_path, path)  # noqa: PTH105 - the atomic rename is the point; name it
    finally:
        for staged_path, _ in staged:
            staged_path.unlink(missing_ok=True)
    for directory in {path.parent for path in contents}:
        _sync_directory(directory)


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _sync_directory(directory: Path) -> None:
    # Best effort: makes the rename itself durable on POSIX; not possible on Windows.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
