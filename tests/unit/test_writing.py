"""Atomic replacement of files: contents in parts, unchanged files left as they are."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from mzplan.writing import write_files_atomically


def test_a_content_in_parts_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.csv"
    written = write_files_atomically({target: iter([b"head\n", b"1\n", b"", b"2\n"])})
    assert written == [target]
    assert target.read_bytes() == b"head\n1\n2\n"
    assert not list(target.parent.glob(".*.tmp"))


def test_a_file_holding_its_new_content_is_left_as_it_is(tmp_path: Path) -> None:
    same, other = tmp_path / "same.csv", tmp_path / "other.csv"
    same.write_bytes(b"x\n")
    other.write_bytes(b"x\n")
    before = same.stat()
    written = write_files_atomically({same: [b"x", b"\n"], other: b"y\n"})
    assert written == [other]
    after = same.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert other.read_bytes() == b"y\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_longer_or_shorter_content_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    for content in (b"x\n", b"x\ny\n", b"x"):
        target.write_bytes(b"x\n")
        assert write_files_atomically({target: content}) == ([] if content == b"x\n" else [target])
        assert target.read_bytes() == content


def test_a_failure_while_rendering_leaves_every_file_as_it_was(tmp_path: Path) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(b"old first\n")
    second.write_bytes(b"old second\n")

    def failing() -> Iterator[bytes]:
        yield b"new second, half"
        raise RuntimeError("rendering failed")

    with pytest.raises(RuntimeError, match="rendering failed"):
        write_files_atomically({first: b"new first\n", second: failing()})
    assert first.read_bytes() == b"old first\n"
    assert second.read_bytes() == b"old second\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_every_new_file_is_on_disk_before_any_is_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are synced by a second thread: all of them, and before the first rename."""
    events: list[str] = []
    sync, replace = os.fsync, os.replace

    def recording_sync(descriptor: int) -> None:
        sync(descriptor)
        events.append("directory" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")

    def recording_replace(source: Path, target: Path) -> None:
        replace(source, target)
        events.append("replace")

    monkeypatch.setattr(os, "fsync", recording_sync)
    monkeypatch.setattr(os, "replace", recording_replace)
    targets = [tmp_path / f"{index}.csv" for index in range(5)]
    targets[2].write_bytes(b"2\n")  # already holds its content: neither synced nor renamed
    written = write_files_atomically({t: [f"{i}".encode(), b"\n"] for i, t in enumerate(targets)})
    assert written == [t for t in targets if t != targets[2]]
    assert events == ["file"] * 4 + ["replace"] * 4 + ["directory"]
    assert [t.read_bytes() for t in targets] == [f"{i}\n".encode() for i in range(5)]


def test_a_file_that_cannot_be_synced_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(b"old first\n")
    second.write_bytes(b"old second\n")
    sync = os.fsync
    calls: list[int] = []

    def failing_second(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        sync(descriptor)

    monkeypatch.setattr(os, "fsync", failing_second)
    descriptors = Path("/proc/self/fd")  # Linux: the process's open descriptors
    open_before = len(list(descriptors.iterdir())) if descriptors.is_dir() else None
    with pytest.raises(OSError, match="Input/output error"):
        write_files_atomically({first: b"new first\n", second: b"new second\n"})
    assert first.read_bytes() == b"old first\n"
    assert second.read_bytes() == b"old second\n"
    assert not list(tmp_path.glob(".*.tmp"))
    if open_before is not None:  # every descriptor handed to the syncing thread was closed
        assert len(list(descriptors.iterdir())) == open_before
