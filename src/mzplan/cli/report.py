"""The ``report`` command: the status of a selection as a web page or Markdown to send."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from mzplan.cli.app import (
    DataDirOption,
    DomainOption,
    JurisdictionOption,
    Language,
    LanguageOption,
    PlanOption,
    TypeOption,
    command,
    load_valid,
    print_data,
)
from mzplan.cli.status import (
    AsOfOption,
    MethodChoice,
    MethodOption,
    ToleranceOption,
    assess_options,
)


class ReportFormat(enum.StrEnum):
    """Output formats of ``report``."""

    html = "html"
    markdown = "markdown"


@command()
def report(
    data_dir: DataDirOption = None,
    jurisdiction: JurisdictionOption = None,
    plan: PlanOption = None,
    domain: DomainOption = None,
    target_type: TypeOption = None,
    as_of: AsOfOption = None,
    method: MethodChoice = MethodOption.default,
    tolerance: ToleranceOption = None,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", help="html (one self-contained page) or markdown."),
    ] = ReportFormat.html,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="Write to this file (default: stdout)."
        ),
    ] = None,
    language: LanguageOption = Language.zh,
) -> None:
    """Write a gap report to send: summary, alerts first, per-domain tables and charts.

    The HTML page is one file that needs no network: it opens from file:// anywhere.
    With several jurisdictions (-j all) it adds a jurisdictions × indicators matrix.

    Example: mzplan report -j shanghai --as-of 2024 -o report.html
    """
    from mzplan.render.report import build_report_content

    repository = load_valid(data_dir)
    status_report = assess_options(
        repository,
        jurisdiction=jurisdiction,
        plan=plan,
        domain=domain,
        target_type=target_type,
        as_of=as_of,
        method=method,
        tolerance=tolerance,
    )
    lang = language.code
    content = build_report_content(repository, status_report, language=lang)
    if output_format is ReportFormat.markdown:
        from mzplan.render.report import render_report_markdown

        text = render_report_markdown(content)
    else:
        from mzplan.render.html import render_report_html

        text = render_report_html(content)
    if output is None:
        print_data(text)
    else:
        write_atomically(output, text)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` in one step: a reader never sees half a report."""
    from mzplan.errors import UsageError
    from mzplan.writing import write_files_atomically

    if not path.parent.is_dir():
        raise UsageError(f"folder {str(path.parent)!r} does not exist", hint="create it first")
    write_files_atomically({path: text.encode("utf-8")})
