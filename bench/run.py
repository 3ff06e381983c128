"""The mzplan benchmark: start-up, scale and import, each next to its baseline measured in this run.

Run from the repository root:

    .venv/bin/python bench/run.py            # everything (about 6 minutes on 2 CPUs)
    .venv/bin/python bench/run.py --quick    # no national scale, a 200,000-row import

Every figure is a whole process (``subprocess``), the median of several runs, with its peak
memory (the child's maximum resident set, from ``os.wait4``). Data is generated into a
temporary folder (``bench/generate.py``, seeded), and the caches go to a temporary
``MZPLAN_CACHE_DIR``, so the repository and the user's cache are untouched. "cold" runs set
``MZPLAN_NO_CACHE=1``; "warm" runs read the parsed-data cache an earlier run wrote, with the
output cache off (``MZPLAN_NO_CACHE=output``); "output kept" runs print the output an
earlier run of the same command kept. The "reference: least pure-Python import" rows run
``bench/least_import.py`` on the same CSV: it only reads, orders and writes, and the run
stops unless it wrote the very files ``mzplan import`` did. The import is measured as
installed: in bulk (pyarrow) if the ``fast`` extra is, as the test set-up installs it; the
first line says which. Commands run with Python's bytecode cache on (``PYTHONDONTWRITEBYTECODE``
is dropped from their environment), as an installed mzplan's bytecode is compiled at install.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import generate, generate_import_csv  # noqa: E402

PYTHON = sys.executable
_SCRIPT = Path(PYTHON).with_name("mzplan")
MZPLAN = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-m", "mzplan"]
FLOOR = [PYTHON, str(BENCH / "read_floor.py")]
LEAST_IMPORT = [PYTHON, str(BENCH / "least_import.py")]


@dataclasses.dataclass(frozen=True)
class Run:
    """The median wall time (s) and the largest peak resident memory (MB) of several runs."""

    seconds: float
    megabytes: float


def measure(
    command: Sequence[str], *, repeat: int, env: dict[str, str] | None = None, warm: int = 0
) -> Run:
    """Run ``command`` ``warm`` times unmeasured, then ``repeat`` times; fail on a non-zero exit."""
    times: list[float] = []
    peak = 0.0
    for index in range(warm + repeat):
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if process.stderr:
            process.stderr.close()
        if process.returncode != 0:
            sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{error[-2000:]}")
        if index >= warm:
            times.append(elapsed)
            peak = max(peak, usage.ru_maxrss / 1024)  # kilobytes on Linux
    return Run(statistics.median(times), peak)


class Table:
    """Rows of figures, printed as a Markdown table (also pasted into the README)."""

    def __init__(self, title: str, columns: Sequence[str]) -> None:
        self.title = title
        self.columns = list(columns)
        self.rows: list[list[str]] = []

    def add(self, *cells: object) -> None:
        """Add one row; floats are shown with three decimals."""
        self.rows.append([f"{c:.3f}" if isinstance(c, float) else str(c) for c in cells])

    def print(self) -> None:
        """Print the table with aligned columns."""
        widths = [
            max(len(self.columns[i]), *(len(r[i]) for r in self.rows))
            for i in range(len(self.columns))
        ]
        print(f"\n### {self.title}\n")
        print(
            "| " + " | ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True)) + " |"
        )
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in self.rows:
            print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        sys.stdout.flush()


_T = TypeVar("_T")


def in_child(function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Return what ``function`` returns, run in a child process so that this one stays small.

    The peak memory the kernel reports for a command (``os.wait4``) includes the peak of
    the process that started it: the benchmark must never grow larger than what it measures.
    """
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def verdict(ratio: float, goal: float) -> str:
    """Return whether a ratio meets its goal."""
    return f"≤ {goal:g}× {'met' if ratio <= goal else 'MISSED'}"


def environment(cache: Path, *, cached: bool, output: bool = False) -> dict[str, str]:
    """Return the environment of a run: a private cache folder, or no cache at all.

    ``cached`` turns on the parsed-data cache, ``output`` the output cache as well.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("MZPLAN_")}
    env["MZPLAN_CACHE_DIR"] = str(cache)
    env["COLUMNS"] = "120"
    if not cached:
        env["MZPLAN_NO_CACHE"] = "1"
    elif not output:
        env["MZPLAN_NO_CACHE"] = "output"
    return env


def startup(repeat: int, cache: Path) -> None:
    """Section 1: start-up against ``python -c pass`` and the minimal library script."""
    kept_env = environment(cache, cached=True, output=True)
    warm_env = environment(cache, cached=True)
    cold_env = environment(cache, cached=False)
    bare = measure([PYTHON, "-c", "pass"], repeat=repeat, warm=1)
    minimal = measure([PYTHON, str(BENCH / "minimal.py")], repeat=repeat, warm=1)
    typer_app = measure([PYTHON, str(BENCH / "minimal_typer.py"), "status"], repeat=repeat, warm=1)
    table = Table(
        f"Start-up (median of {repeat} runs; baseline: bench/minimal.py)",
        ["command", "seconds", "peak MB", "× python -c pass", "× minimal", "goal"],
    )
    table.add("python -c pass", bare.seconds, f"{bare.megabytes:.0f}", "1.00", "", "")
    table.add(
        "minimal typer+pydantic+yaml+rich",
        minimal.seconds,
        f"{minimal.megabytes:.0f}",
        f"{minimal.seconds / bare.seconds:.2f}",
        "1.00",
        "",
    )
    table.add(
        "reference: minimal.py as a typer command with status's options",
        typer_app.seconds,
        f"{typer_app.megabytes:.0f}",
        f"{typer_app.seconds / bare.seconds:.2f}",
        f"{typer_app.seconds / minimal.seconds:.2f}",
        "",
    )
    cases = [
        ("mzplan --version", ["--version"], warm_env, 0.5),
        ("mzplan --help", ["--help"], warm_env, 0.5),
        ("mzplan status (output kept)", ["status"], kept_env, 1.1),
        ("mzplan status (parsed-data cache only)", ["status"], warm_env, None),
        ("mzplan status (no cache)", ["status"], cold_env, None),
    ]
    for label, arguments, env, goal in cases:
        run = measure([*MZPLAN, *arguments], repeat=repeat, env=env, warm=1)
        ratio = run.seconds / minimal.seconds
        table.add(
            label,
            run.seconds,
            f"{run.megabytes:.0f}",
            f"{run.seconds / bare.seconds:.2f}",
            f"{ratio:.2f}",
            verdict(ratio, goal) if goal else "",
        )
    table.print()


SIZES = [
    # label, districts, streets, runs, whether the figures are held to 3x the floor: the
    # goal is set for the city (and national) scale; a lone city's files are read in 0.04 s
    # and its import file in 0.03 s, less than the interpreter takes to import the libraries.
    ("1 city", 0, 0, 5, False),
    ("city: 232 jurisdictions", 16, 215, 3, True),
    ("national: 3,000 jurisdictions", 31, 2968, 3, True),
]


def scale(folder: Path, cache: Path, *, quick: bool) -> None:
    """Section 2: validate, status and import at growing sizes, against the read-only floor."""
    table = Table(
        "Scale (60 indicators, quarterly observations 2021-2025; median; cold = no cache)",
        ["size", "rows", "what", "seconds", "peak MB", "floor s", "× floor", "goal"],
    )
    results: dict[str, list[tuple[int, float]]] = {}
    for label, districts, streets, repeat, judged in SIZES[:2] if quick else SIZES:
        data = folder / f"data-{districts}-{streets}"
        combined = folder / f"import-{districts}-{streets}.csv"
        rows = in_child(
            generate, data, districts=districts, streets=streets, observations_csv=combined
        )
        empty = folder / f"empty-{districts}-{streets}"
        in_child(generate, empty, districts=districts, streets=streets, observations=False)
        floor = measure([*FLOOR, str(data)], repeat=repeat)
        csv_floor = measure([*FLOOR, str(combined)], repeat=repeat)
        cold = environment(cache, cached=False)
        warm = environment(cache, cached=True)
        data_arg = ["--data-dir", str(data)]
        status_args = ["status", "-j", "all", "--format", "json", *data_arg]
        cases = [
            ("validate (cold)", ["validate", *data_arg], cold, 0, floor, 3.0),
            ("validate (warm)", ["validate", *data_arg], warm, 1, floor, 3.0),
            ("status -j all (cold)", status_args, cold, 0, floor, 3.0),
            # The cache entry validate (warm) wrote serves status too: same files, same key.
            ("status -j all (warm)", status_args, warm, 0, floor, 3.0),
        ]
        size = f"{label}"
        for what, arguments, env, warmup, base, goal in cases:
            run = measure([*MZPLAN, *arguments], repeat=repeat, env=env, warm=warmup)
            results.setdefault(what, []).append((rows, run.seconds))
            ratio = run.seconds / base.seconds
            table.add(
                size, f"{rows:,}", what, run.seconds, f"{run.megabytes:.0f}",
                base.seconds, f"{ratio:.2f}", verdict(ratio, goal) if judged else "",
            )  # fmt: skip
        times = []
        peak = 0.0
        for _ in range(repeat):
            target = folder / "import-target"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(empty, target)
            run = measure(
                [*MZPLAN, "import", str(combined), "--data-dir", str(target)],
                repeat=1,
                env=cold,
            )
            times.append(run.seconds)
            peak = max(peak, run.megabytes)
        seconds = statistics.median(times)
        results.setdefault("import one CSV", []).append((rows, seconds))
        ratio = seconds / csv_floor.seconds
        table.add(
            size, f"{rows:,}", "import one CSV", seconds, f"{peak:.0f}",
            csv_floor.seconds, f"{ratio:.2f}", verdict(ratio, 3.0) if judged else "",
        )  # fmt: skip
        least = least_import(combined, folder, target / "observations", repeat=repeat)
        table.add(
            size, f"{rows:,}", "reference: least pure-Python import", least.seconds,
            f"{least.megabytes:.0f}", csv_floor.seconds, f"{least.seconds / csv_floor.seconds:.2f}",
            "",
        )  # fmt: skip
        table.add(
            size, f"{rows:,}", "read floor (yaml C loader + csv)", floor.seconds,
            f"{floor.megabytes:.0f}", "", "", "",
        )  # fmt: skip
        shutil.rmtree(data)
        shutil.rmtree(empty)
        combined.unlink()
    table.print()
    if quick:
        return
    growth = Table(
        "Growth: national time against the line through the 1-city and city figures",
        ["what", "1 city s", "city s", "national s", "linear prediction s", "actual/predicted"],
    )
    for what, points in results.items():
        (n0, t0), (n1, t1), (n2, t2) = points
        slope = (t1 - t0) / (n1 - n0)
        predicted = t0 + slope * (n2 - n0)
        ratio = t2 / predicted
        growth.add(what, t0, t1, t2, predicted, f"{ratio:.2f} ({verdict(ratio, 1.15)})")
    growth.print()


def least_import(source: Path, folder: Path, written: Path, *, repeat: int) -> Run:
    """Measure ``bench/least_import.py`` on ``source``: it must write what mzplan wrote.

    ``written`` is the observations folder ``mzplan import`` wrote from the same file into
    an empty store; the same bytes in every file show that the reference did the same work.
    """
    out = folder / "least-import"
    shutil.rmtree(out, ignore_errors=True)
    run = measure([*LEAST_IMPORT, str(source), str(out)], repeat=repeat)
    names = sorted(path.name for path in written.glob("*.csv"))
    same = filecmp.cmpfiles(written, out, names, shallow=False)[0]  # a block at a time
    if same != names or sorted(path.name for path in out.glob("*.csv")) != names:
        raise SystemExit("bench/least_import.py wrote other files than mzplan import: fix it")
    shutil.rmtree(out)
    return run


def import_million(folder: Path, cache: Path, rows: int) -> None:
    """Section 3: import a large CSV into the bundled catalog, against a csv-module read."""
    source = folder / "million.csv"
    in_child(generate_import_csv, source, rows)
    from mzplan.datadir import bundled_data_dir

    target = folder / "million-data"
    shutil.copytree(bundled_data_dir(), target, ignore=shutil.ignore_patterns("observations"))
    floor = measure([*FLOOR, str(source)], repeat=3)
    run = measure(
        [*MZPLAN, "import", str(source), "--data-dir", str(target)],
        repeat=1,
        env=environment(cache, cached=False),
    )
    least = least_import(source, folder, target / "observations", repeat=3)
    table = Table(
        f"Import of a {rows:,}-row CSV (bundled catalog, one indicator, monthly)",
        ["what", "seconds", "peak MB", "× csv read", "goal"],
    )
    table.add("python + csv.reader", floor.seconds, f"{floor.megabytes:.0f}", "1.00", "")
    table.add(
        "reference: least pure-Python import",
        least.seconds,
        f"{least.megabytes:.0f}",
        f"{least.seconds / floor.seconds:.2f}",
        "",
    )
    ratio = run.seconds / floor.seconds
    table.add(
        "mzplan import", run.seconds, f"{run.megabytes:.0f}", f"{ratio:.2f}", verdict(ratio, 3.0)
    )
    table.print()


def bulk_import() -> str:
    """Say whether ``mzplan import`` can import in bulk here (pyarrow, the ``fast`` extra)."""
    import importlib.metadata

    try:
        return f"pyarrow {importlib.metadata.version('pyarrow')} (bulk import)"
    except importlib.metadata.PackageNotFoundError:
        return "no pyarrow (no bulk import: pip install '.[fast]')"


def main() -> None:
    """Parse the options and run the sections."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the national scale")
    parser.add_argument("--repeat", type=int, default=7, help="runs per start-up figure")
    parser.add_argument("--rows", type=int, help="rows of the import CSV (default 1,000,000)")
    parser.add_argument(
        "--only", choices=["startup", "scale", "import"], action="append", help="run only these"
    )
    arguments = parser.parse_args()
    sections = arguments.only or ["startup", "scale", "import"]
    rows = arguments.rows or (200_000 if arguments.quick else 1_000_000)
    started = time.perf_counter()
    # Measure mzplan as installed: pip compiles an installed package's bytecode, so no real
    # run compiles mzplan's modules. An editable install where this variable is set would
    # compile them on every run (25 ms of a city-scale import on the machine of issue 6).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"mzplan benchmark: {sys.version.split()[0]} on {os.cpu_count()} CPUs, {bulk_import()}")
    with tempfile.TemporaryDirectory(prefix="mzplan-bench-") as name:
        folder = Path(name)
        cache = folder / "cache"
        if "startup" in sections:
            startup(arguments.repeat, cache)
        if "scale" in sections:
            scale(folder, cache, quick=arguments.quick)
        if "import" in sections:
            import_million(folder, cache, rows)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
