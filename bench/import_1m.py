"""Time `mzplan import` of a 1,000,000-row CSV against merely reading it with the csv module.

Run: /tmp/venv/bin/python bench/import_1m.py [ROWS]
It generates the CSV and a copy of data/ in a temporary folder, so the repository is untouched.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JURISDICTIONS = ["shanghai", "huangpu", "xuhui", "changning", "jingan", "putuo", "hongkou",
                 "yangpu", "minhang", "baoshan", "jiading", "pudong", "jinshan", "songjiang",
                 "qingpu", "fengxian", "chongming"]  # fmt: skip


def generate(path: Path, rows: int) -> None:
    """Write ``rows`` monthly observations of one indicator, from as many sources as needed."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["indicator", "jurisdiction", "period", "value", "unit", "source"])
        written = 0
        source = 0
        while written < rows:
            for place, jurisdiction in enumerate(JURISDICTIONS):
                for year in range(1990, 2028):
                    for month in range(1, 13):
                        if written == rows:
                            return
                        # Sources agree, so the data stays free of disagreement warnings.
                        value = 1000 + (place * 7919 + year * 12 + month) % 99_991
                        period = f"{year}-{month:02d}"
                        writer.writerow(
                            ["elderly_care_beds", jurisdiction, period, value, "张", f"s{source}"]
                        )
                        written += 1
            source += 1


def main() -> None:
    """Generate, time the import and the bare read, and print both and the ratio."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    mzplan = Path(sys.executable).with_name("mzplan")
    with tempfile.TemporaryDirectory() as folder:
        temporary = Path(folder)
        source = temporary / "observations.csv"
        generate(source, rows)
        data = temporary / "data"
        shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("observations"))

        start = time.perf_counter()
        with source.open(encoding="utf-8", newline="") as handle:
            count = sum(1 for _ in csv.reader(handle)) - 1
        read_seconds = time.perf_counter() - start

        start = time.perf_counter()
        result = subprocess.run(
            [str(mzplan), "import", str(source), "--data-dir", str(data)],
            capture_output=True,
            text=True,
            check=False,
        )
        import_seconds = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"import failed ({result.returncode}): {result.stderr[-2000:]}")

    print(f"rows: {count:,}")
    print(f"csv.reader only: {read_seconds:8.2f} s")
    print(f"mzplan import:   {import_seconds:8.2f} s  ({result.stdout.strip()})")
    print(f"ratio:           {import_seconds / read_seconds:8.1f} x")


if __name__ == "__main__":
    main()
