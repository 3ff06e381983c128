"""The parsed-repository cache: used when the files are unchanged, never trusted otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mzplan import cache
from mzplan.datadir import bundled_data_dir
from mzplan.datafiles import read_data_files
from mzplan.repository import Loaded


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Return a writable copy of the bundled data."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pickle"))


def _count_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every real (uncached) load."""
    calls: list[Path] = []
    real = cache._load

    def counting(data_dir: Path, display_dir: str | None, files: object) -> Loaded:
        calls.append(data_dir)
        return real(data_dir, display_dir, files)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "_load", counting)
    return calls


def test_a_second_load_is_a_hit(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_loads(monkeypatch)
    first = cache.load_cached(data)
    second = cache.load_cached(data)
    assert len(calls) == 1
    assert len(_entries(private_cache)) == 1
    assert second.report == first.report
    assert second.repository.observations == first.repository.observations
    assert [t.key for t in second.repository.targets] == [t.key for t in first.repository.targets]
    assert second.repository.indicators[0].value == first.repository.indicators[0].value


def test_a_changed_file_is_a_miss(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_loads(monkeypatch)
    cache.load_cached(data)
    observations = data / "observations" / "dibao_standard.csv"
    observations.write_bytes(observations.read_bytes().replace(b",1420,", b",1421,"))
    loaded = cache.load_cached(data)
    assert len(calls) == 2
    values = [o.value for o in loaded.repository.observations if o.indicator == "dibao_standard"]
    assert 1421 in values
    cache.load_cached(data)
    assert len(calls) == 2, "the new state is cached in turn"


def test_a_broken_file_is_reported_from_the_cache_too(data: Path) -> None:
    (data / "plans.yaml").write_text("plans: [\n", encoding="utf-8")
    first = cache.load_cached(data)
    second = cache.load_cached(data)
    assert not first.report.valid
    assert second.report == first.report


@pytest.mark.parametrize(
    "damage",
    [
        lambda content: b"",
        lambda content: content[: len(content) // 2],
        lambda content: content[:100] + b"\x00garbage" + content[108:],
        lambda content: b"not a cache at all",
    ],
)
def test_a_corrupt_cache_is_ignored(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    expected = cache.load_cached(data)
    (entry,) = _entries(private_cache)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    calls = _count_loads(monkeypatch)
    loaded = cache.load_cached(data)
    assert len(calls) == 1
    assert loaded.report == expected.report
    assert loaded.repository.observations == expected.repository.observations


def test_a_cache_another_user_could_write_is_not_read(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.load_cached(data)
    private_cache.chmod(0o777)
    calls = _count_loads(monkeypatch)
    cache.load_cached(data)
    assert len(calls) == 1


def test_the_cache_is_off_with_mzplan_no_cache(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MZPLAN_NO_CACHE", "1")
    calls = _count_loads(monkeypatch)
    cache.load_cached(data)
    cache.load_cached(data)
    assert len(calls) == 2
    assert _entries(private_cache) == []


def test_where_the_cache_lives(tmp_path: Path) -> None:
    assert cache.cache_dir({"MZPLAN_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "mzplan"
    assert cache.cache_dir({}) == Path.home() / ".cache" / "mzplan"
    assert cache.cache_dir({"MZPLAN_NO_CACHE": "1", "MZPLAN_CACHE_DIR": "x"}) is None


def test_the_key_depends_on_the_code(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = read_data_files(data)
    before = cache.content_key("here", files)
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    assert cache.content_key("here", files) != before
