"""Commands that judge progress: status and show."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from mzplan.cli.app import (
    DataDirOption,
    DomainOption,
    JurisdictionOption,
    Language,
    LanguageOption,
    PlanOption,
    TargetTypeOption,
    TypeOption,
    command,
    load_valid,
    print_data,
    print_lines,
)
from mzplan.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from mzplan.repository import Repository
    from mzplan.status import StatusReport


class StatusFormat(enum.StrEnum):
    """Output formats of ``status``."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class MethodOption(enum.StrEnum):
    """Progress methods (METHODOLOGY.md)."""

    default = "default"
    growth = "growth"


class FailOn(enum.StrEnum):
    """When ``status`` exits non-zero."""

    alert = "alert"
    lagging = "lagging"
    never = "never"


AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Judge as of a date (2024-06-30) or the end of a year (2024)."),
]
MethodChoice = Annotated[
    MethodOption,
    typer.Option(
        "--method", help="default: completion vs elapsed time; growth: growth-rate ratio."
    ),
]
ToleranceOption = Annotated[
    float | None,
    typer.Option("--tolerance", min=0.0, max=1.0, help="Tolerance δ around the schedule (0.10)."),
]


def assess_options(
    repository: Repository,
    *,
    jurisdiction: list[str] | None,
    plan: list[str] | None,
    domain: list[str] | None,
    target_type: TargetTypeOption | None,
    as_of: str | None,
    method: MethodOption,
    tolerance: float | None,
    statuses: Sequence[str] = (),
) -> StatusReport:
    """Assess the targets the command-line filters select, as ``status`` and ``report`` do."""
    from mzplan.listing import build_selection
    from mzplan.status import build_status

    selection = build_selection(
        repository,
        jurisdictions=jurisdiction or [],
        plans=plan or [],
        domains=domain or [],
        types=[target_type.value] if target_type else [],
    )
    return build_status(
        repository,
        selection,
        as_of=parse_as_of(as_of, datetime.date.today()),
        method="growth" if method is MethodOption.growth else "default",
        tolerance=tolerance,
        statuses=statuses,
    )


def parse_as_of(text: str | None, today: datetime.date) -> datetime.date:
    """Return the "as of" date: a date, the last day of a year, or ``today``."""
    if text is None:
        return today
    value = text.strip()
    if value.isdigit() and len(value) == 4:
        return datetime.date(int(value), 12, 31)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--as-of {text!r} is not a date or a year", hint="write 2024 or 2024-06-30"
        ) from None


@command()
def status(
    data_dir: DataDirOption = None,
    jurisdiction: JurisdictionOption = None,
    plan: PlanOption = None,
    domain: DomainOption = None,
    target_type: TypeOption = None,
    status_filter: Annotated[
        list[str] | None,
        typer.Option("--status", help="Show only these statuses (achieved, lagging, ...)."),
    ] = None,
    as_of: AsOfOption = None,
    method: MethodChoice = MethodOption.default,
    tolerance: ToleranceOption = None,
    output_format: Annotated[
        StatusFormat, typer.Option("--format", help="table, json, csv or markdown.")
    ] = StatusFormat.table,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 on any alert, any lagging target, or never.")
    ] = FailOn.never,
    language: LanguageOption = Language.zh,
) -> None:
    """Show each target's progress: ahead, on track, lagging, achieved; alerts on binding targets.

    Example: mzplan status -j 崇明区 --type binding --as-of 2023
    """
    from mzplan.render import status as render
    from mzplan.status import GROWTH_ORDER, STATUS_ORDER, should_fail, status_record

    known = GROWTH_ORDER if method is MethodOption.growth else STATUS_ORDER
    for wanted in status_filter or []:
        if wanted not in known:
            raise UsageError(f"unknown status {wanted!r}", hint=f"one of: {', '.join(known)}")
    repository = load_valid(data_dir)
    report = assess_options(
        repository,
        jurisdiction=jurisdiction,
        plan=plan,
        domain=domain,
        target_type=target_type,
        as_of=as_of,
        method=method,
        tolerance=tolerance,
        statuses=status_filter or [],
    )
    records = [status_record(item) for item in report.items]
    lang = language.code
    domains, places = repository.names(lang)
    if output_format is StatusFormat.json:
        from mzplan.render.jsonarray import json_lines

        print_lines(json_lines(records))
    elif output_format is StatusFormat.csv:
        print_data(render.render_status_csv(records))
    elif output_format is StatusFormat.markdown:
        print_data(render.render_markdown(records, report.counts(), domains, places, lang))
    else:
        from mzplan.render.output import stdout_console

        console = stdout_console()
        view = render.status_view(records, report.counts(), domains, places, lang, console.width)
        console.print(view)
    if should_fail(report, fail_on.value):
        raise typer.Exit(ExitCode.DATA)


@command()
def show(
    target: Annotated[
        str, typer.Argument(help="plan/jurisdiction/indicator, or an indicator id with -j and -p.")
    ],
    data_dir: DataDirOption = None,
    jurisdiction: JurisdictionOption = None,
    plan: PlanOption = None,
    as_of: AsOfOption = None,
    tolerance: ToleranceOption = None,
    language: LanguageOption = Language.zh,
) -> None:
    """Show everything about one target: definition, source, observations, both methods, a chart.

    Example: mzplan show chongming_civil_affairs_14th/chongming/nursing_bed_share
    """
    from mzplan.listing import build_selection
    from mzplan.render.output import stdout_console
    from mzplan.render.show import history_chart, show_view
    from mzplan.selection import select_targets
    from mzplan.status import build_status, history_points, status_record

    repository = load_valid(data_dir)
    selection = build_selection(repository, jurisdictions=jurisdiction or [], plans=plan or [])
    candidates = [
        t for t in select_targets(repository, selection) if target in (t.key, t.indicator.id)
    ]
    if len(candidates) != 1:
        keys = ", ".join(t.key for t in candidates[:5])
        raise UsageError(
            f"{'no' if not candidates else len(candidates)} targets match {target!r}",
            hint=f"name one of: {keys}" if candidates else "see 'mzplan list targets'",
        )
    chosen = candidates[0]
    narrowed = build_selection(
        repository, jurisdictions=[chosen.jurisdiction.id], plans=[chosen.plan.id]
    )
    day = parse_as_of(as_of, datetime.date.today())
    by_method = {}
    for method in ("default", "growth"):
        report = build_status(repository, narrowed, as_of=day, method=method, tolerance=tolerance)
        by_method[method] = next(i for i in report.items if i.target.key == chosen.key)
    series = repository.observations_by_series.get(
        (chosen.indicator.id, chosen.jurisdiction.id), ()
    )
    periods, observed, scheduled = history_points(chosen, by_method["default"].assessment)
    lang = language.code
    names = {
        "plan": chosen.plan.title_zh if lang == "zh" else chosen.plan.title_en,
        "jurisdiction": chosen.jurisdiction.name_zh
        if lang == "zh"
        else chosen.jurisdiction.name_en,
    }
    observations = [
        {"period": o.period, "value": o.value, "source": o.source, "note": o.note}
        for o in sorted(series, key=lambda o: (o.time, o.source))
    ]
    stdout_console().print(
        show_view(
            status_record(by_method["default"]),
            status_record(by_method["growth"]),
            observations,
            history_chart(observed, scheduled, periods) if periods else ("", "", ""),
            names,
            lang,
        )
    )
