"""Derived indicators: values computed from components, and the problems of formulas."""

from __future__ import annotations

import dataclasses

import pytest

from mzplan.derivation import derive_observations, shift_period
from mzplan.models import Citation, Indicator
from mzplan.observations import Observation, choose_series
from mzplan.repository import Entry, Repository

FILE = "data/indicators.yaml"
CITATION = Citation(file="002_d52665f242e12d10.txt", section="三、重大事項一 第1項")
RATIO = "{standard} / ({spending}[-1] / 12) * 100"


def indicator(
    key: str, formula: str | None = None, *, name_zh: str = "", unit: str = "%"
) -> Indicator:
    """Return a catalog indicator, with a formula if given."""
    return Indicator(
        id=key,
        name_zh=name_zh or key,
        name_en=key,
        unit=unit,
        direction="increase",
        measure="level",
        domain="social_assistance",
        source=CITATION,
        formula=formula,
    )


def repository(*indicators: Indicator, observations: tuple[Observation, ...] = ()) -> Repository:
    """Return a repository of the indicators (in indicators.yaml order) and observations."""
    return Repository(
        indicators=tuple(
            Entry(value, FILE, ("indicators", index)) for index, value in enumerate(indicators)
        ),
        observations=observations,
    )


def obs(
    indicator: str,
    period: str,
    value: float,
    *,
    jurisdiction: str = "shanghai",
    source: str = "统计公报",
    preferred: bool = False,
) -> Observation:
    """Return one observation."""
    return Observation(
        indicator=indicator,
        jurisdiction=jurisdiction,
        period=period,
        value=value,
        unit="x",
        source=source,
        preferred=preferred,
        file=f"data/observations/{indicator}.csv",
        line=2,
    )


def dibao(*observations: Observation) -> Repository:
    """Return the 低保 ratio and its two components, with the given observations."""
    return repository(
        indicator("standard", unit="元/人·月", name_zh="最低生活保障标准"),
        indicator("spending", unit="元/人·年", name_zh="居民人均消费支出"),
        indicator("ratio", RATIO),
        observations=observations,
    )


def derived_values(repo: Repository) -> dict[tuple[str, str, str], float]:
    """Return the derived values by (indicator, jurisdiction, period)."""
    observations, _ = derive_observations(repo)
    return {(o.indicator, o.jurisdiction, o.period): o.value for o in observations}


def codes(repo: Repository) -> list[tuple[str, tuple[str | int, ...], str]]:
    """Return the (code, path, severity) of every finding."""
    _, findings = derive_observations(repo)
    return [(f.code, f.path, f.severity) for f in findings]


# --- values ------------------------------------------------------------------------------------


def test_the_ratio_uses_the_previous_years_spending() -> None:
    repo = dibao(
        obs("standard", "2020", 1240),
        obs("standard", "2021", 1330),
        obs("standard", "2022", 1420),
        obs("spending", "2019", 45605),
        obs("spending", "2020", 42536),
        obs("spending", "2022", 46045),
    )
    values = derived_values(repo)
    # 2022 needs the 2021 spending, which is missing; 2023 needs a 2023 standard.
    assert values == {
        ("ratio", "shanghai", "2020"): pytest.approx(1240 / (45605 / 12) * 100),
        ("ratio", "shanghai", "2021"): pytest.approx(1330 / (42536 / 12) * 100),
    }
    assert round(values["ratio", "shanghai", "2020"], 2) == 32.63


def test_a_derived_value_names_its_formula_and_component_sources() -> None:
    repo = dibao(obs("standard", "2021", 1330, source="SHINE"), obs("spending", "2020", 42536))
    (derived,), findings = derive_observations(repo)
    assert findings == []
    assert derived.unit == "%"
    assert derived.source == f"derived: {RATIO}; standard 2021: SHINE; spending 2020: 统计公报"
    assert derived.note == "derived from standard 2021 = 1330 x; spending 2020 = 42536 x"
    assert derived.file == FILE
    assert not derived.preferred


def test_each_jurisdiction_is_derived_from_its_own_components() -> None:
    repo = dibao(
        obs("standard", "2021", 1200),
        obs("spending", "2020", 40000),
        obs("standard", "2021", 1300, jurisdiction="chongming"),
        obs("spending", "2020", 36000, jurisdiction="pudong"),
    )
    assert set(derived_values(repo)) == {("ratio", "shanghai", "2021")}


def test_quarters_and_months_compare_with_the_same_period_a_year_earlier() -> None:
    repo = repository(
        indicator("beds", unit="张"),
        indicator("growth", "({beds} - {beds}[-1]) / {beds}[-1] * 100"),
        observations=(
            obs("beds", "2022-Q3", 100),
            obs("beds", "2023-Q2", 104),
            obs("beds", "2023-Q3", 110),
            obs("beds", "2022-09", 50),
            obs("beds", "2023-09", 60),
        ),
    )
    assert derived_values(repo) == {
        ("growth", "shanghai", "2023-Q3"): pytest.approx(10.0),
        ("growth", "shanghai", "2023-09"): pytest.approx(20.0),
    }


def test_the_preferred_component_value_is_used() -> None:
    repo = dibao(
        obs("standard", "2021", 1330, source="a"),
        obs("standard", "2021", 1200, source="b", preferred=True),
        obs("spending", "2020", 12000),
    )
    assert derived_values(repo) == {("ratio", "shanghai", "2021"): pytest.approx(120.0)}


def test_observed_values_win_over_derived_ones() -> None:
    repo = dibao(
        obs("standard", "2020", 1240),
        obs("standard", "2021", 1330),
        obs("spending", "2019", 45605),
        obs("spending", "2020", 42536),
        obs("ratio", "2021", 37.0, source="统计年鉴"),
    )
    assert set(derived_values(repo)) == {("ratio", "shanghai", "2020")}
    series = repo.observations_by_series["ratio", "shanghai"]
    chosen = {o.period: (o.value, o.source) for o in choose_series(series)}
    assert chosen["2021"] == (37.0, "统计年鉴")
    assert chosen["2020"][1].startswith("derived: ")


def test_the_repository_serves_derived_values_with_the_observed_ones() -> None:
    repo = dibao(obs("standard", "2021", 1200), obs("spending", "2020", 12000))
    assert [o.value for o in repo.observations_by_series["ratio", "shanghai"]] == [120.0]
    assert len(repo.observations_by_series["standard", "shanghai"]) == 1
    assert repo.derivation[1] == ()


def test_derived_components_are_derived_first_whatever_the_catalog_order() -> None:
    repo = repository(
        indicator("double_ratio", "{ratio} * 2"),
        indicator("ratio", "{a} / {b}"),
        indicator("a", unit="人"),
        indicator("b", unit="人"),
        observations=(obs("a", "2021", 3), obs("b", "2021", 4), obs("ratio", "2022", 1)),
    )
    assert derived_values(repo) == {
        ("ratio", "shanghai", "2021"): 0.75,
        ("double_ratio", "shanghai", "2021"): 1.5,
        ("double_ratio", "shanghai", "2022"): 2.0,
    }


def test_components_may_be_named_in_chinese() -> None:
    repo = dibao(obs("standard", "2021", 1200), obs("spending", "2020", 12000))
    formula = "最低生活保障标准 ／（{居民人均消费支出}［-1］÷ 12）× 100"
    repo = dataclasses.replace(
        repo,
        indicators=(
            *repo.indicators[:2],
            Entry(indicator("ratio", formula), FILE, ("indicators", 2)),
        ),
    )
    assert derived_values(repo) == {("ratio", "shanghai", "2021"): pytest.approx(120.0)}


def test_without_formulas_nothing_is_derived() -> None:
    repo = repository(indicator("a"), observations=(obs("a", "2021", 1),))
    assert derive_observations(repo) == ([], [])


@pytest.mark.parametrize(
    ("period", "years", "expected"),
    [
        ("2023", -1, "2022"),
        ("2023-Q3", -1, "2022-Q3"),
        ("2023-09", 1, "2024-09"),
        ("0000", -1, None),
        ("2023-13", -1, None),
    ],
)
def test_shift_period(period: str, years: int, expected: str | None) -> None:
    assert shift_period(period, years) == expected


# --- problems ------------------------------------------------------------------------------------


def test_a_syntax_error_is_located_at_the_formula() -> None:
    repo = repository(
        indicator("a"), indicator("r", "{a} +* 2"), observations=(obs("a", "2021", 1),)
    )
    observations, findings = derive_observations(repo)
    assert observations == []
    (finding,) = findings
    assert (finding.file, finding.path, finding.code) == (
        FILE,
        ("indicators", 1, "formula"),
        "formula-syntax",
    )
    assert finding.message == "formula: invalid syntax (column 6 of the formula)"
    assert finding.severity == "error"


def test_an_unknown_name_is_located_with_a_suggestion() -> None:
    repo = repository(indicator("spending"), indicator("r", "{a} / {spendng}"))
    _, findings = derive_observations(repo)
    assert [(f.code, f.path, f.message, f.hint) for f in findings] == [
        (
            "formula-unknown-name",
            ("indicators", 1, "formula"),
            "formula names no indicator 'a' (column 1 of the formula)",
            "see 'mzplan list indicators'",
        ),
        (
            "formula-unknown-name",
            ("indicators", 1, "formula"),
            "formula names no indicator 'spendng' (column 7 of the formula)",
            "did you mean 'spending'?",
        ),
    ]


def test_an_ambiguous_chinese_name_is_an_error() -> None:
    repo = repository(
        indicator("a", name_zh="人口"), indicator("b", name_zh="人口"), indicator("r", "{人口} * 2")
    )
    _, findings = derive_observations(repo)
    assert [f.code for f in findings] == ["formula-unknown-name"]
    assert "names several indicators (a, b)" in findings[0].message


def test_cycles_are_errors_at_every_formula_on_them() -> None:
    repo = repository(
        indicator("a", "{b} + 1"),
        indicator("b", "{c} * 2"),
        indicator("c", "{a}[-1]"),
        indicator("d", "{a} + {e}"),
        indicator("e", unit="人"),
        observations=(obs("a", "2021", 1), obs("e", "2021", 2)),
    )
    observations, findings = derive_observations(repo)
    assert [(f.code, f.path[1], f.message) for f in findings] == [
        ("formula-cycle", 0, "formula of 'a' depends on itself: a → b → c → a"),
        ("formula-cycle", 1, "formula of 'b' depends on itself: b → c → a → b"),
        ("formula-cycle", 2, "formula of 'c' depends on itself: c → a → b → c"),
    ]
    # Formulas on a cycle derive nothing; one that uses them reads their observed values.
    assert [(o.indicator, o.period, o.value) for o in observations] == [("d", "2021", 3.0)]


def test_a_formula_naming_its_own_indicator_is_a_cycle() -> None:
    repo = repository(indicator("total", "{total}[-1] + {flow}"), indicator("flow", unit="人"))
    assert codes(repo) == [("formula-cycle", ("indicators", 0, "formula"), "error")]
    assert "total → total" in derive_observations(repo)[1][0].message


def test_division_by_zero_is_a_warning_and_derives_nothing_for_that_period() -> None:
    repo = dibao(
        obs("standard", "2021", 1330),
        obs("standard", "2022", 1420),
        obs("spending", "2020", 0),
        obs("spending", "2021", 48000),
    )
    observations, findings = derive_observations(repo)
    assert [o.period for o in observations] == ["2022"]
    (finding,) = findings
    assert (finding.code, finding.severity) == ("formula-evaluation", "warning")
    assert finding.message == (
        "formula of 'ratio' for shanghai, 2021: division by zero (column 15 of the formula); "
        "no value is derived"
    )
    assert finding.hint == (
        "check the component values: standard 2021 = 1330 (data/observations/standard.csv:2), "
        "spending 2020 = 0 (data/observations/spending.csv:2)"
    )
