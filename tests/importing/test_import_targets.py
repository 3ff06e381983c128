"""`mzplan import` loads the catalog and the stored observations, never the targets.

An import writes only observations and none of its checks looks at a target, so a
broken target file does not stop it (``mzplan validate`` still reports the file);
a broken catalog file or stored observation file does, with its place named.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mzplan.cli import app
from mzplan.observation_store import read_observation_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TARGET = Path("targets") / "shanghai_civil_affairs_14th" / "shanghai.yaml"
OBSERVATIONS_HEADER = "indicator,jurisdiction,period,value,unit,source,note,preferred\n"


def run(runner: CliRunner, data_dir: Path, *arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*arguments, "--data-dir", str(data_dir)])
    return result.exit_code, result.stdout, result.stderr


def snapshot(data_dir: Path) -> dict[str, bytes]:
    folder = data_dir / "observations"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}


def stored(data_dir: Path, indicator: str) -> list[tuple[str, str, float]]:
    path = data_dir / "observations" / f"{indicator}.csv"
    rows, problems = read_observation_file(path.read_bytes(), path.name)
    assert not problems
    return [(r.jurisdiction, r.period, r.value) for r in rows]


def _invalid_yaml(text: str) -> str:
    return text + "targets: [unclosed\n"


def _unknown_field(text: str) -> str:
    return text.replace("jurisdiction: shanghai\n", "jurisdiction: shanghai\ncolour: red\n", 1)


def _unknown_indicator(text: str) -> str:
    return text.replace("- indicator: dibao_standard_ratio", "- indicator: no_such_indicator", 1)


@pytest.mark.parametrize(
    ("breakage", "reported"),
    [
        (_invalid_yaml, "(yaml-syntax)"),
        (_unknown_field, "unknown field 'colour'"),
        (_unknown_indicator, "unknown indicator 'no_such_indicator'"),
    ],
    ids=["invalid-yaml", "unknown-field", "unknown-indicator"],
)
def test_a_broken_target_file_does_not_stop_the_import(
    runner: CliRunner, data_dir: Path, breakage: Callable[[str], str], reported: str
) -> None:
    target = data_dir / TARGET
    broken = breakage(target.read_text(encoding="utf-8"))
    assert broken != target.read_text(encoding="utf-8")
    target.write_text(broken, encoding="utf-8")

    code, stdout, stderr = run(runner, data_dir, "import", str(FIXTURES / "semicolon.csv"))

    assert code == 0, stderr
    assert "2 added" in stdout
    assert stored(data_dir, "elderly_care_beds") == [
        ("pudong", "2023-09", 12345),
        ("shanghai", "2023-Q3", 170000),
    ]
    code, stdout, _ = run(runner, data_dir, "validate")
    assert code == 1
    assert f"{TARGET.as_posix()}:" in stdout
    assert reported in stdout


def test_an_undecodable_target_file_does_not_stop_the_import(
    runner: CliRunner, data_dir: Path
) -> None:
    (data_dir / TARGET).write_bytes(b"plan: \xff\xfe\n")
    code, _, stderr = run(runner, data_dir, "import", str(FIXTURES / "semicolon.csv"))
    assert code == 0, stderr
    assert run(runner, data_dir, "validate")[0] == 1


def _break_catalog(data_dir: Path) -> str:
    path = data_dir / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: ", "  - colour: red\n    id: ", 1), encoding="utf-8")
    return "indicators.yaml:"


def _break_plans(data_dir: Path) -> str:
    (data_dir / "plans.yaml").write_text("plans: [unclosed\n", encoding="utf-8")
    return "plans.yaml:"


def _break_stored_observations(data_dir: Path) -> str:
    folder = data_dir / "observations"
    folder.mkdir(exist_ok=True)
    (folder / "elderly_care_beds.csv").write_text(
        OBSERVATIONS_HEADER + "elderly_care_beds,nowhere,2021,1,张,a report,,\n", encoding="utf-8"
    )
    return "observations/elderly_care_beds.csv:2: [error] jurisdiction: unknown jurisdiction"


@pytest.mark.parametrize(
    "breakage",
    [_break_catalog, _break_plans, _break_stored_observations],
    ids=["indicators", "plans", "stored-observations"],
)
def test_a_broken_catalog_or_stored_observation_file_stops_the_import(
    runner: CliRunner, data_dir: Path, breakage: Callable[[Path], str]
) -> None:
    place = breakage(data_dir)
    before = snapshot(data_dir)

    code, _, stderr = run(runner, data_dir, "import", str(FIXTURES / "semicolon.csv"))

    assert code == 1
    assert "mzplan: error: the data has 1 problem (run 'mzplan validate' for the list)" in stderr
    assert f"  {data_dir}/{place}" in stderr
    assert snapshot(data_dir) == before
