"""A small repository for the report: a binding target that lags (an alert), one ahead.

The base example plus observations, as in ``tests/cli/test_status.py``, with a
district target so that a report covers two jurisdictions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, build_example

AS_OF = "2024-01-15"
OBSERVATIONS = {
    "beds": """indicator,jurisdiction,period,value,unit,source,note,preferred
beds,city,2021,1010,张,demo bulletin 2021,,
beds,city,2022,1020,张,demo bulletin 2022,,
beds,city,2023,1050,张,demo bulletin 2023,,
beds,city,2024,1190,张,demo bulletin 2024 (after as of),,
beds,east,2023,130,张,east yearbook 2023,,
""",
    "dibao_share": """indicator,jurisdiction,period,value,unit,source,note,preferred
dibao_share,city,2023,1.6,%,demo bulletin 2023,,
""",
}
EAST_TARGETS = """plan: demo_plan
jurisdiction: east
targets:
  - indicator: beds
    type: expected
    baseline: {value: 100, year: 2020}
    target: {value: 140, year: 2025, text: "140张"}
    source: {file: demo.txt, section: "三"}
"""


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """Return the base example with observations: city beds lag (binding: an alert)."""
    data = build_example(EXAMPLES / "base", EXAMPLES / "base", tmp_path / "data")
    (data / "observations").mkdir()
    for indicator, text in OBSERVATIONS.items():
        (data / "observations" / f"{indicator}.csv").write_text(text, encoding="utf-8")
    (data / "targets" / "demo_plan" / "east.yaml").write_text(EAST_TARGETS, encoding="utf-8")
    return data
