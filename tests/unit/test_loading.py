"""Loading a repository without its targets (what ``mzplan import`` does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mzplan.datafiles import read_data_files
from mzplan.loading import load_repository
from tests.conftest import EXAMPLES, build_example

CASES = sorted(p for p in (EXAMPLES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize(
    "case", [EXAMPLES / "base", *CASES], ids=["base", *(p.name for p in CASES)]
)
def test_without_targets_the_report_is_the_rest_of_the_full_one(case: Path, tmp_path: Path) -> None:
    data = build_example(EXAMPLES / "base", case, tmp_path / "data")
    (data / "observations").mkdir()
    (data / "observations" / "beds.csv").write_text(
        "indicator,jurisdiction,period,value,unit,source,note,preferred\n"
        "beds,city,2021,1100,张,demo,,\n"
        "beds,city,2040,1,张,demo,,\n"  # late after the last plan year: a warning
        "beds,nowhere,2021,1,张,demo,,\n",
        encoding="utf-8",
    )
    full = load_repository(data)
    assert read_data_files(data).targets
    assert full.report.problems

    loaded = load_repository(data, targets=False)

    assert loaded.repository.targets == ()
    target_files = f"{data}/targets/"
    assert loaded.report.problems == tuple(
        p for p in full.report.problems if not p.file.startswith(target_files)
    )
    assert loaded.repository.observations == full.repository.observations
    assert loaded.repository.indicators == full.repository.indicators
    assert loaded.repository.plans == full.repository.plans


def test_without_targets_no_target_file_is_read(tmp_path: Path) -> None:
    data = build_example(EXAMPLES / "base", EXAMPLES / "base", tmp_path / "data")
    (data / "targets" / "demo_plan" / "city.yaml").write_bytes(b"targets: [\xff unclosed\n")
    (data / "targets" / "folder.yaml").mkdir()  # listed, not a file: a missing file if read
    assert not load_repository(data).report.valid

    files = read_data_files(data, targets=False)

    assert files.targets == ()
    assert not any(name.startswith("targets/") for name in files.contents)
    for loaded in (
        load_repository(data, targets=False),
        load_repository(data, files=read_data_files(data), targets=False),
    ):
        assert loaded.repository.targets == ()
        assert loaded.report.valid
        assert loaded.report.problems == ()
