"""Generate a synthetic, valid mzplan data repository of a given size (deterministic, seeded).

Run: .venv/bin/python bench/generate.py OUT --districts 16 --streets 215 [--indicators 60]

The repository has one plan for the root jurisdiction; every jurisdiction (the root, its
districts and their streets) has a target for every indicator, and, unless ``--no-observations``,
quarterly observations 2021-Q1 to 2025-Q4 of every indicator in ``observations/<id>.csv``.
``--observations-csv FILE`` also writes all observations as one import CSV. The same arguments
and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

SOURCE = "synthetic_plan.txt"
PLAN = "synthetic_plan_14th"
QUARTERS = [f"{year}-Q{quarter}" for year in range(2021, 2026) for quarter in range(1, 5)]
HEADER = ["indicator", "jurisdiction", "period", "value", "unit", "source", "note", "preferred"]
UNITS = ["张", "个", "人", "%", "元/人·月"]


def jurisdiction_tree(districts: int, streets: int) -> list[tuple[str, str, str | None]]:
    """Return (id, level, parent) of the root, its districts and the streets spread over them."""
    tree: list[tuple[str, str, str | None]] = [("root", "province", None)]
    tree += [(f"d{index:04d}", "district", "root") for index in range(districts)]
    for index in range(streets):
        parent = f"d{index % districts:04d}" if districts else "root"
        tree.append((f"s{index:05d}", "subdistrict", parent))
    return tree


def generate(  # noqa: PLR0915 - one straight pass over the files it writes
    out: Path,
    *,
    districts: int,
    streets: int,
    indicators: int = 60,
    observations: bool = True,
    observations_csv: Path | None = None,
    seed: int = 20240601,
) -> int:
    """Write the repository into ``out``; return the number of observation rows."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    tree = jurisdiction_tree(districts, streets)
    ids = [f"indicator_{index:03d}" for index in range(indicators)]
    units = {indicator: UNITS[index % len(UNITS)] for index, indicator in enumerate(ids)}
    (out / "sources.yaml").write_text(
        f'sources:\n  - file: {SOURCE}\n    title: 合成规划\n    date: "2021-07-01"\n',
        encoding="utf-8",
    )
    lines = [
        "domains:",
        "  - {id: synthetic, name_zh: 合成领域, name_en: Synthetic domain}",
        "indicators:",
    ]
    for indicator in ids:
        lines += [
            f"  - id: {indicator}",
            f"    name_zh: 指标{indicator[-3:]}",
            f"    name_en: Indicator {indicator[-3:]}",
            f'    unit: "{units[indicator]}"',
            "    direction: increase",
            "    measure: level",
            "    domain: synthetic",
            f'    source: {{file: {SOURCE}, section: "表{indicator[-3:]}"}}',
        ]
    (out / "indicators.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["jurisdictions:"]
    for index, (jid, level, parent) in enumerate(tree):
        parent_text = f", parent: {parent}" if parent else ""
        lines.append(
            f"  - {{id: {jid}, name_zh: 地区{index}, name_en: Area {index}, level: {level}"
            f"{parent_text}}}"
        )
    (out / "jurisdictions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "plans.yaml").write_text(
        "plans:\n"
        f"  - id: {PLAN}\n"
        "    title_zh: 合成规划\n"
        "    title_en: Synthetic plan\n"
        "    issuer: 合成\n"
        "    jurisdiction: root\n"
        "    period: {start: 2021, end: 2025}\n"
        "    baseline_year: 2020\n"
        "    target_year: 2025\n"
        f"    source: {SOURCE}\n",
        encoding="utf-8",
    )
    targets_dir = out / "targets" / PLAN
    targets_dir.mkdir(parents=True, exist_ok=True)
    baselines: dict[tuple[str, str], int] = {}
    for jid, _, _ in tree:
        lines = [f"plan: {PLAN}", f"jurisdiction: {jid}", "targets:"]
        for indicator in ids:
            baseline = rng.randrange(100, 100_000)
            baselines[indicator, jid] = baseline
            goal = baseline + rng.randrange(10, 20_000)
            lines += [
                f"  - indicator: {indicator}",
                f'    baseline: {{value: {baseline}, year: 2020, text: "{baseline}"}}',
                f"    target: {{value: {goal}, year: 2025, comparison: at_least, "
                f'text: "{goal}以上"}}',
                f'    source: {{file: {SOURCE}, section: "表{indicator[-3:]}"}}',
            ]
        (targets_dir / f"{jid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not observations and observations_csv is None:
        return 0
    rows = 0
    observations_dir = out / "observations"
    if observations:
        observations_dir.mkdir(exist_ok=True)
    combined = (
        observations_csv.open("w", encoding="utf-8", newline="") if observations_csv else None
    )
    combined_writer = csv.writer(combined, lineterminator="\n") if combined else None
    if combined_writer:
        combined_writer.writerow(HEADER[:6])
    try:
        for indicator in ids:
            # Stored files are sorted by (indicator, jurisdiction, period, source).
            records = []
            for jid in sorted(j for j, _, _ in tree):
                value = baselines[indicator, jid]
                for period in QUARTERS:
                    value += rng.randrange(0, 500)
                    records.append(
                        [indicator, jid, period, str(value), units[indicator], "统计季报"]
                    )
            rows += len(records)
            if observations:
                path = observations_dir / f"{indicator}.csv"
                with path.open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle, lineterminator="\n")
                    writer.writerow(HEADER)
                    writer.writerows([*record, "", ""] for record in records)
            if combined_writer:
                combined_writer.writerows(records)
    finally:
        if combined:
            combined.close()
    return rows


DISTRICTS = ["shanghai", "huangpu", "xuhui", "changning", "jingan", "putuo", "hongkou",
             "yangpu", "minhang", "baoshan", "jiading", "pudong", "jinshan", "songjiang",
             "qingpu", "fengxian", "chongming"]  # fmt: skip
"""The bundled data's jurisdictions, for an import CSV that fits the bundled catalog."""


def generate_import_csv(path: Path, rows: int) -> None:
    """Write ``rows`` monthly observations of one bundled indicator, from as many sources as needed.

    Sources agree, so importing the file into the bundled data raises no disagreement warning.
    """
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER[:6])
        written = 0
        source = 0
        while written < rows:
            for place, jurisdiction in enumerate(DISTRICTS):
                for year in range(1990, 2028):
                    for month in range(1, 13):
                        if written == rows:
                            return
                        value = 1000 + (place * 7919 + year * 12 + month) % 99_991
                        period = f"{year}-{month:02d}"
                        writer.writerow(
                            ["elderly_care_beds", jurisdiction, period, value, "张", f"s{source}"]
                        )
                        written += 1
            source += 1


def main() -> None:
    """Parse the arguments and generate one repository."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--streets", type=int, default=215)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--no-observations", action="store_true")
    parser.add_argument("--observations-csv", type=Path)
    parser.add_argument("--seed", type=int, default=20240601)
    arguments = parser.parse_args()
    rows = generate(
        arguments.out,
        districts=arguments.districts,
        streets=arguments.streets,
        indicators=arguments.indicators,
        observations=not arguments.no_observations,
        observations_csv=arguments.observations_csv,
        seed=arguments.seed,
    )
    print(f"wrote {arguments.out} ({rows:,} observation rows)")


if __name__ == "__main__":
    main()
