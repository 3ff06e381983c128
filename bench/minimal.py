"""The start-up baseline: import typer, pydantic, yaml and rich, and print one rich table."""

import pydantic
import typer
import yaml
from rich.console import Console
from rich.table import Table

table = Table("library", "version")
for name, module in (("typer", typer), ("pydantic", pydantic), ("yaml", yaml)):
    table.add_row(name, getattr(module, "__version__", "?"))
Console().print(table)
