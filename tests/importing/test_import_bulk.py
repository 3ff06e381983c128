"""The bulk import (pyarrow) writes what the usual import writes, or leaves the files to it."""

from __future__ import annotations

import codecs
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mzplan.importing import ImportOptions
from mzplan.merging import Merge
from mzplan.observation_store import render_column_parts
from mzplan.problems import Problem
from mzplan.repository import Repository
from mzplan.streaming import import_stream

pytest.importorskip("pyarrow")

from mzplan.bulk_import import BulkImport, plan_bulk_import
from mzplan.cli import app

HEADER = "indicator,jurisdiction,period,value,unit,source\n"
Sources = Sequence[tuple[str, bytes]]


def usual(
    sources: Sources, repository: Repository, options: ImportOptions
) -> tuple[Merge, list[object]]:
    """Import as the usual import does; return its merge and everything it would report."""
    merge = Merge(repository.observations)
    reported: list[object] = []
    for name, data in sources:
        import_stream(io.BytesIO(data), name, repository, options, merge, reported.append)
    merge.finish()
    reported.extend(merge.problems)
    if not reported and merge.touched:
        errors, warnings = merge.check(repository)
        reported.extend([*errors, *warnings])
    return merge, reported


def files_of(plan: BulkImport) -> dict[str, bytes]:
    return {indicator: b"".join(plan.parts(indicator)) for indicator in plan.files}


def assert_agrees(sources: Sources, repository: Repository, options: ImportOptions) -> bool:
    """Check that a bulk import, if it takes the files, does what the usual import does.

    Return whether it took them.
    """
    plan = plan_bulk_import(sources, repository, options)
    if plan is None:
        return False
    merge, reported = usual(sources, repository, options)
    assert reported == []
    assert merge.counts == {"added": plan.added, "changed": 0, "unchanged": 0, "kept": 0}
    assert set(plan.files) == merge.touched
    expected = {i: b"".join(render_column_parts(merge.columns(i))) for i in merge.touched}
    assert files_of(plan) == expected
    return True


CLEAN = {
    "plain": [HEADER + "elderly_care_beds,shanghai,2021,158500,张,s\n"],
    "names and notation": [
        "指标,地区,年份,数值,单位,来源\n"
        "养老床位总数, 上海 ,2021年,17.8万,,统计公报\n"
        "elderly_care_beds,pudong,2022,007,张,统计公报\n"
        "nursing_bed_share,上海,2021Q3,60,,统计公报\n"
        "nursing_bed_share,pudong,2021-Q3,33.20,%,统计公报\n"
    ],
    "several files and indicators": [
        HEADER + "elderly_care_beds,xuhui,2023,2,张,b\nelderly_care_beds,huangpu,2023,1,张,a\n",
        HEADER + "dementia_care_beds,xuhui,2023-07,3,张,a\nelderly_care_beds,xuhui,2023,2,张,c\n",
    ],
    "into stored rows quoted on disk": [HEADER + "dibao_standard,shanghai,2026,1600,,s\n"],
    "crlf, no last line end": [
        HEADER.replace("\n", "\r\n") + "elderly_care_beds,shanghai,2021,1,张,s\r\n"
        "elderly_care_beds,shanghai,2023,2,张,s"
    ],
    "blank lines": [HEADER + "\nelderly_care_beds,shanghai,2021,1,张,s\n\n"],
    "a file of the header alone": [
        HEADER + "\r\n",
        HEADER + "elderly_care_beds,jingan,2021,1,张,s",
    ],
}
CLEAN_OPTIONS = {
    "semicolons": (
        ["indicator;jurisdiction;period;value;source\nelderly_care_beds;shanghai;2021;1;a,b\n"],
        ImportOptions(),
    ),
    "mapped and set": (
        ["名称,地区,年,数,无用\nelderly_care_beds,shanghai,2021,1,x\n"],
        ImportOptions(
            columns={"名称": "indicator", "年": "period", "数": "value", "无用": "-"},
            defaults={"source": "2021年统计公报"},
        ),
    ),
    "alias": (
        [HEADER + "床位,shanghai,2021,1,张,s\n"],
        ImportOptions(aliases={"床位": "elderly_care_beds"}),
    ),
}


@pytest.mark.parametrize("case", sorted(CLEAN))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_clean_file_is_imported_in_bulk_as_the_usual_import_would(
    repository: Repository, case: str, encoding: str
) -> None:
    sources = [(f"{n}.csv", text.encode(encoding)) for n, text in enumerate(CLEAN[case])]
    assert assert_agrees(sources, repository, ImportOptions())


@pytest.mark.parametrize("case", sorted(CLEAN_OPTIONS))
def test_options_apply_in_bulk_as_in_the_usual_import(repository: Repository, case: str) -> None:
    texts, options = CLEAN_OPTIONS[case]
    assert assert_agrees([("in.csv", t.encode()) for t in texts], repository, options)


UNFIT = {
    "quoted cell": HEADER + 'elderly_care_beds,shanghai,2021,"1,234",张,s\n',
    "nul": HEADER + "elderly_care_beds,shanghai,2021,1,张,s\0\n",
    "year columns": "指标,地区,来源,2021,2022年\nelderly_care_beds,shanghai,x,1,2\n",
    "note column": HEADER[:-1] + ",note\nelderly_care_beds,shanghai,2021,1,张,s,n\n",
    "preferred column": HEADER[:-1] + ",preferred\nelderly_care_beds,shanghai,2021,1,张,s,是\n",
    "blank record": HEADER + ",,,,,\nelderly_care_beds,shanghai,2021,1,张,s\n",
    "short record": HEADER + "elderly_care_beds,shanghai,2021\n",
    "long record": HEADER + "elderly_care_beds,shanghai,2021,1,张,s,more\n",
    "key twice, one value": HEADER + "elderly_care_beds,shanghai,2021,1,张,s\n" * 2,
    "key twice, two values": HEADER
    + "elderly_care_beds,shanghai,2021,1,张,s\nelderly_care_beds,shanghai,2021,2,张,s\n",
    "a stored key": HEADER + "dibao_standard,shanghai,2021,1330,元/人·月,"
    "SHINE 2021-06 (shine.cn/news/metro/2106241064): raised to 1,330 yuan from the current "
    "1,240 yuan from July 1\n",
    "unknown indicator": HEADER + "nope,shanghai,2021,1,张,s\n",
    "unknown jurisdiction": HEADER + "elderly_care_beds,atlantis,2021,1,张,s\n",
    "bad period": HEADER + "elderly_care_beds,shanghai,20x1,1,张,s\n",
    "bad value": HEADER + "elderly_care_beds,shanghai,2021,lots,张,s\n",
    "value in a unit": HEADER + "elderly_care_beds,shanghai,2021,12张,,s\n",
    "percent": HEADER + "nursing_bed_share,shanghai,2021,60%,,s\n",
    "other unit": HEADER + "elderly_care_beds,shanghai,2021,1,家,s\n",
    "no source": HEADER + "elderly_care_beds,shanghai,2021,1,张,\n",
    "late period": HEADER + "elderly_care_beds,shanghai,2090,1,张,s\n",
    "sources disagree": HEADER
    + "elderly_care_beds,shanghai,2021,1,张,a\nelderly_care_beds,shanghai,2021,2,张,b\n",
    "source disagrees with a stored one": HEADER + "dibao_standard,shanghai,2021,1,,s\n",
    "header only": HEADER,
    "not text": HEADER + "elderly_care_beds,shanghai,2021,1,张,s\n\xff\n",
    "a workbook": "PK\x03\x04 not really",
}


@pytest.mark.parametrize("case", sorted(UNFIT))
def test_a_file_the_bulk_import_cannot_vouch_for_is_left_to_the_usual_import(
    repository: Repository, case: str
) -> None:
    data = UNFIT[case].encode("utf-8", errors="surrogateescape")
    if case == "not text":
        data = data.replace("\xff".encode(), b"\xff")
    assert plan_bulk_import([("in.csv", data)], repository, ImportOptions()) is None


def test_a_left_out_name_is_left_to_the_usual_import(repository: Repository) -> None:
    data = (HEADER + "床位,shanghai,2021,1,张,s\n").encode()
    options = ImportOptions(aliases={"床位": "-"})
    assert plan_bulk_import([("in.csv", data)], repository, options) is None


def test_a_cell_longer_than_the_csv_module_reads_is_left_to_it(repository: Repository) -> None:
    import csv

    source = "长" * (csv.field_size_limit() + 1)
    data = (HEADER + f"elderly_care_beds,shanghai,2021,1,张,{source}\n").encode()
    assert plan_bulk_import([("in.csv", data)], repository, ImportOptions()) is None


def test_a_large_file_is_read_a_block_at_a_time_with_the_same_result(
    repository: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mzplan.bulk_import

    monkeypatch.setattr(mzplan.bulk_import, "BLOCK", 1 << 10)
    monkeypatch.setattr(mzplan.bulk_import, "WHOLE", 1 << 10)
    monkeypatch.setattr(mzplan.bulk_import, "BATCH", 7)
    rows = [
        f"elderly_care_beds,{place},{year},{year * 3 + len(place)},张,s{source}\n"
        for source in range(3)
        for place in ("jingan", "pudong", "xuhui", "huangpu")  # none stored
        for year in range(2000, 2030)
    ]
    data = (HEADER + "".join(rows)).encode()
    assert len(data) > 8 << 10
    assert assert_agrees([("in.csv", data)], repository, ImportOptions())


# Cells good and bad (the good ones more often), so that random files are sometimes clean.
INDICATORS = ["elderly_care_beds", "养老床位总数", "dementia_care_beds", "nursing_bed_share"] * 3
PLACES = ["jingan", "上海", " pudong ", "xuhui"] * 3 + ["atlantis", ""]
PERIODS = ["2021", "2021年", "2022-Q3", "2023-07"] * 3 + ["2090", "20x1"]
VALUES = ["1", "2", "007", "17.8万", "-3.5", "0"] * 4 + ["60%", "1,234", ""]
UNITS = [""] * 6 + ["张", "%", "家"]
SOURCES = ["a", "b", "统计公报"] * 6 + ["", "a;b", 'say "a"']


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            *(st.sampled_from(p) for p in (INDICATORS, PLACES, PERIODS, VALUES, UNITS, SOURCES))
        ),
        min_size=1,
        max_size=6,
    ),
    split=st.integers(min_value=0, max_value=6),
    delimiter=st.sampled_from([",", ";"]),
)
def test_random_files_import_in_bulk_as_in_the_usual_import_or_not_at_all(
    repository: Repository, rows: list[tuple[str, ...]], split: int, delimiter: str
) -> None:
    import csv

    def text(part: list[tuple[str, ...]]) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        writer.writerow(HEADER.strip().split(","))
        writer.writerows(part)
        return buffer.getvalue().encode()

    sources = [("a.csv", text(rows[:split])), ("b.csv", text(rows[split:]))]
    assert_agrees(sources, repository, ImportOptions())


@given(
    keys=st.sets(
        st.tuples(
            st.sampled_from(["elderly_care_beds", "dementia_care_beds", "养老床位总数"]),
            st.sampled_from(["jingan", "pudong", "xuhui", "huangpu"]),  # none stored
            st.sampled_from(["2021", "2022", "2023-Q3", "2024-07"]),
            st.sampled_from(["a", "b", "统计公报"]),
        ),
        min_size=1,
        max_size=20,
    ),
    value=st.integers(min_value=0, max_value=10**9),
)
@settings(max_examples=100, deadline=None)
def test_a_random_clean_file_is_always_taken_in_bulk(
    repository: Repository, keys: set[tuple[str, str, str, str]], value: int
) -> None:
    same = {"养老床位总数": "elderly_care_beds"}
    unique = {(same.get(i, i), j, p, s) for i, j, p, s in keys}
    rows = []
    seen = set()
    for indicator, place, period, source in sorted(keys):
        key = (same.get(indicator, indicator), place, period, source)
        if key in seen:
            continue
        seen.add(key)
        # One value per (indicator, place, period): sources that agree raise no warning.
        number = value + hash((key[0], place, period)) % 1000
        rows.append(f"{indicator},{place},{period},{number},,{source}\n")
    assert len(rows) == len(unique)
    data = (HEADER + "".join(rows)).encode()
    assert assert_agrees([("in.csv", data)], repository, ImportOptions())


def test_the_cli_writes_in_bulk_what_it_writes_without(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import mzplan.bulk_import
    import mzplan.cli.observations

    source = tmp_path / "in.csv"
    source.write_bytes(codecs.BOM_UTF8 + "".join(CLEAN["names and notation"]).encode())
    other = tmp_path / "other"
    shutil.copytree(data_dir, other)
    taken: list[BulkImport | None] = []

    def recorded(*arguments: object) -> BulkImport | None:
        plan = plan_bulk_import(*arguments)  # type: ignore[arg-type]
        taken.append(plan)
        return plan

    monkeypatch.setattr(mzplan.bulk_import, "plan_bulk_import", recorded)
    monkeypatch.setattr(mzplan.cli.observations, "BULK_MIN_BYTES", 0)
    bulk = runner.invoke(app, ["import", str(source), "--data-dir", str(data_dir)])
    assert bulk.exit_code == 0, bulk.output
    assert len(taken) == 1 and taken[0] is not None
    monkeypatch.setattr(mzplan.cli.observations, "_bulk_import", lambda *arguments: None)
    usual_run = runner.invoke(app, ["import", str(source), "--data-dir", str(other)])
    assert usual_run.exit_code == 0, usual_run.output
    assert bulk.output == usual_run.output
    assert "imported 1 file(s): 4 added" in bulk.output
    written = sorted(p.name for p in (data_dir / "observations").glob("*.csv"))
    assert written == ["elderly_care_beds.csv", "nursing_bed_share.csv"]
    for name in written:
        ours = (data_dir / "observations" / name).read_bytes()
        assert ours == (other / "observations" / name).read_bytes()


def test_a_small_file_is_imported_the_usual_way(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mzplan.bulk_import
    import mzplan.cli.observations

    calls: list[object] = []
    monkeypatch.setattr(mzplan.bulk_import, "plan_bulk_import", calls.append)
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "elderly_care_beds,shanghai,2021,1,张,s\n", encoding="utf-8")
    assert source.stat().st_size < mzplan.cli.observations.BULK_MIN_BYTES
    result = runner.invoke(app, ["import", str(source), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert calls == []


def test_without_pyarrow_the_cli_imports_the_usual_way(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    import mzplan.bulk_import
    import mzplan.cli.observations

    real = importlib.util.find_spec

    def find_spec(name: str, *arguments: object) -> object:
        return None if name == "pyarrow" else real(name, *arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(mzplan.cli.observations, "BULK_MIN_BYTES", 0)
    calls: list[object] = []
    monkeypatch.setattr(mzplan.bulk_import, "plan_bulk_import", calls.append)
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "elderly_care_beds,shanghai,2021,1,张,s\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    assert calls == []


def test_an_unfit_file_gets_the_usual_import_s_exact_messages(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(UNFIT["sources disagree"] + UNFIT["bad value"][len(HEADER) :], "utf-8")
    result = runner.invoke(app, ["import", str(source), "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert f"{source}:4: value: 'lots' is not a number" in result.output
    assert not (data_dir / "observations" / "elderly_care_beds.csv").exists()


def test_problems_are_reported_for_the_checked_groups_only(repository: Repository) -> None:
    # A sanity check of the helper: the usual import reports the disagreement as a warning.
    data = UNFIT["sources disagree"].encode()
    _, reported = usual([("in.csv", data)], repository, ImportOptions())
    assert [p.code for p in reported if isinstance(p, Problem)] == ["observation-disagreement"]
