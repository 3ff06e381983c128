"""A real import killed midway (SIGKILL) leaves the data valid: old rows or new, never half."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mzplan.loading import load_repository

DATA = Path(__file__).resolve().parents[2] / "data"
ROWS = 60_000


def _write_big_import(path: Path) -> None:
    lines = ["indicator,jurisdiction,period,value,unit,source"]
    lines += [
        f"elderly_care_beds,shanghai,{1900 + i // 12}-{i % 12 + 1:02d},{150000 + i},张,s{i % 7}"
        for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("delay", [0.4, 1.2, 2.5])
def test_killed_import_leaves_data_valid(tmp_path: Path, delay: float) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns(".lock"))
    before = (data / "observations" / "elderly_care_beds.csv").read_bytes()
    source = tmp_path / "big.csv"
    _write_big_import(source)
    process = subprocess.Popen(
        [sys.executable, "-m", "mzplan", "import", "--data-dir", str(data), str(source)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    after = (data / "observations" / "elderly_care_beds.csv").read_bytes()
    assert after == before or after.count(b"\n") == before.count(b"\n") + ROWS
    report = load_repository(data).report
    assert report.valid, report.errors[:3]
    leftovers = [
        p.name for p in (data / "observations").iterdir() if p.suffix not in {".csv", ".lock"}
    ]
    assert leftovers == [] or all(name.startswith(".") for name in leftovers)
