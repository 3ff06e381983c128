"""The catalog commands through the CLI: validate, list, schema, init, --version, --help."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from mzplan import __version__
from mzplan.cli import app
from mzplan.datadir import bundled_data_dir
from mzplan.schema import SCHEMAS, render_schema
from tests.conftest import EXAMPLES, TARGET_CONTRACT, build_example

ROOT = Path(__file__).parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
CHONGMING_SEED = SEEDS / "004_5260b8c10a0e9d13.txt"


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"mzplan {__version__}\n"


COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_the_commands() -> None:
    assert {"validate", "list", "schema", "init", "status", "show", "import"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Example: mzplan " in result.stdout


def test_bundled_data_is_valid(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./data here: the bundled data is used
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "[error]" not in result.stdout


def test_broken_copy_fails_located(runner: CliRunner, bundled_copy: Path) -> None:
    path = bundled_copy / "targets" / "chongming_civil_affairs_14th" / "chongming.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("value: 10105", "value: 8000", 1), encoding="utf-8")
    line = text[: text.index("value: 10105")].count("\n") + 1
    result = runner.invoke(app, ["validate", "--data-dir", str(bundled_copy)])
    assert result.exit_code == 1
    assert f"chongming.yaml:{line}:" in result.stdout
    assert "target 8000 is below the baseline 8439" in result.stdout


def _broken(tmp_path: Path) -> Path:
    return build_example(
        EXAMPLES / "base", EXAMPLES / "invalid" / "target-logic", tmp_path / "data"
    )


def test_validate_json_is_a_list_of_problems(runner: CliRunner, tmp_path: Path) -> None:
    data = _broken(tmp_path)
    result = runner.invoke(app, ["validate", "--data-dir", str(data), "--format", "json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert {p["code"] for p in problems} >= {
        "unit-mismatch",
        "target-direction",
        "duplicate-target",
    }
    assert set(problems[0]) == {
        "file",
        "line",
        "column",
        "field",
        "code",
        "message",
        "hint",
        "severity",
    }
    assert problems == sorted(problems, key=lambda p: (p["file"], p["line"], p["column"]))


def test_validate_github_annotations(runner: CliRunner, tmp_path: Path) -> None:
    data = _broken(tmp_path)
    result = runner.invoke(app, ["validate", "--data-dir", str(data), "--format", "github"])
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert re.match(
        r"^::error file=[^,]+city\.yaml,line=5,col=11,title=unit-mismatch::targets\[0\]\.unit: ",
        first,
    )
    # The plain log follows the annotations, as GitHub shows only ten of them.
    assert "[error]" in result.stdout


def test_missing_data_dir_is_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--data-dir", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_data_dir_from_environment_and_cwd(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _broken(tmp_path)
    monkeypatch.chdir(tmp_path)  # ./data is the broken example
    assert runner.invoke(app, ["validate"]).exit_code == 1
    env = {"MZPLAN_DATA": str(bundled_data_dir())}
    assert runner.invoke(app, ["validate"], env=env).exit_code == 0
    assert runner.invoke(app, ["validate", "--data-dir", str(data.parent)]).exit_code == 1


def _chongming_table() -> list[list[str]]:
    lines = CHONGMING_SEED.read_text(encoding="utf-8").splitlines()
    rows = [line.rstrip(" |") for line in lines if re.match(r"^\d+ \| ", line)]
    return [[c.strip() for c in row.split(" | ")] for row in rows]


def _number(text: str) -> float:
    return float(text.lstrip("≥≤"))


def test_list_targets_shows_the_17_chongming_table_rows_as_printed(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list", "targets", "-j", "chongming", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    by_section = {r["source"]["section"]: r for r in records}
    table = _chongming_table()
    assert len(table) == 17
    for row in table:
        number, name, definition, baseline, target, unit, kind = row[:7]
        record = by_section[f"三(四) 主要指标 第{number}行"]
        assert record["name_zh"] == name
        assert record["definition"] == definition
        assert record["baseline"]["value"] == _number(baseline)
        assert record["baseline"]["year"] == 2020
        assert record["target"]["value"] == _number(target)
        assert record["target"]["text"] == target
        assert record["target"]["year"] == 2025
        assert record["unit"] == unit
        assert record["type"] == {"约束性": "binding", "预期性": "expected"}[kind]
        expected = (
            "at_least" if target.startswith("≥") or record["direction"] == "increase" else "at_most"
        )
        assert record["target"]["comparison"] == expected


def test_list_targets_json_contract(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "list",
            "targets",
            "-j",
            "上海市",
            "-p",
            "shanghai_civil_affairs_14th",
            "--format",
            "json",
        ],
    )
    records = json.loads(result.stdout)
    assert records and all(set(r) >= TARGET_CONTRACT for r in records)
    beds = next(r for r in records if r["indicator"] == "elderly_care_beds")
    assert beds["baseline"] == {"value": 159000, "year": 2020, "text": "15.9萬張"}
    assert beds["target"]["value"] == 178000
    assert beds["target"]["comparison"] == "at_least"
    assert beds["source"]["file"] == "002_d52665f242e12d10.txt"


def test_list_filters_and_formats(runner: CliRunner) -> None:
    binding = json.loads(
        runner.invoke(
            app, ["list", "targets", "-j", "崇明", "--type", "binding", "--format", "json"]
        ).stdout
    )
    assert {r["type"] for r in binding} == {"binding"}
    assert len(binding) == 5
    csv_text = runner.invoke(
        app, ["list", "targets", "-j", "chongming", "--domain", "elderly_care", "--format", "csv"]
    ).stdout
    header, *rows = csv_text.splitlines()
    assert header.startswith("key,indicator,name_zh,name_en,jurisdiction,plan,domain,type,unit")
    assert rows and all(",elderly_care," in row for row in rows)
    english = runner.invoke(app, ["list", "targets", "-j", "chongming", "--lang", "en"]).stdout
    assert "Elderly care beds" in english and "binding" in english
    assert "养老床位总数" in runner.invoke(app, ["list", "targets", "-j", "chongming"]).stdout
    for kind in ("indicators", "plans", "jurisdictions"):
        result = runner.invoke(app, ["list", kind, "--format", "json"])
        assert result.exit_code == 0 and json.loads(result.stdout)


def test_unknown_filter_is_usage_error_with_suggestion(runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "targets", "-j", "chongmin"])
    assert result.exit_code == 2
    assert "unknown jurisdiction 'chongmin'" in result.stderr
    assert "did you mean 'chongming'" in result.stderr


def test_committed_schemas_are_current() -> None:
    for name in SCHEMAS:
        committed = (ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
        assert committed == render_schema(name), f"run: mzplan schema --output-dir schema ({name})"


def test_schema_command(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema", "targets"])
    assert json.loads(result.stdout)["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert runner.invoke(app, ["schema"]).exit_code == 2


def test_init_scaffolds_a_valid_empty_repository(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "hangzhou"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--data-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["init", str(root)]).exit_code == 2  # never overwrites


def test_bundled_data_is_the_repository_data() -> None:
    # The wheel ships data/ as mzplan/data; a source checkout reads data/ itself.
    assert (bundled_data_dir() / "indicators.yaml").read_bytes() == (
        ROOT / "data" / "indicators.yaml"
    ).read_bytes()


def test_problem_places_omit_an_unknown_column() -> None:
    from mzplan.problems import Problem
    from mzplan.render.problems import format_problem

    row = Problem("data/observations/beds.csv", 3, 0, "value", "csv-value", "'x' is not a number")
    assert format_problem(row).startswith("data/observations/beds.csv:3: [error] value: ")
    whole = Problem("data/plans.yaml", code="missing-file", message="missing file plans.yaml")
    assert format_problem(whole).startswith("data/plans.yaml: [error] missing file")
