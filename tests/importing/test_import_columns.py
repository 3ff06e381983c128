"""The column-wise import gives what the exact per-row reading and merging give.

The reader (:func:`mzplan.streaming.import_stream`) resolves chunks of records
column by column and sends a record to the exact per-row reading only when it
must; :class:`mzplan.merging.Merge` merges rows in bulk when no key repeats, and
checks and writes files column by column. These tests hold each fast path to the
reference: :func:`mzplan.importing.read_import`, :func:`mzplan.importing.plan_import`,
the group-by-group checks and the :mod:`csv` writer. Chunks are made tiny so that
a few rows cross several of them.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mzplan import observation_store, streaming
from mzplan.importing import ImportedRow, ImportOptions, SkippedRow, plan_import, read_import
from mzplan.merging import ConflictPolicy, Merge
from mzplan.observation_checks import check_group, check_one, last_plan_year
from mzplan.observation_store import render_columns, render_observation_file, render_rows
from mzplan.observations import OBSERVATION_COLUMNS, Observation
from mzplan.problems import Problem
from mzplan.repository import Repository
from mzplan.streaming import import_stream, line_numbers, plain_integers

NAME = "in.csv"
OPTIONS = ImportOptions(aliases={"新增床位": "-"})
STORED = (
    Observation("elderly_care_beds", "shanghai", "2021", 1.0, "张", "s", file="o.csv", line=2),
    Observation("elderly_care_beds", "pudong", "2021", 5.0, "张", "s", file="o.csv", line=3),
    Observation("nursing_bed_share", "shanghai", "2021", 60.0, "%", "t", preferred=True),
)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

cells = {
    "indicator": ["elderly_care_beds", "养老床位总数", "nursing_bed_share", "nope", "", "新增床位"],
    "jurisdiction": ["shanghai", " 上海 ", "pudong", "atlantis", ""],
    "period": ["2021", "2021年", "2022-Q3", "2023-9", "1900", "2040", "20x1", ""],
    "value": ["1", "2", "0", "007", "158500", "17.8万", "60%", "33.20", "1,234", "lots", "", " 5 "],
    "unit": ["", "张", "%", "万张"],
    "source": ["s", "t", "", "公报,2023"],
    "note": ["", "n", "two\nlines", 'say "hi"'],
    "preferred": ["", "是", "true", "no", "maybe"],
}
record = st.fixed_dictionaries({field: st.sampled_from(texts) for field, texts in cells.items()})
table = st.tuples(
    st.sampled_from(["value", "note", "preferred"]),  # the last column the file has
    st.lists(st.one_of(record, st.just({}), st.just({"indicator": "x"})), max_size=24),
    st.sampled_from(["\n", "\r\n"]),
)


def csv_bytes(last: str, records: Sequence[dict[str, str]], ending: str) -> bytes:
    """Return a long-layout CSV whose columns run from indicator to ``last``."""
    fields = list(cells)[: list(cells).index(last) + 1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=ending)
    writer.writerow(fields)
    for item in records:
        writer.writerow([item[field] for field in fields if field in item])
    return buffer.getvalue().encode()


def stream(
    data: bytes,
    repository: Repository,
    *,
    keep_changes: bool,
    on_conflict: ConflictPolicy,
    options: ImportOptions = OPTIONS,
    stored: Sequence[Observation] = STORED,
) -> tuple[Merge, list[SkippedRow | Problem]]:
    merge = Merge(stored, on_conflict=on_conflict, keep_changes=keep_changes)
    reported: list[SkippedRow | Problem] = []
    import_stream(io.BytesIO(data), NAME, repository, options, merge, reported.append)
    merge.finish()
    return merge, reported


def by_place(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.field, p.code, p.message))


stored_sets = st.sampled_from([(), STORED[:2], STORED])
"""Stored rows: none (every file is new), of one indicator, of both."""


@SETTINGS
@given(
    layout=table,
    on_conflict=st.sampled_from(["error", "replace", "keep"]),
    stored=stored_sets,
)
def test_the_columns_give_what_the_rows_give(
    repository: Repository,
    monkeypatch: pytest.MonkeyPatch,
    layout: tuple[str, list[dict[str, str]], str],
    on_conflict: ConflictPolicy,
    stored: tuple[Observation, ...],
) -> None:
    monkeypatch.setattr(streaming, "_CHUNK", 3)
    data = csv_bytes(*layout)
    items = list(read_import(io.BytesIO(data), NAME, repository, OPTIONS))
    plan = plan_import(
        stored, [i for i in items if isinstance(i, ImportedRow)], on_conflict=on_conflict
    )
    for keep_changes in (True, False):
        merge, reported = stream(
            data, repository, keep_changes=keep_changes, on_conflict=on_conflict, stored=stored
        )
        assert reported == [i for i in items if not isinstance(i, ImportedRow)]
        assert merge.counts == {kind: plan.count(kind) for kind in merge.counts}
        assert merge.touched == plan.touched
        assert sorted(merge.observations()) == sorted(plan.observations)
        if keep_changes:  # merged in import order
            assert merge.changes == list(plan.changes)
            assert merge.problems == list(plan.problems)
        else:  # merged a file at a time, in bulk where it can be
            assert by_place(merge.problems) == by_place(plan.problems)
        for indicator in merge.touched:
            rows = [o for o in plan.observations if o.indicator == indicator]
            assert render_columns(merge.columns(indicator)) == render_observation_file(rows)


@SETTINGS
@given(first=table, second=table, stored=stored_sets)
def test_a_merge_finished_after_each_file_is_the_merge_of_both(
    repository: Repository,
    monkeypatch: pytest.MonkeyPatch,
    first: tuple[str, list[dict[str, str]], str],
    second: tuple[str, list[dict[str, str]], str],
    stored: tuple[Observation, ...],
) -> None:
    monkeypatch.setattr(streaming, "_CHUNK", 3)
    files = [csv_bytes(*first), csv_bytes(*second)]
    items = [i for data in files for i in read_import(io.BytesIO(data), NAME, repository, OPTIONS)]
    plan = plan_import(stored, [i for i in items if isinstance(i, ImportedRow)])
    merge = Merge(stored)
    for data in files:
        import_stream(io.BytesIO(data), NAME, repository, OPTIONS, merge, lambda _: None)
        merge.finish()
    assert merge.counts == {kind: plan.count(kind) for kind in merge.counts}
    assert merge.touched == plan.touched
    assert by_place(merge.problems) == by_place(plan.problems)
    assert sorted(merge.observations()) == sorted(plan.observations)
    assert merge.check(repository) == reference_check(merge, repository, stored)


def test_rows_merged_by_an_earlier_finish_stay_imported(repository: Repository) -> None:
    header = "indicator,jurisdiction,period,value,source\n"
    merge = Merge(STORED)
    for body in ("elderly_care_beds,pudong,2040,1,s\n", "elderly_care_beds,shanghai,2022,1,s\n"):
        data = (header + body).encode()
        import_stream(io.BytesIO(data), NAME, repository, OPTIONS, merge, lambda _: None)
        merge.finish()
    errors, warnings = merge.check(repository)
    assert errors == [] and [(p.code, p.line) for p in warnings] == [("observation-period-late", 2)]


def reference_check(
    merge: Merge, repository: Repository, stored_rows: Sequence[Observation] = STORED
) -> tuple[list[Problem], list[Problem]]:
    """The checks of the import, group by group as the rules say (the slow way)."""
    errors: list[Problem] = []
    row_warnings: list[Problem] = []
    group_warnings: list[Problem] = []
    last_year = last_plan_year(repository)
    merged = sorted(merge.observations(), key=lambda o: (o.jurisdiction, o.period, o.source))
    for indicator in sorted(merge.touched):
        known = repository.indicator_by_id.get(indicator)
        unit = known.unit if known else None
        rows = [o for o in merged if o.indicator == indicator]
        for (jurisdiction, period), members in itertools.groupby(
            rows, key=lambda o: (o.jurisdiction, o.period)
        ):
            group = list(members)
            imported = [o for o in group if o.file == NAME]
            if not imported:
                continue
            probe = Observation(indicator, jurisdiction, period, 0.0, unit or "", "")
            quiet = (
                unit is not None
                and jurisdiction in repository.jurisdiction_by_id
                and not check_one(probe, repository, last_year, placement=False)
            )
            found = [
                p for o in imported for p in check_one(o, repository, last_year, placement=False)
            ]
            if not quiet:
                errors.extend(p for p in found if p.severity == "error")
                row_warnings.extend(p for p in found if p.severity == "warning")
            elif any(o.unit != unit for o in group):
                errors.extend(p for p in found if p.severity == "error")
            if len(group) < 2 or (
                len({o.value for o in group}) < 2 and sum(o.preferred for o in group) < 2
            ):
                continue
            stored = [
                o
                for o in stored_rows
                if (o.indicator, o.jurisdiction, o.period) == (indicator, jurisdiction, period)
            ]
            before = set(check_group(stored)) if len(stored) > 1 else set()
            for problem in check_group(group):
                if problem.severity == "error":
                    errors.append(problem)
                elif problem not in before:
                    group_warnings.append(problem)
    return errors, row_warnings + group_warnings


@SETTINGS
@given(layout=table, stored=stored_sets)
def test_the_checks_find_what_a_group_by_group_check_finds(
    repository: Repository,
    monkeypatch: pytest.MonkeyPatch,
    layout: tuple[str, list[dict[str, str]], str],
    stored: tuple[Observation, ...],
) -> None:
    monkeypatch.setattr(streaming, "_CHUNK", 3)
    for keep_changes in (True, False):
        merge, _ = stream(
            csv_bytes(*layout),
            repository,
            keep_changes=keep_changes,
            on_conflict="replace",
            stored=stored,
        )
        assert merge.check(repository) == reference_check(merge, repository, stored)


def test_the_checks_report_late_periods_disagreements_and_two_preferred_rows(
    repository: Repository,
) -> None:
    data = (
        "indicator,jurisdiction,period,value,source,preferred\n"
        "elderly_care_beds,shanghai,2040,1,s,\n"  # late
        "elderly_care_beds,shanghai,2022,1,s,\n"
        "elderly_care_beds,shanghai,2022,2,t,\n"  # disagrees
        "elderly_care_beds,pudong,2022,1,s,是\n"
        "elderly_care_beds,pudong,2022,1,t,是\n"  # preferred twice
    ).encode()
    merge, reported = stream(data, repository, keep_changes=False, on_conflict="error")
    assert reported == [] and merge.problems == []
    errors, warnings = merge.check(repository)
    assert [p.code for p in errors] == ["observation-preferred"]
    assert [p.code for p in warnings] == ["observation-period-late", "observation-disagreement"]
    assert (errors, warnings) == reference_check(merge, repository)


def test_a_bad_row_after_a_quoted_multi_line_cell_is_named_by_its_physical_line(
    repository: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streaming, "_CHUNK", 2)
    data = (
        b"indicator,jurisdiction,period,value,source,note\r\n"
        b'elderly_care_beds,shanghai,2021,1,s,"three\r\nline\rnote"\r\n'  # lines 2 to 4
        b"elderly_care_beds,shanghai,2022,2,s,\r\n"  # line 5
        b'elderly_care_beds,pudong,2022,"many\nlines",s,\r\n'  # lines 6 and 7
        b"\r\n"  # line 8, blank
        b"elderly_care_beds,atlantis,2023,3,s,\r\n"  # line 9
    )
    merge, reported = stream(data, repository, keep_changes=False, on_conflict="error")
    assert [(p.line, p.field, p.code) for p in reported if isinstance(p, Problem)] == [
        (6, "value", "import-value"),
        (9, "jurisdiction", "import-jurisdiction"),
    ]
    assert sorted(o.line for o in merge.observations() if o.file == NAME) == [2, 5]
    expected = list(read_import(io.BytesIO(data), NAME, repository, OPTIONS))
    assert reported == [i for i in expected if not isinstance(i, ImportedRow)]


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (b"elderly_care_beds,shanghai,2023,3,s\n\xff\xfe\n", "not valid utf-8 text"),
        (b'elderly_care_beds,shanghai,2023,3,"s' + b"x" * 200_000 + b'"\n', "bad CSV"),
    ],
)
def test_an_unreadable_record_is_named_after_the_rows_read_before_it(
    repository: Repository, monkeypatch: pytest.MonkeyPatch, tail: bytes, message: str
) -> None:
    monkeypatch.setattr(streaming, "_CHUNK", 4)
    head = b"indicator,jurisdiction,period,value,source\n" + b"".join(
        b"elderly_care_beds,shanghai,%d,1,s\n" % year for year in range(2000, 2006)
    )
    data = head + b'elderly_care_beds,pudong,2021,1,"two\nlines"\n' + tail
    options = ImportOptions(encoding="utf-8")  # detected, the encoding would fail at the start
    merge, reported = stream(
        data, repository, keep_changes=False, on_conflict="error", options=options
    )
    [problem] = reported
    assert isinstance(problem, Problem) and message in problem.message
    expected = list(read_import(io.BytesIO(data), NAME, repository, options))
    assert reported == [i for i in expected if isinstance(i, Problem)]
    assert merge.count("added") == len([i for i in expected if isinstance(i, ImportedRow)])


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='a,"\r\n', max_size=40))
def test_line_numbers_count_lines_as_the_csv_reader_does(text: str) -> None:
    wrapper = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8", newline="")
    reader = csv.reader(wrapper)
    records, ends = [], []
    for cells_read in reader:
        records.append(cells_read)
        ends.append(reader.line_num)
    starts, _ = line_numbers(records, 0)
    assert starts == [previous + 1 for previous in [0, *ends][: len(ends)]]
    if records:  # the line after all but the last record (which may end inside quotes)
        assert line_numbers(records[:-1], 0)[1] == starts[-1]


@given(
    st.lists(
        st.sampled_from(
            ["0", "1", "00", "01", "10", "9" * 15, "9" * 16, "", " 1", "١", "²", "1.0"]
        ),
        min_size=1,
    )
)
def test_plain_integers_follow_the_rule_for_one_cell(texts: list[str]) -> None:
    def plain(text: str) -> bool:
        return (
            text.isdigit()
            and text.isascii()
            and len(text) < 16
            and (text[0] != "0" or len(text) == 1)
        )

    assert plain_integers(texts) == all(map(plain, texts))


special = st.sampled_from(["", "a", ",", '"', "\n", "\r", "\r\n", " x ", "张", "a,b", '"q"'])
cell = st.one_of(special, st.text(max_size=6))
stored_row = st.tuples(*[cell] * len(OBSERVATION_COLUMNS))
pool = st.lists(stored_row, min_size=1, max_size=4)


@SETTINGS
@given(
    rows=st.one_of(
        st.lists(stored_row, max_size=30),
        pool.flatmap(lambda rows: st.lists(st.sampled_from(rows), max_size=30)),
    )
)
def test_rendering_writes_the_bytes_of_the_csv_writer(
    monkeypatch: pytest.MonkeyPatch, rows: list[tuple[str, ...]]
) -> None:
    monkeypatch.setattr(observation_store, "_BATCH", 7)
    monkeypatch.setattr(observation_store, "_SAMPLE", 4)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OBSERVATION_COLUMNS)
    writer.writerows(rows)
    expected = buffer.getvalue().encode()
    assert render_rows(rows) == expected
    columns = [list(column) for column in zip(*rows, strict=True)] or [
        [] for _ in OBSERVATION_COLUMNS
    ]
    assert render_columns(columns) == expected


def test_rows_of_another_width_are_written_by_the_csv_writer() -> None:
    rows = [("a", ""), ("",), ("x", "y,z", "w")]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    header = (",".join(OBSERVATION_COLUMNS) + "\n").encode()
    assert render_rows(rows) == header + buffer.getvalue().encode()
