"""Render a validation report as text (yamllint style), JSON or GitHub annotations."""

from __future__ import annotations

from mzplan.problems import Problem, Report
from mzplan.render.jsonarray import render_json as render_records


def format_problem(problem: Problem) -> str:
    """Return one problem as ``file:line:column: [error] field: message (code); hint``.

    A CSV row has no column (its field names the column): ``file:line: ...``.
    """
    place = problem.file
    if problem.line:
        place += f":{problem.line}"
    if problem.line and problem.column:
        place += f":{problem.column}"
    field = f"{problem.field}: " if problem.field else ""
    hint = f"; {problem.hint}" if problem.hint else ""
    return f"{place}: [{problem.severity}] {field}{problem.message} ({problem.code}){hint}"


def render_text(report: Report) -> str:
    """Return the report as lines of text, and a closing count."""
    lines = [format_problem(p) for p in report.problems]
    errors, warnings = len(report.errors), len(report.problems) - len(report.errors)
    if report.problems:
        lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    """Return the report as the documented JSON list of problem objects."""
    return render_records([p.to_dict() for p in report.problems])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """Return one ``::error file=…,line=…::…`` workflow command per problem.

    GitHub shows only ten annotations per step, so the plain lines follow.
    """
    lines = []
    for problem in report.problems:
        properties = [f"file={_escape_property(problem.file)}"]
        if problem.line:
            properties.append(f"line={problem.line}")
        if problem.line and problem.column:
            properties.append(f"col={problem.column}")
        properties.append(f"title={_escape_property(problem.code)}")
        field = f"{problem.field}: " if problem.field else ""
        hint = f" ({problem.hint})" if problem.hint else ""
        message = _escape_data(f"{field}{problem.message}{hint}")
        lines.append(f"::{problem.severity} {','.join(properties)}::{message}")
    text = render_text(report)
    return "\n".join([*lines, text] if text else lines)
