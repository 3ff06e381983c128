"""The ``report`` command: the status of a selection as a web page or Markdown to send."""

from __future__ import annotations

import datetime
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
    parse_as_of,
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
    from mzplan.labels import Language as LanguageCode
    from mzplan.listing import build_selection
    from mzplan.render.report import build_report_content
    from mzplan.status import build_status

    repository = load_valid(data_dir)
    selection = build_selection(
        repository,
        jurisdictions=jurisdiction or [],
        plans=plan or [],
        domains=domain or [],
        types=[target_type.value] if target_type else [],
    )
    status_report = build_status(
        repository,
        selection,
        as_of=parse_as_of(as_of, datetime.date.today()),
        method="growth" if method is MethodOption.growth else "default",
        tolerance=tolerance,
    )
    lang: LanguageCode = "zh" if language is Language.zh else "en"
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
    """Write ``text`` as UTF-8 to ``path`` through a temporary file in the same folder.

    A reader never sees half a report: the file is replaced in one step, or
    left as it was.
    """
    import os
    import tempfile

    from mzplan.errors import UsageError

    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"folder {str(folder)!r} does not exist", hint="create it first")
    mask = os.umask(0)
    os.umask(mask)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temporary).chmod(0o666 & ~mask)
        Path(temporary).replace(path)  # os.replace: atomic within one file system
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
