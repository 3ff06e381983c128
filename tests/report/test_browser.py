"""The report as a person sees it: rendered by real headless Chromium from file://.

Skips, with the reason, only where Debian's ``chromium`` is not installed
(``.ci/run`` installs it).

How "no request left the page" is checked: Chromium runs with
``--host-resolver-rules="MAP * ~NOTFOUND"``, so nothing can leave the machine
whatever happens, and with ``--log-net-log``, which records every URL request
its network stack starts (``URL_REQUEST_START_JOB`` events, with the URL). A
page's own requests are told apart from Chromium's background chatter (update
checks, account and time look-ups that it makes despite the flags) by the
network isolation key or site-for-cookies of the request, which name the
page's ``file://`` site, or by the page's opaque ``null`` initiator. A control
page with a remote style sheet, image and CSS ``url()`` must show up in that
check, so the check cannot pass by looking at the wrong thing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mzplan.cli import app
from tests.report.conftest import AS_OF
from tests.report.pagecheck import Page, parse_page

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed: apt-get install chromium"
)
FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
CONTROL = """<!DOCTYPE html><html><head><style>@import url("https://fonts.example.com/a.css");
body { background: url(http://images.example.org/b.png); }</style></head>
<body><img src="https://example.com/c.png" alt="c"><p>control</p></body></html>
"""


def _chromium(page: Path, work: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = work / f"profile-{len(list(work.glob('profile-*')))}"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *mode, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def _net_events(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short ends inside the event list
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    return [
        event["params"]
        for event in log["events"]
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in event.get("params", {})
    ]


def _page_requests(path: Path) -> list[str]:
    """Return the URLs the page (not Chromium itself) asked for, from a net log."""
    urls = []
    for params in _net_events(path):
        ours = (
            "file://" in str(params.get("network_isolation_key", ""))
            or "file://" in str(params.get("site_for_cookies", ""))
            or params.get("initiator") == "null"
            or str(params.get("initiator", "")).startswith("file:")
        )
        if ours:
            urls.append(str(params["url"]))
    return urls


def _render(page: Path, work: Path) -> tuple[Page, list[str]]:
    """Return the DOM Chromium built from ``page`` and the requests the page made."""
    net_log = work / f"{page.stem}-net.json"
    result = _chromium(page, work, f"--log-net-log={net_log}", "--dump-dom")
    requests = [url for url in _page_requests(net_log) if not url.startswith(("file:", "data:"))]
    return parse_page(result.stdout), requests


def _records(runner: CliRunner, *args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["status", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


def _assert_rows_match(dom: Page, records: list[dict[str, Any]]) -> None:
    assert dom.errors == []
    assert set(dom.rows) == {r["key"] for r in records}
    for record in records:
        row = dom.rows[record["key"]]
        assert record["name_zh"] in row.text
        assert ("alert" in row.classes) == record["alert"]
        assert ("预警" in row.text) == record["alert"]
        assert row.attributes["data-alert"] == ("true" if record["alert"] else "false")


def test_the_control_page_is_caught(tmp_path: Path) -> None:
    control = tmp_path / "control.html"
    control.write_text(CONTROL, encoding="utf-8")
    dom, requests = _render(control, tmp_path)
    assert "control" in dom.text
    assert {"https://fonts.example.com/a.css", "https://example.com/c.png"} <= set(requests)


def test_shanghai_report_in_chromium(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "-j", "shanghai", "-o", str(report), "--as-of", "2024"])
    assert result.exit_code == 0, result.output
    records = _records(runner, "-j", "shanghai", "--as-of", "2024")
    assert records

    dom, requests = _render(report, tmp_path)
    assert requests == []
    _assert_rows_match(dom, records)
    assert dom.lang == "zh-CN"
    assert len(dom.svgs) == dom.svg_titles > 0

    screenshot = tmp_path / "report.png"
    _chromium(report, tmp_path, f"--screenshot={screenshot}", "--window-size=1280,2000")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000  # a page with text and charts, not a blank


def test_alert_rows_are_marked_in_chromium(runner: CliRunner, demo: Path, tmp_path: Path) -> None:
    report = tmp_path / "demo.html"
    base = ["--data-dir", str(demo), "-j", "all", "--as-of", AS_OF]
    result = runner.invoke(app, ["report", *base, "-o", str(report)])
    assert result.exit_code == 0, result.output
    records = _records(runner, *base)
    assert any(r["alert"] for r in records)

    dom, requests = _render(report, tmp_path)
    assert requests == []
    _assert_rows_match(dom, records)
    assert "滞后 ⚠ 预警" in dom.matrix_text
    assert len(dom.alert_items) == 1 and "养老床位总数" in dom.alert_items[0]
