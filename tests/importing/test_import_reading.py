"""The import reader and the merge plan, fed from memory."""

from __future__ import annotations

import io

import pytest

from mzplan.importing import (
    ImportedRow,
    ImportItem,
    ImportOptions,
    SkippedRow,
    parse_period,
    plan_import,
    read_import,
)
from mzplan.observations import Observation
from mzplan.problems import Problem
from mzplan.repository import Repository


def read(data: str | bytes, repository: Repository, **options: object) -> list[ImportItem]:
    content = data.encode() if isinstance(data, str) else data
    stream = io.BytesIO(content)
    return list(read_import(stream, "in.csv", repository, ImportOptions(**options)))  # type: ignore[arg-type]


def observations(items: list[ImportItem]) -> list[Observation]:
    assert not [i for i in items if isinstance(i, Problem)], items
    return [i.observation for i in items if isinstance(i, ImportedRow)]


def test_chinese_headers_names_and_notation(repository: Repository) -> None:
    data = "指标,地区,年份,数值,来源\n养老床位总数,上海,2021年,17.8万,x\n"
    [row] = observations(read(data, repository))
    assert (row.indicator, row.jurisdiction, row.period, row.value, row.unit) == (
        "elderly_care_beds",
        "shanghai",
        "2021",
        178000,
        "张",
    )
    assert (row.file, row.line) == ("in.csv", 2)


def test_wide_layout_gives_one_observation_per_year(repository: Repository) -> None:
    data = "指标,地区,来源,2021,2022年,2023\nelderly_care_beds,shanghai,x,1,2,\n"
    rows = observations(read(data, repository))
    assert [(r.period, r.value) for r in rows] == [("2021", 1), ("2022", 2)]


def test_map_alias_and_set(repository: Repository) -> None:
    data = "名称,数,等级\n床位,5,B\n"
    items = read(
        data,
        repository,
        columns={"名称": "indicator", "数": "value", "等级": "note"},
        aliases={"床位": "养老床位总数"},
        defaults={"jurisdiction": "shanghai", "period": "2022", "source": "s"},
    )
    [row] = observations(items)
    assert (row.indicator, row.note) == ("elderly_care_beds", "等级: B")


def test_alias_to_dash_leaves_rows_out(repository: Repository) -> None:
    data = "indicator,jurisdiction,period,value,source\n新增床位,shanghai,2021,1,s\n"
    items = read(data, repository, aliases={"新增床位": "-"})
    assert items == [SkippedRow("in.csv", 2, "新增床位")]


def test_every_bad_cell_is_a_located_problem(repository: Repository) -> None:
    data = (
        "indicator,jurisdiction,period,value,unit,source\n"
        "nope,shanghai,2021,1,张,s\n"
        "elderly_care_beds,atlantis,20x1,lots,张,s\n"
        "elderly_care_beds,shanghai,2021,60%,张,s\n"
    )
    problems = [i for i in read(data, repository) if isinstance(i, Problem)]
    assert [(p.line, p.field, p.code) for p in problems] == [
        (2, "indicator", "import-indicator"),
        (3, "jurisdiction", "import-jurisdiction"),
        (3, "period", "import-period"),
        (3, "value", "import-value"),
        (4, "value", "import-unit"),
    ]


def test_unknown_column_is_a_header_problem(repository: Repository) -> None:
    data = "indicator,jurisdiction,period,value,source,grade\n"
    [problem] = read(data, repository)
    assert isinstance(problem, Problem)
    assert (problem.line, problem.field, problem.code) == (1, "grade", "import-header")
    assert problem.hint is not None and "--map 'grade=-'" in problem.hint


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2023", "2023"),
        ("2023年", "2023"),
        ("２０２３", "2023"),
        ("2023Q3", "2023-Q3"),
        ("2023-q3", "2023-Q3"),
        ("2023年第3季度", "2023-Q3"),
        ("2023-9", "2023-09"),
        ("2023年9月", "2023-09"),
        ("2023-13", None),
        ("23", None),
    ],
)
def test_parse_period(text: str, period: str | None) -> None:
    assert parse_period(text) == period


def observation(value: float, source: str = "s", **fields: object) -> Observation:
    base: dict[str, object] = {
        "indicator": "elderly_care_beds",
        "jurisdiction": "shanghai",
        "period": "2021",
        "value": value,
        "unit": "张",
        "source": source,
    }
    return Observation(**{**base, **fields})  # type: ignore[arg-type]


def imported(value: float, source: str = "s", **fields: object) -> ImportedRow:
    return ImportedRow(observation(value, source, **fields), sets_note=False, sets_preferred=False)


def test_plan_counts_added_changed_unchanged() -> None:
    stored = [observation(1), observation(2, period="2022")]
    plan = plan_import(
        stored,
        [
            imported(1),
            ImportedRow(
                observation(2, period="2022", note="n"), sets_note=True, sets_preferred=False
            ),
            imported(3, period="2023"),
        ],
    )
    assert (plan.count("added"), plan.count("changed"), plan.count("unchanged")) == (1, 1, 1)
    assert plan.touched == {"elderly_care_beds"}


def test_conflict_policies() -> None:
    stored = [observation(1)]
    assert plan_import(stored, [imported(2)]).problems[0].code == "import-conflict"
    replaced = plan_import(stored, [imported(2)], on_conflict="replace")
    assert [o.value for o in replaced.observations] == [2]
    kept = plan_import(stored, [imported(2)], on_conflict="keep")
    assert [o.value for o in kept.observations] == [1] and kept.count("kept") == 1


def test_a_missing_preferred_column_keeps_the_stored_mark() -> None:
    plan = plan_import([observation(1, preferred=True)], [imported(1)])
    assert plan.count("unchanged") == 1


def test_two_imported_rows_with_one_key_and_two_values_are_a_problem() -> None:
    plan = plan_import([], [imported(1), imported(2)])
    assert [p.code for p in plan.problems] == ["import-duplicate"]
