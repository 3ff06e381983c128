"""Commands over the catalog: validate, list, schema, init."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mzplan.cli.app import (
    DataDirOption,
    DomainOption,
    JurisdictionOption,
    Language,
    LanguageOption,
    ListFormat,
    ListKind,
    PlanOption,
    ProblemFormat,
    SchemaName,
    TypeOption,
    command,
    load,
    load_valid,
    print_data,
    print_lines,
)
from mzplan.errors import ExitCode


@command()
def validate(
    data_dir: DataDirOption = None,
    output_format: Annotated[
        ProblemFormat, typer.Option("--format", help="text, json, or github annotations.")
    ] = ProblemFormat.text,
) -> None:
    """Check every data file; list each problem at file:line:column.

    Exit 0 when the data is valid, 1 when it is not, 2 for bad usage.

    Example: mzplan validate --data-dir ./data --format github
    """
    from mzplan.render import problems as render

    loaded = load(data_dir)
    report = loaded.report
    if output_format is ProblemFormat.json:
        print_data(render.render_json(report))
    elif report.problems:
        text = (
            render.render_github(report)
            if output_format is ProblemFormat.github
            else render.render_text(report)
        )
        print_data(text)
    if not report.valid:
        raise typer.Exit(ExitCode.DATA)
    if output_format is ProblemFormat.text:
        counts = loaded.repository
        typer.echo(
            f"ok: {len(counts.indicators)} indicators, {len(counts.targets)} targets, "
            f"{len(counts.plans)} plans, {len(counts.jurisdictions)} jurisdictions",
            err=True,
        )


@command("list")
def list_(
    kind: Annotated[ListKind, typer.Argument(help="What to list.")],
    data_dir: DataDirOption = None,
    jurisdiction: JurisdictionOption = None,
    plan: PlanOption = None,
    domain: DomainOption = None,
    target_type: TypeOption = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", help="table, json or csv.")
    ] = ListFormat.table,
    language: LanguageOption = Language.zh,
) -> None:
    """List indicators, targets, plans or jurisdictions, with filters.

    Example: mzplan list targets -j 崇明区 --format json
    """
    from mzplan.listing import list_records
    from mzplan.render import listing as render

    repository = load_valid(data_dir)
    records = list_records(
        repository,
        kind.value,
        jurisdictions=jurisdiction or [],
        plans=plan or [],
        domains=domain or [],
        types=[target_type.value] if target_type else [],
    )
    if output_format is ListFormat.json:
        from mzplan.render.jsonarray import json_lines

        print_lines(json_lines(records))
        return
    if output_format is ListFormat.csv:
        if kind is ListKind.targets:
            print_data(
                render.render_csv(
                    [render.target_csv_row(r) for r in records], render.TARGET_CSV_COLUMNS
                )
            )
        else:
            columns = list(records[0]) if records else []
            print_data(render.render_csv(records, columns))
        return
    lang = language.code
    tables = {
        ListKind.targets: lambda: render.targets_table(records, repository, lang),
        ListKind.indicators: lambda: render.indicators_table(records, repository, lang),
        ListKind.plans: lambda: render.plans_table(records, lang),
        ListKind.jurisdictions: lambda: render.jurisdictions_table(records, lang),
    }
    from mzplan.render.output import stdout_console

    stdout_console().print(tables[kind]())


@command()
def schema(
    name: Annotated[SchemaName | None, typer.Argument(help="Which file's schema to print.")] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir", help="Write every schema as NAME.schema.json into this folder."
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of a data file, for editors' YAML language servers.

    Example: mzplan schema targets > targets.schema.json
    """
    from mzplan.schema import render_schema, write_schemas

    if output_dir is not None:
        for path in write_schemas(output_dir):
            typer.echo(f"wrote {path}", err=True)
        return
    if name is None:
        from mzplan.errors import UsageError

        raise UsageError("name a schema or give --output-dir", hint="e.g. mzplan schema targets")
    print_data(render_schema(name.value))


@command()
def init(
    path: Annotated[Path, typer.Argument(help="Folder to create the data repository in.")],
) -> None:
    """Create a new, valid, empty data repository (for another city, district or province).

    Example: mzplan init ./hangzhou-plans
    """
    from mzplan.scaffold import scaffold_repository

    for written in scaffold_repository(path):
        typer.echo(f"created {written}", err=True)
    typer.echo(
        f"next: add sources, jurisdictions and plans, then run 'mzplan validate --data-dir {path}'",
        err=True,
    )
