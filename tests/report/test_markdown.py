"""The Markdown report says what ``status --format json`` says: names, statuses, alerts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mzplan.cli import app
from mzplan.labels import label
from tests.report.conftest import AS_OF


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _assert_agrees(markdown: str, records: list[dict[str, Any]], language: str) -> None:
    name_key = "name_zh" if language == "zh" else "name_en"
    alert_word = label("alert", "zh" if language == "zh" else "en")
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    for record in records:
        # One table row per target: its name, its jurisdiction's row, its status in words.
        matching = [
            line
            for line in rows
            if f"| {record[name_key]} |" in line
            and label(record["status"], "zh" if language == "zh" else "en") in line
            and record["target"]["text"] in line
        ]
        assert matching, record["key"]
        assert all((f"⚠ {alert_word}" in line) == record["alert"] for line in matching)
    alerts = [line for line in markdown.splitlines() if line.startswith(f"- ⚠ {alert_word}:")]
    assert len(alerts) == sum(1 for r in records if r["alert"])
    for line, record in zip(alerts, [r for r in records if r["alert"]], strict=True):
        assert record[name_key] in line
    assert "\x1b[" not in markdown and "<span" not in markdown  # no colour to depend on


@pytest.mark.parametrize("language", ["zh", "en"])
def test_markdown_report_agrees_with_status_json(
    runner: CliRunner, demo: Path, language: str
) -> None:
    base = ["--data-dir", str(demo), "--as-of", AS_OF, "-j", "all", "--lang", language]
    records = json.loads(_run(runner, "status", *base, "--format", "json"))
    markdown = _run(runner, "report", *base, "--format", "markdown")
    _assert_agrees(markdown, records, language)
    assert sum(r["alert"] for r in records) == 1
    assert markdown.startswith(f"# {label('report_title', 'zh' if language == 'zh' else 'en')}")
    assert f"{AS_OF}" in markdown
    # The status command's own Markdown is the body of the report's.
    status_markdown = _run(runner, "status", *base, "--format", "markdown")
    assert status_markdown.strip() in markdown


def test_markdown_report_of_bundled_shanghai_agrees(runner: CliRunner) -> None:
    base = ["-j", "shanghai", "--as-of", "2024"]
    records = json.loads(_run(runner, "status", *base, "--format", "json"))
    markdown = _run(runner, "report", *base, "--format", "markdown")
    assert records
    _assert_agrees(markdown, records, "zh")
    # Every target's source, for baseline/target and for the latest figure.
    for record in records:
        if record["latest"]:
            assert record["latest"]["source"].replace("|", "\\|") in markdown
