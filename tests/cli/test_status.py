"""`mzplan status` and `mzplan show` through the CLI: formats agree, filters, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mzplan.cli import app
from mzplan.labels import label
from tests.conftest import EXAMPLES, STATUS_CONTRACT, build_example

OBSERVATIONS = """indicator,jurisdiction,period,value,unit,source,note,preferred
beds,city,2022,1020,张,demo bulletin 2022,,
beds,city,2023,1050,张,demo bulletin 2023,,
dibao_share,city,2023,1.6,%,demo bulletin 2023,,
"""


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """Return the base example with observations: beds lag (binding), dibao is ahead."""
    data = build_example(EXAMPLES / "base", EXAMPLES / "base", tmp_path / "data")
    (data / "observations").mkdir()
    header, *rows = OBSERVATIONS.splitlines(keepends=True)
    for indicator in ("beds", "dibao_share"):
        mine = [row for row in rows if row.startswith(f"{indicator},")]
        path = data / "observations" / f"{indicator}.csv"
        path.write_text(header + "".join(mine), encoding="utf-8")
    return data


def _status(runner: CliRunner, data: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(
        app, ["status", "--data-dir", str(data), "--as-of", "2024-01-15", *args, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    records: list[dict[str, object]] = json.loads(result.stdout)
    return records


def test_status_json_contract_and_worked_example(runner: CliRunner, demo: Path) -> None:
    records = {r["indicator"]: r for r in _status(runner, demo)}
    beds = records["beds"]
    # Baseline 1000 at the end of 2020 (t0 = 2021.0), target 1200 at the end of 2025
    # (tT = 2026.0); latest 1050 for 2023 (t = 2024.0): P = 50/200 = 0.25, τ = 3/5 = 0.6.
    assert beds["completion"] == pytest.approx(0.25)
    assert beds["elapsed"] == pytest.approx(0.6)
    assert beds["status"] == "lagging"
    assert beds["alert"] is True  # binding and lagging
    assert beds["latest"] == {"value": 1050.0, "period": "2023", "source": "demo bulletin 2023"}
    assert beds["needed_now"] == pytest.approx(1120.0)
    # dibao: (1.60 − 1.64) / (1.59 − 1.64) = 0.8 ≥ 0.6 + 0.1: ahead; not binding, no alert.
    assert records["dibao_share"]["status"] == "ahead"
    assert records["dibao_share"]["alert"] is False
    assert all(set(r) >= STATUS_CONTRACT for r in records.values())


def test_table_csv_and_markdown_say_what_the_json_says(runner: CliRunner, demo: Path) -> None:
    records = _status(runner, demo)
    base = ["status", "--data-dir", str(demo), "--as-of", "2024-01-15"]
    table = runner.invoke(app, [*base], env={"COLUMNS": "200", "NO_COLOR": "1"}).stdout
    markdown = runner.invoke(app, [*base, "--format", "markdown"]).stdout
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*base, "--format", "csv"]).stdout)))
    assert [r["key"] for r in rows] == [r["key"] for r in records]
    for record, row in zip(records, rows, strict=True):
        assert row["status"] == record["status"]
        assert float(row["completion"]) == pytest.approx(record["completion"])
        assert row["alert"] == str(record["alert"])
        line = next(line for line in table.splitlines() if str(record["name_zh"]) in line)
        assert label(str(record["status"]), "zh") in line
        assert f"{record['completion'] * 100:.0f}%" in line  # type: ignore[operator]
        assert ("⚠" in line) == record["alert"]
        md_line = next(line for line in markdown.splitlines() if str(record["name_zh"]) in line)
        assert label(str(record["status"]), "zh") in md_line
        assert ("⚠" in md_line) == record["alert"]
    assert "滞后 1" in table and "预警 1" in table


def test_status_fits_80_columns_without_colour(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["status", "-j", "chongming", "--as-of", "2024"],
        env={"COLUMNS": "80", "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "\x1b[" not in result.stdout


def test_fail_on(runner: CliRunner, demo: Path) -> None:
    base = ["status", "--data-dir", str(demo), "--as-of", "2024-01-15", "--format", "json"]
    assert runner.invoke(app, [*base, "--fail-on", "alert"]).exit_code == 1
    assert runner.invoke(app, [*base, "--fail-on", "lagging"]).exit_code == 1
    assert runner.invoke(app, [*base, "--fail-on", "never"]).exit_code == 0
    assert runner.invoke(app, [*base, "--fail-on", "alert", "--type", "expected"]).exit_code == 0


def test_filters_and_as_of(runner: CliRunner, demo: Path) -> None:
    assert [r["indicator"] for r in _status(runner, demo, "--status", "ahead")] == ["dibao_share"]
    early = {r["indicator"]: r for r in _status(runner, demo, "--as-of", "2022")}
    # As of the end of 2022 the 2023 figures do not exist yet: beds read 1020 (2022).
    assert early["beds"]["latest"]["period"] == "2022"  # type: ignore[index]
    assert early["dibao_share"]["status"] == "no_data"
    growth = _status(runner, demo, "--method", "growth")
    assert {r["method"] for r in growth} == {"growth"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "soon"], "is not a date or a year"),
        (["--status", "late"], "unknown status 'late'"),
        (["-j", "nowhere"], "unknown jurisdiction 'nowhere'"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    runner: CliRunner, demo: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["status", "--data-dir", str(demo), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_bundled_shanghai_status_has_a_status_for_every_target(runner: CliRunner) -> None:
    listed = json.loads(
        runner.invoke(app, ["list", "targets", "-j", "shanghai", "--format", "json"]).stdout
    )
    result = runner.invoke(
        app, ["status", "-j", "shanghai", "--as-of", "2026-11-23", "--format", "json"]
    )
    records = json.loads(result.stdout)
    assert [r["key"] for r in records] != [] and {r["key"] for r in records} == {
        r["key"] for r in listed
    }
    assert all(r["status"] for r in records)
    assert all(r["status"] == "no_data" for r in records if r["latest"] is None)
    # 居室适老化改造 is cumulative: the table shows the sum of 2021 and 2022 (6868 + 6804).
    table = runner.invoke(
        app, ["status", "-j", "shanghai", "--as-of", "2026-11-23"], env={"COLUMNS": "200"}
    ).stdout
    assert "Σ13672 (2022)" in next(line for line in table.splitlines() if "居室适老化改造" in line)


def test_show_one_target(runner: CliRunner, demo: Path) -> None:
    result = runner.invoke(
        app,
        ["show", "beds", "--data-dir", str(demo), "--as-of", "2024-01-15"],
        env={"COLUMNS": "120", "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    for expected in (
        "养老床位总数",
        "demo_plan/city/beds",
        "1200张以上",
        "demo bulletin 2023",
        "滞后",
        "default",
        "growth",
    ):
        assert expected in result.stdout
    assert any(c in result.stdout for c in "▁▂▃▄▅▆▇█")
    missing = runner.invoke(app, ["show", "nothing", "--data-dir", str(demo)])
    assert missing.exit_code == 2


@pytest.mark.parametrize(
    ("args", "summary"),
    [
        (["--status", "ahead", "--lang", "en"], "1 target: "),
        (["--lang", "en"], "2 targets: "),
        (["--status", "ahead"], "共 1 项: "),
    ],
)
def test_the_summary_counts_in_words(
    runner: CliRunner, demo: Path, args: list[str], summary: str
) -> None:
    result = runner.invoke(app, ["status", "--data-dir", str(demo), *args])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith(summary)


@pytest.mark.parametrize("arguments", [["status"], ["validate"], ["import", "-"]])
def test_a_working_directory_that_is_gone_is_a_usage_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, arguments: list[str]
) -> None:
    def gone() -> Path:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(Path, "cwd", gone)
    result = runner.invoke(app, arguments, input="")
    assert result.exit_code == 2
    assert result.stderr == (
        "mzplan: error: the working directory no longer exists "
        "(cd to a folder that exists and run the command again)\n"
    )
