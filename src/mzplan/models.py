"""The data model: frozen, strict pydantic models of every data file.

Every model forbids unknown keys, so a misspelt key in YAML is an error rather
than a silently ignored line. Numbers are strict (a YAML string such as
``1_000`` or ``"60"`` is rejected, not coerced) and ids are plain ASCII.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="A stable ASCII id: lower-case letters, digits and '_'.",
    ),
]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Year = Annotated[StrictInt, Field(ge=1949, le=2100)]
Text = Annotated[str, Field(min_length=1)]

Direction = Literal["increase", "decrease"]
Measure = Literal["level", "cumulative", "increment", "milestone", "annual"]
Comparison = Literal["at_least", "at_most", "about", "exactly"]
TargetType = Literal["binding", "expected"]
Level = Literal["country", "province", "prefecture", "district", "county", "subdistrict"]


class Model(BaseModel):
    """Base of every data model: immutable, and unknown keys are errors."""

    # defer_build: a cache hit unpickles models without ever validating, so it need not
    # pay for building their validators; they are built on first validation instead.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Citation(Model):
    """Where a fact comes from: a registered source file and the section in it."""

    file: Text = Field(description="File name of a source listed in sources.yaml.")
    section: Text = Field(description="Section, table row or passage, as numbered in the source.")


class Source(Model):
    """A document that data may cite."""

    file: Text
    title: Text
    issuer: str | None = None
    date: datetime.date | None = None
    url: str | None = None
    note: str | None = None


class Domain(Model):
    """A policy domain (社会救助, 养老服务, ...) used to group indicators."""

    id: Id
    name_zh: Text
    name_en: Text


class Indicator(Model):
    """A quantity a plan sets targets for, independent of place and plan."""

    id: Id
    name_zh: Text = Field(description="Chinese name as written in the source.")
    name_en: Text
    definition: str | None = Field(default=None, description="Definition or formula text.")
    unit: Text
    direction: Direction
    measure: Measure = Field(description="How targets of this indicator are tracked by default.")
    domain: Id
    source: Citation
    formula: str | None = Field(
        default=None,
        description="Formula over other indicators' ids, e.g. "
        "'{dibao_standard} / {per_capita_consumption_expenditure}[-1] * 100'; the "
        "indicator's values are then derived (observed values win). Quote it in YAML.",
    )
    note: str | None = None


class Jurisdiction(Model):
    """A place a plan applies to: a city, district, street or province."""

    id: Id
    name_zh: Text
    name_en: Text
    level: Level
    parent: Id | None = None
    aliases: tuple[Text, ...] = ()


class Period(Model):
    """The years a plan covers, inclusive."""

    start: Year
    end: Year


class Plan(Model):
    """A planning document: one source file, issued by one body, for one jurisdiction."""

    id: Id
    title_zh: Text
    title_en: Text
    issuer: Text
    document_number: str | None = Field(default=None, description="e.g. 沪府办发〔2021〕16号")
    issued: datetime.date | None = None
    jurisdiction: Id
    period: Period
    baseline_year: Year | None = None
    target_year: Year
    source: Text = Field(description="File name of the plan's source document (sources.yaml).")
    tolerance: Annotated[float, Field(strict=True, ge=0, le=1)] | None = Field(
        default=None,
        description="Tolerance δ of the progress method for this plan (0.10 if unset).",
    )
    note: str | None = None


class Baseline(Model):
    """The value an indicator had when the plan started."""

    value: Number
    year: Year
    text: str | None = Field(default=None, description="The original phrase, e.g. '15.9万张'.")


class Goal(Model):
    """A value to reach by a year: the final target or an interim milestone.

    ``value`` and ``comparison`` are absent only for milestone-type targets
    (a law passed, a system built). A missing ``comparison`` on a bare number
    means "reach it": at least for an increasing indicator, at most for a
    decreasing one.
    """

    value: Number | None = None
    year: Year
    comparison: Comparison | None = None
    text: Text = Field(description="The original phrase, e.g. '17.8万张以上' or '≥60'.")
    quote: str | None = Field(default=None, description="The whole sentence of the source.")
    source: Citation | None = Field(
        default=None, description="Where it is said, if not the target's."
    )


class MemberCondition(Model):
    """A condition every child jurisdiction must meet, e.g. 每区不少于25张."""

    value: Number
    comparison: Comparison
    text: Text


class Target(Model):
    """One target of one plan for one jurisdiction and one indicator."""

    indicator: Id
    type: TargetType | None = Field(
        default=None,
        description="binding (约束性) or expected (预期性); null where the source is silent.",
    )
    measure: Measure | None = Field(default=None, description="Overrides the indicator's measure.")
    name_zh: str | None = Field(
        default=None, description="The indicator's name as printed in this plan, where it differs."
    )
    definition: str | None = Field(
        default=None, description="Definition as printed in this plan, where it differs."
    )
    unit: str | None = Field(
        default=None, description="Unit as printed in the source; must be the indicator's unit."
    )
    baseline: Baseline | None = None
    target: Goal
    tolerance: Annotated[float, Field(strict=True, gt=0, lt=1)] | None = Field(
        default=None,
        description="Band of an 'about' (左右) target as a fraction of it (0.05 if unset).",
    )
    milestones: tuple[Goal, ...] = ()
    per_member: MemberCondition | None = None
    source: Citation
    note: str | None = None


class IndicatorsFile(Model):
    """The contents of ``indicators.yaml``."""

    domains: tuple[Domain, ...] = ()
    indicators: tuple[Indicator, ...] = ()


class JurisdictionsFile(Model):
    """The contents of ``jurisdictions.yaml``."""

    jurisdictions: tuple[Jurisdiction, ...] = ()


class PlansFile(Model):
    """The contents of ``plans.yaml``."""

    plans: tuple[Plan, ...] = ()


class SourcesFile(Model):
    """The contents of ``sources.yaml``."""

    sources: tuple[Source, ...] = ()


class TargetsFile(Model):
    """The contents of one file under ``targets/``: one plan, one jurisdiction."""

    plan: Id
    jurisdiction: Id
    targets: tuple[Target, ...] = ()
