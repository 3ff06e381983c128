"""A reference point, not the baseline: minimal.py run as a typer command with status's options.

It shows what any typer application pays to parse a command line like ``mzplan status``
(its twelve options, repeatable lists and choices included) before doing any work of
its own: typer 0.29 builds a pydantic TypeAdapter for every parameter of the command.
"""

import enum
from typing import Annotated

import pydantic
import typer
import yaml
from rich.console import Console
from rich.table import Table


class Choice(enum.StrEnum):
    """A choice option, as status's --format, --method, --fail-on, --type and --lang."""

    first = "first"
    second = "second"


Many = Annotated[list[str] | None, typer.Option()]
One = Annotated[str | None, typer.Option()]
Pick = Annotated[Choice, typer.Option()]
app = typer.Typer(add_completion=False)


@app.command()
def status(
    data_dir: One = None,
    jurisdiction: Many = None,
    plan: Many = None,
    domain: Many = None,
    target_type: Pick = Choice.first,
    status: Many = None,
    as_of: One = None,
    method: Pick = Choice.first,
    tolerance: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
    output_format: Pick = Choice.first,
    fail_on: Pick = Choice.first,
    language: Pick = Choice.first,
) -> None:
    """Print one rich table, as minimal.py does."""
    table = Table("library", "version")
    for name, module in (("typer", typer), ("pydantic", pydantic), ("yaml", yaml)):
        table.add_row(name, getattr(module, "__version__", "?"))
    Console().print(table)


@app.command()
def other() -> None:
    """A second command, so that the first is chosen by name as in mzplan."""


if __name__ == "__main__":
    app()
