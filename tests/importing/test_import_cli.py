"""`mzplan import` end to end, on a temporary copy of the bundled data."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mzplan.cli import app
from mzplan.loading import load_repository
from mzplan.observation_store import read_observation_file

DATA = Path(__file__).resolve().parents[2] / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

PUBLIC_FIGURES = Path("/work/shared/reference/shanghai-public-figures.csv")
PUBLIC_FIGURES_OPTIONS = [
    *("--map", "indicator_zh=indicator", "--map", "kind=-", "--map", "grade=note"),
    *("--alias", "认知障碍照护床位=dementia_care_beds"),
    *("--alias", "老年助餐服务场所=elderly_meal_sites"),
    *("--alias", "居家环境适老化改造=home_age_friendly_renovations"),
    *("--alias", "持证社会工作者=certified_social_workers"),
    *("--alias", "新增养老床位=-", "--alias", "改造认知障碍照护床位=-"),
    *("--alias", "新建社区综合为老服务中心=-", "--alias", "新建老年助餐服务场所=-"),
    *("--alias", "慈善超市=-"),
]


def run(
    runner: CliRunner, data_dir: Path, *arguments: str, stdin: bytes | None = None
) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", *arguments, "--data-dir", str(data_dir)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def snapshot(data_dir: Path) -> dict[str, bytes]:
    folder = data_dir / "observations"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}


def stored(data_dir: Path, indicator: str) -> list[tuple[str, str, float, str]]:
    path = data_dir / "observations" / f"{indicator}.csv"
    rows, problems = read_observation_file(path.read_bytes(), path.name)
    assert not problems
    return [(r.jurisdiction, r.period, r.value, r.unit) for r in rows]


@pytest.mark.parametrize(
    ("fixture", "indicator", "expected"),
    [
        ("bom.csv", "elderly_care_beds", [("shanghai", "2021", 158500, "张")]),
        ("excel_gb18030.csv", "elderly_care_beds", [("shanghai", "2021", 158500, "张")]),
        ("excel_gb18030.csv", "nursing_bed_share", [("shanghai", "2022", 60, "%")]),
        (
            "excel_gb18030.csv",
            "community_elderly_service_centres",
            [("chongming", "2022", 12, "家")],
        ),
        (
            "semicolon.csv",
            "elderly_care_beds",
            [("pudong", "2023-09", 12345, "张"), ("shanghai", "2023-Q3", 170000, "张")],
        ),
        ("tab.tsv", "certified_social_workers", [("shanghai", "2021", 35000, "人")]),
        (
            "wide.csv",
            "elderly_care_beds",
            [("shanghai", "2021", 158500, "张"), ("shanghai", "2022", 163600, "张")],
        ),
        (
            "wide.csv",
            "dibao_standard_ratio",
            [
                ("shanghai", "2021", 30.5, "%"),
                ("shanghai", "2022", 31, "%"),
                ("shanghai", "2023", 33.2, "%"),
            ],
        ),
    ],
)
def test_fixture_files_import(
    runner: CliRunner,
    data_dir: Path,
    fixture: str,
    indicator: str,
    expected: list[tuple[str, str, float, str]],
) -> None:
    code, stdout, stderr = run(runner, data_dir, str(FIXTURES / fixture))
    assert code == 0, stderr
    assert "added" in stdout
    assert stored(data_dir, indicator) == expected
    assert load_repository(data_dir).report.valid


def test_one_bad_row_writes_nothing_and_names_the_row(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    code, _, stderr = run(runner, data_dir, "one_bad_row.csv")
    assert code == 1
    expected = (FIXTURES / "one_bad_row.expected").read_text(encoding="utf-8")
    assert expected.strip() in stderr
    assert "nothing written" in stderr
    assert snapshot(data_dir) == {}


def test_second_identical_import_changes_nothing(runner: CliRunner, data_dir: Path) -> None:
    files = [str(FIXTURES / name) for name in ("excel_gb18030.csv", "semicolon.csv", "wide.csv")]
    assert run(runner, data_dir, *files)[0] == 0
    before = snapshot(data_dir)
    code, stdout, _ = run(runner, data_dir, *files, "--format", "json")
    assert code == 0
    summary = json.loads(stdout)
    assert (summary["added"], summary["changed"], summary["written"]) == (0, 0, [])
    assert summary["unchanged"] == 10
    assert snapshot(data_dir) == before


def test_dry_run_prints_rows_and_writes_nothing(runner: CliRunner, data_dir: Path) -> None:
    code, stdout, _ = run(runner, data_dir, str(FIXTURES / "wide.csv"), "--dry-run")
    assert code == 0
    assert "added    elderly_care_beds shanghai 2021 158500 张 [年度统计]" in stdout
    assert "5 added, 0 changed, 0 unchanged" in stdout
    assert snapshot(data_dir) == {}


def test_conflict_needs_a_policy(runner: CliRunner, data_dir: Path) -> None:
    header = b"indicator,jurisdiction,period,value,source\n"
    assert (
        run(runner, data_dir, "-", stdin=header + b"elderly_care_beds,shanghai,2021,1,s\n")[0] == 0
    )
    changed = header + b"elderly_care_beds,shanghai,2021,2,s\n"
    code, _, stderr = run(runner, data_dir, "-", stdin=changed)
    assert code == 1 and "-:2: value: 2 would replace 1" in stderr
    assert run(runner, data_dir, "-", "--on-conflict", "keep", stdin=changed)[0] == 0
    assert stored(data_dir, "elderly_care_beds") == [("shanghai", "2021", 1, "张")]
    assert run(runner, data_dir, "-", "--on-conflict", "replace", stdin=changed)[0] == 0
    assert stored(data_dir, "elderly_care_beds") == [("shanghai", "2021", 2, "张")]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--map", "nonsense"],
        ["--map", "a=nofield"],
        ["--set", "colour=red"],
        ["--delimiter", "x"],
        ["--on-conflict", "maybe"],
        ["/no/such/file.csv"],
    ],
)
def test_bad_usage_exits_2_without_a_traceback(
    runner: CliRunner, data_dir: Path, arguments: list[str]
) -> None:
    files = [] if any(a.startswith("/") for a in arguments) else [str(FIXTURES / "bom.csv")]
    code, _, stderr = run(runner, data_dir, *files, *arguments)
    assert code == 2
    assert "Traceback" not in stderr


def test_undecodable_file_suggests_an_encoding(runner: CliRunner, data_dir: Path) -> None:
    code, _, stderr = run(runner, data_dir, "-", stdin=b"\x81\x20\xff\xfe,x\n")
    assert code == 1 and "--encoding" in stderr


def test_a_failed_replace_leaves_the_data_valid(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(runner, data_dir, str(FIXTURES / "bom.csv"))[0] == 0
    before = snapshot(data_dir)
    calls = 0
    real_replace = os.replace

    def crash_on_second(source: str, target: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("killed")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_on_second)
    code, _, stderr = run(runner, data_dir, str(FIXTURES / "excel_gb18030.csv"))
    monkeypatch.undo()
    assert code == 2 and "could not write" in stderr and "Traceback" not in stderr
    loaded = load_repository(data_dir)
    assert loaded.report.valid
    assert not list((data_dir / "observations").glob(".*.tmp"))
    after = snapshot(data_dir)
    for name, content in after.items():  # every file holds either its old or its new rows
        assert name not in before or content in {before[name], content}
    assert len(after) >= 1


def test_public_figures_import_with_their_disagreement(runner: CliRunner, data_dir: Path) -> None:
    code, stdout, stderr = run(runner, data_dir, str(PUBLIC_FIGURES), *PUBLIC_FIGURES_OPTIONS)
    assert code == 0, stderr
    assert "19 added" in stdout and "6 left out" in stdout
    assert "sources disagree for social_organisations, shanghai, 2021" in stderr
    result = runner.invoke(app, ["validate", "--data-dir", str(data_dir)])
    assert result.exit_code == 0
    assert "observation-disagreement" in result.stdout


def test_bundled_data_has_the_resolved_disagreement(runner: CliRunner, bundled_copy: Path) -> None:
    loaded = load_repository(bundled_copy)
    assert loaded.report.valid
    [warning] = [p for p in loaded.report.problems if p.code == "observation-disagreement"]
    assert "status uses 17367 (the row marked preferred)" in warning.message
    before = snapshot(bundled_copy)
    code, stdout, _ = run(runner, bundled_copy, str(PUBLIC_FIGURES), *PUBLIC_FIGURES_OPTIONS)
    assert code == 0 and "0 added, 0 changed, 19 unchanged" in stdout
    assert snapshot(bundled_copy) == before


values = st.lists(
    st.tuples(
        st.sampled_from(["shanghai", "chongming", "pudong"]),
        st.integers(2015, 2030),
        st.decimals(0, 10**7, places=2, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda t: (t[0], t[1]),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=values)
def test_importing_twice_equals_importing_once(
    runner: CliRunner, tmp_path: Path, rows: list[tuple[str, int, object]]
) -> None:
    target = tmp_path / "property"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("observations"))
    body = "".join(f"养老床位总数,{j},{y},{v},s\n" for j, y, v in rows)
    data = ("指标,地区,年份,数值,来源\n" + body).encode("gb18030")
    assert run(runner, target, "-", stdin=data)[0] == 0
    once = snapshot(target)
    code, stdout, _ = run(runner, target, "-", stdin=data)
    assert code == 0 and f"0 added, 0 changed, {len(rows)} unchanged" in stdout
    assert snapshot(target) == once
