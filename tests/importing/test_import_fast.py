"""The fast reader (import_stream into a Merge) gives what read_import and plan_import give."""

from __future__ import annotations

import io

import pytest

from mzplan.importing import (
    ImportedRow,
    ImportOptions,
    SkippedRow,
    plan_import,
    read_import,
)
from mzplan.merging import ChangeKind, Merge
from mzplan.observations import Observation
from mzplan.problems import Problem
from mzplan.repository import Repository
from mzplan.streaming import import_stream

HEADER = "indicator,jurisdiction,period,value,unit,source\n"
CASES = {
    "plain": HEADER + "elderly_care_beds,shanghai,2021,158500,张,s\n",
    "notation": HEADER
    + "养老床位总数, 上海 ,2021年,17.8万,,s\nelderly_care_beds,pudong,2022,007,张,s\n",
    "decimals": HEADER
    + "nursing_bed_share,shanghai,2021,60%,,s\nnursing_bed_share,pudong,2021,33.20,%,s\n",
    "bad cells": HEADER
    + "nope,shanghai,2021,1,张,s\nelderly_care_beds,atlantis,20x1,lots,张,s\n"
    + "elderly_care_beds,shanghai,2021,60%,张,s\nelderly_care_beds,shanghai,2021,1,张,\n",
    "blank and short rows": HEADER + "\n,,,,,\nelderly_care_beds,shanghai,2021\n"
    "elderly_care_beds,shanghai,2023,5,张,s\n",
    "duplicates": HEADER + "elderly_care_beds,shanghai,2021,1,张,s\n"
    "elderly_care_beds,shanghai,2021,2,张,s\nelderly_care_beds,shanghai,2021,1,张,s\n",
    "multi-line note": "indicator,jurisdiction,period,value,source,note\n"
    'elderly_care_beds,shanghai,2021,1,s,"two\nlines"\nelderly_care_beds,shanghai,2022,x,s,\n',
    "preferred": "indicator,jurisdiction,period,value,source,preferred\n"
    "elderly_care_beds,shanghai,2021,1,s,是\nelderly_care_beds,shanghai,2022,1,s,maybe\n",
    "wide": "指标,地区,来源,2021,2022年\nelderly_care_beds,shanghai,x,1,2\n",
    "alias": HEADER + "新增床位,shanghai,2021,1,张,s\nelderly_care_beds,shanghai,2021,1,张,s\n",
    "bad encoding": HEADER + "elderly_care_beds,shanghai,2021,1,张,s\n",
}


def fast(
    data: bytes, repository: Repository, stored: tuple[Observation, ...], options: ImportOptions
) -> tuple[Merge, list[SkippedRow | Problem]]:
    merge = Merge(stored, keep_changes=True)
    reported: list[SkippedRow | Problem] = []
    import_stream(
        io.BytesIO(data),
        "in.csv",
        repository,
        options,
        merge,
        reported.append,
    )
    merge.finish()
    return merge, reported


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("stored_value", [None, 1.0, 2.0])
def test_fast_reader_matches_the_reference(
    repository: Repository, case: str, stored_value: float | None
) -> None:
    data = CASES[case].encode()
    if case == "bad encoding":
        data += b"\xff\xfe\n" + data
    options = ImportOptions(aliases={"新增床位": "-"})
    stored = (
        ()
        if stored_value is None
        else (Observation("elderly_care_beds", "shanghai", "2021", stored_value, "张", "s"),)
    )
    items = list(read_import(io.BytesIO(data), "in.csv", repository, options))
    plan = plan_import(stored, [i for i in items if isinstance(i, ImportedRow)])
    merge, reported = fast(data, repository, stored, options)
    assert reported == [i for i in items if not isinstance(i, ImportedRow)]
    assert merge.problems == list(plan.problems)
    assert merge.changes == list(plan.changes)
    assert merge.touched == plan.touched
    assert sorted(merge.observations()) == sorted(plan.observations)
    kinds: tuple[ChangeKind, ...] = ("added", "changed", "unchanged", "kept")
    for kind in kinds:
        assert merge.count(kind) == plan.count(kind)


def test_fast_reader_counts_without_keeping_changes(repository: Repository) -> None:
    rows = "".join(f"elderly_care_beds,shanghai,{2000 + i},{i},张,s\n" for i in range(50))
    merge = Merge((), keep_changes=False)
    import_stream(
        io.BytesIO((HEADER + rows).encode()),
        "in.csv",
        repository,
        ImportOptions(),
        merge,
        lambda item: pytest.fail(str(item)),
    )
    merge.finish()
    assert merge.count("added") == 50 and merge.changes is None
    assert merge.columns("elderly_care_beds")[3][:3] == ["0", "1", "2"]
