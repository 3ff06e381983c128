"""`mzplan import` of .xlsx workbooks (through openpyxl), on a temporary copy of the data."""

from __future__ import annotations

import datetime
import io
import json
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mzplan.cli import app
from mzplan.csvinput import InputError, read_table
from mzplan.importing import ImportedRow, ImportOptions, read_import
from mzplan.loading import load_repository
from mzplan.observation_store import read_observation_file
from mzplan.repository import Repository
from mzplan.xlsxinput import cell_text

openpyxl = pytest.importorskip("openpyxl")

LONG: list[object] = ["指标", "地区", "年份", "数值", "单位", "来源"]


def workbook(path: Path, *sheets: tuple[str, Sequence[Sequence[object]]]) -> Path:
    """Write a workbook with the given sheets (name, rows) and return its path."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def run(runner: CliRunner, data_dir: Path, *arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", *arguments, "--data-dir", str(data_dir)])
    return result.exit_code, result.stdout, result.stderr


def stored(data_dir: Path, indicator: str) -> list[tuple[str, str, float, str, str]]:
    path = data_dir / "observations" / f"{indicator}.csv"
    rows, problems = read_observation_file(path.read_bytes(), path.name)
    assert not problems
    return [(r.jurisdiction, r.period, r.value, r.unit, r.source) for r in rows]


def snapshot(data_dir: Path) -> dict[str, bytes]:
    folder = data_dir / "observations"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}


def test_long_layout_with_chinese_headers_imports_once(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "long.xlsx",
        (
            "数据",
            [
                [],  # a blank first row: the header is the first non-empty row
                LONG,
                ["养老床位总数", "上海市", 2021, 158500, "张", "年度统计"],
                ["养老床位总数", "上海市", "2022年", "16.36万", "张", "年度统计"],
                [None, None, None, None, None, None],
                ["养老床位总数", "上海市", 2023, 170000.0, "张", "年度统计"],
                ["dibao_standard_ratio", "shanghai", 2022, 31.25, None, "年度统计"],
            ],
        ),
    )
    code, stdout, stderr = run(runner, data_dir, str(path))
    assert code == 0, stderr
    assert "4 added" in stdout
    assert stored(data_dir, "elderly_care_beds") == [
        ("shanghai", "2021", 158500, "张", "年度统计"),
        ("shanghai", "2022", 163600, "张", "年度统计"),
        ("shanghai", "2023", 170000, "张", "年度统计"),
    ]
    assert stored(data_dir, "dibao_standard_ratio") == [
        ("shanghai", "2022", 31.25, "%", "年度统计")
    ]
    assert load_repository(data_dir).report.valid
    before = snapshot(data_dir)
    code, stdout, _ = run(runner, data_dir, str(path), "--format", "json")
    assert code == 0
    summary = json.loads(stdout)
    assert (summary["added"], summary["changed"], summary["unchanged"]) == (0, 0, 4)
    assert summary["written"] == []
    assert snapshot(data_dir) == before


def test_wide_layout_with_year_columns_as_numbers(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "wide.xlsx",
        (
            "Sheet1",
            [
                ["指标", "地区", "单位", "来源", 2021, "2022年", 2023.0],
                ["养老床位总数", "上海市", "张", "年度统计", 158500, "16.36万", None],
                ["dibao_standard_ratio", "shanghai", "%", "年度统计", 30.5, 31, "33.2"],
            ],
        ),
    )
    code, stdout, stderr = run(runner, data_dir, str(path))
    assert code == 0, stderr
    assert "5 added" in stdout
    assert stored(data_dir, "elderly_care_beds") == [
        ("shanghai", "2021", 158500, "张", "年度统计"),
        ("shanghai", "2022", 163600, "张", "年度统计"),
    ]
    assert [r[2] for r in stored(data_dir, "dibao_standard_ratio")] == [30.5, 31, 33.2]


def test_a_bad_row_writes_nothing_and_names_the_sheet_row(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows: list[list[object]] = [
        LONG,
        ["养老床位总数", "上海市", 2021, 158500, "张", "年度统计"],
        [],  # a blank row still counts: the bad row is row 4 of the sheet
        ["养老床位总数", "上海市", 2022, "很多", "张", "年度统计"],
    ]
    workbook(tmp_path / "bad.xlsx", ("数据", rows))
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run(runner, data_dir, "bad.xlsx")
    assert code == 1
    assert "bad.xlsx:4: 数值: '很多' is not a number" in stderr
    assert "nothing written" in stderr
    assert snapshot(data_dir) == {}


def test_a_named_sheet_is_read_and_an_unknown_one_is_listed(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "two.xlsx",
        ("说明", [["本表为示例"]]),
        ("2021", [LONG, ["养老床位总数", "上海市", 2021, 158500, "张", "年度统计"]]),
    )
    code, _, stderr = run(runner, data_dir, str(path))
    assert code == 1 and "unknown column '本表为示例'" in stderr
    code, _, stderr = run(runner, data_dir, str(path), "--sheet", "2022")
    assert code == 1
    assert "no worksheet named '2022' (the worksheets: '说明', '2021')" in stderr
    code, stdout, stderr = run(runner, data_dir, str(path), "--sheet", "2021")
    assert code == 0, stderr
    assert "1 added" in stdout


def test_without_openpyxl_the_install_hint_is_given(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(tmp_path / "long.xlsx", ("Sheet1", [LONG]))
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    code, _, stderr = run(runner, data_dir, str(path))
    assert code == 1
    assert "needs openpyxl" in stderr and "pip install 'mzplan[xlsx]'" in stderr
    assert "Traceback" not in stderr


def test_not_a_workbook_and_old_xls_are_explained(runner: CliRunner, data_dir: Path) -> None:
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("content.xml", "<office/>")
    result = runner.invoke(
        app, ["import", "-", "--data-dir", str(data_dir)], input=zipped.getvalue()
    )
    assert result.exit_code == 1 and "not a readable .xlsx workbook" in result.stderr
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    result = runner.invoke(app, ["import", "-", "--data-dir", str(data_dir)], input=old)
    assert result.exit_code == 1 and "an old .xls workbook" in result.stderr


def test_read_table_keeps_the_callers_stream_open(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["a", 2021])
    sheet.append([1, 2.5])
    sheet["C1"].number_format = "0.00"  # formatted but empty: no column
    sheet["C2"].number_format = "0.00"
    book.save(tmp_path / "t.xlsx")
    with (tmp_path / "t.xlsx").open("rb") as stream:
        table = read_table(stream)
        assert (table.header, table.encoding, table.delimiter) == (("a", "2021"), "xlsx", "")
        assert table.reader is None
        assert [(row.line, row.cells) for row in table.rows] == [(2, ("1", "2.5", ""))]
        table.close()
        assert not stream.closed


def test_an_empty_sheet_is_an_input_error(tmp_path: Path) -> None:
    path = workbook(tmp_path / "empty.xlsx", ("Sheet1", []))
    with pytest.raises(InputError, match="the sheet 'Sheet1' is empty"):
        read_table(io.BytesIO(path.read_bytes()))


def test_read_import_reads_a_workbook(repository: Repository, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "long.xlsx",
        ("Sheet1", [LONG, ["养老床位总数", "上海市", 2021, 158500, "张", "年度统计"]]),
    )
    with path.open("rb") as stream:
        items = list(read_import(stream, "long.xlsx", repository, ImportOptions()))
    assert len(items) == 1 and isinstance(items[0], ImportedRow)
    assert (items[0].observation.value, items[0].observation.line) == (158500, 2)


def test_a_percentage_cell_is_read_as_shown(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "jurisdiction", "period", "value", "source"])
    sheet.append(["nursing_bed_share", "shanghai", 2022, 0.6, "年度统计"])
    sheet["D2"].number_format = "0%"
    book.save(tmp_path / "share.xlsx")
    code, _, stderr = run(runner, data_dir, str(tmp_path / "share.xlsx"))
    assert code == 0, stderr
    assert stored(data_dir, "nursing_bed_share") == [("shanghai", "2022", 60, "%", "年度统计")]


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, None, ""),
        (1234, None, "1234"),
        (1234.0, None, "1234"),
        (-0.0, None, "0"),
        (17.8, None, "17.8"),
        (0.1 + 0.2, None, "0.30000000000000004"),
        (1.5e-05, None, "0.000015"),
        (1e20, None, "100000000000000000000"),
        (0.605, "0.0%", "60.5%"),
        (1, '0"%"', "1"),
        (float("nan"), None, "nan"),
        (True, None, "true"),
        (False, None, "false"),
        (datetime.datetime(2023, 9, 30, 0, 0), "yyyy-mm-dd", "2023-09-30"),
        (datetime.date(2023, 9, 30), None, "2023-09-30"),
        ("  17.8万 ", None, "17.8万"),
    ],
)
def test_cells_read_as_a_person_reads_them(
    value: object, number_format: str | None, text: str
) -> None:
    assert cell_text(value, number_format) == text
