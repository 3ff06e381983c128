"""The HTML report builder on a small repository: every target, alerts marked, no request."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mzplan.cli import app
from mzplan.labels import Language, label
from mzplan.listing import build_selection
from mzplan.loading import load_repository
from mzplan.render.html import render_report_html
from mzplan.render.report import ReportContent, build_report_content
from mzplan.status import build_status
from tests.report.conftest import AS_OF
from tests.report.pagecheck import fetching_references, parse_page


def _content(data: Path, language: Language = "zh", *places: str) -> ReportContent:
    loaded = load_repository(data)
    assert loaded.report.valid
    repository = loaded.repository
    report = build_status(
        repository,
        build_selection(repository, jurisdictions=places),
        as_of=datetime.date.fromisoformat(AS_OF),
    )
    return build_report_content(repository, report, language=language)


def test_every_target_is_a_row_and_alert_rows_say_so(demo: Path) -> None:
    content = _content(demo)
    page = parse_page(render_report_html(content))
    records = content.records
    assert set(page.rows) == {r["key"] for r in records} and len(records) == 3
    for record in records:
        row = page.rows[record["key"]]
        assert record["name_zh"] in row.text
        assert label(record["status"], "zh") in row.text
        assert row.attributes["data-status"] == record["status"]
        # Marked by class (for colour) and by the word, not colour alone.
        assert ("alert" in row.classes) == record["alert"]
        assert ("预警" in row.text) == record["alert"]
    assert [r["key"] for r in records if r["alert"]] == ["demo_plan/city/beds"]
    # The summary names the alert first, in words.
    assert len(page.alert_items) == 1 and "养老床位总数" in page.alert_items[0]
    assert "滞后" in page.alert_items[0]
    assert page.text.index("预警") < page.text.index("滞后 1")


def test_page_makes_no_request(demo: Path) -> None:
    text = render_report_html(_content(demo))
    assert fetching_references(text) == []
    assert "http:" not in text and "https:" not in text
    page = parse_page(text)
    # Links stay inside the page and land on an element that exists.
    assert page.links and all(link.startswith("#") for link in page.links)
    assert {link[1:] for link in page.links} <= page.ids


def test_page_structure_and_text_alternatives(demo: Path) -> None:
    text = render_report_html(_content(demo))
    assert text.startswith("<!DOCTYPE html>\n")
    page = parse_page(text)
    assert page.errors == []
    assert page.lang == "zh-CN"
    assert page.svgs and all(
        svg.get("role") == "img" and svg.get("aria-label") for svg in page.svgs
    )
    assert page.svg_titles == len(page.svgs)
    assert page.tables >= 2 and page.captions == page.tables  # domain table and matrix
    assert page.headers_without_scope == 0
    for font in ('"PingFang SC"', '"Microsoft YaHei"', '"Noto Sans CJK SC"', "sans-serif"):
        assert font in page.style
    assert "@page { size: A4; margin: 15mm; }" in page.style
    assert "@media print" in page.style and "break-inside: avoid" in page.style
    # Each number has its source on hover and in the numbered list of sources.
    assert 'title="demo bulletin 2023"' in text
    assert '<li id="src-1">' in text


def test_chart_shows_history_up_to_as_of_against_the_schedule(demo: Path) -> None:
    text = render_report_html(_content(demo))
    label_text = re.search(r'aria-label="(养老床位总数 — [^"]*)"', text)
    assert label_text is not None
    # 2021–2023 observed, each with its on-schedule value; the 2024 figure is after "as of".
    assert "2021 观测值 1010 (序时进度线 1040)" in label_text.group(1)
    assert "2023 观测值 1050 (序时进度线 1120)" in label_text.group(1)
    assert "目标值 1200" in label_text.group(1)
    assert "1190" not in text and "demo bulletin 2024" not in text


def test_deterministic_english_and_no_date_but_as_of(demo: Path) -> None:
    content = _content(demo, "en")
    text = render_report_html(content)
    assert text == render_report_html(_content(demo, "en"))
    assert parse_page(text).lang == "en"
    assert "lagging" in text and "Alert" in text
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}", text)) == {AS_OF}


def test_matrix_only_for_several_jurisdictions(demo: Path) -> None:
    both = parse_page(render_report_html(_content(demo)))
    assert "滞后 ⚠ 预警" in both.matrix_text and "快于预期" in both.matrix_text
    assert "东区" in both.matrix_text and "示例市" in both.matrix_text
    one = parse_page(render_report_html(_content(demo, "zh", "city")))
    assert one.matrix_text == ""
    assert set(one.rows) == {"demo_plan/city/beds", "demo_plan/city/dibao_share"}


def test_cli_writes_the_file_and_keeps_stdout_empty(
    runner: CliRunner, demo: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "report.html"
    base = ["report", "--data-dir", str(demo), "--as-of", AS_OF]
    missing = runner.invoke(app, [*base, "-o", str(output)])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    output.parent.mkdir()
    output.write_text("old", encoding="utf-8")
    result = runner.invoke(app, [*base, "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    written = output.read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html>") and "养老床位总数" in written
    assert sorted(p.name for p in output.parent.iterdir()) == ["report.html"]  # no temp left
    assert runner.invoke(app, base).stdout == written


def test_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "Example: mzplan report" in result.stdout


@pytest.mark.parametrize("args", [["--format", "pdf"], ["--as-of", "soon"], ["-j", "nowhere"]])
def test_bad_usage_exits_2(runner: CliRunner, demo: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["report", "--data-dir", str(demo), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
