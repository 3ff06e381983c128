"""Create a new, valid, empty data repository."""

from __future__ import annotations

from pathlib import Path

from mzplan.errors import UsageError
from mzplan.schema import SCHEMAS, render_schema

_FILES = {
    "sources.yaml": "sources: []\n",
    "indicators.yaml": "domains: []\nindicators: []\n",
    "jurisdictions.yaml": "jurisdictions: []\n",
    "plans.yaml": "plans: []\n",
}
_README = """# Plan data for mzplan

- `data/sources.yaml`: the documents the data cites (file, title, issuer, date).
- `data/jurisdictions.yaml`: places and their hierarchy.
- `data/plans.yaml`: each planning document: period, baseline and target year.
- `data/indicators.yaml`: policy domains and the indicator catalog.
- `data/targets/<plan>/<jurisdiction>.yaml`: the targets of a plan for a place.

Check it with `mzplan validate --data-dir .`; the schemas in `schema/` let an
editor's YAML language server check files as you type.
"""


def scaffold_repository(root: Path) -> list[Path]:
    """Create ``root/data`` with empty, valid data files and their schemas; return what was written.

    Refuse to touch a folder that already holds a data repository.
    """
    data = root / "data"
    if (data / "indicators.yaml").exists() or (root / "indicators.yaml").exists():
        raise UsageError(f"{root} already holds a data repository", hint="choose an empty folder")
    written: list[Path] = []
    (data / "targets").mkdir(parents=True, exist_ok=True)
    (data / "observations").mkdir(parents=True, exist_ok=True)
    schema_dir = root / "schema"
    schema_dir.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        path = schema_dir / f"{name}.schema.json"
        path.write_text(render_schema(name), encoding="utf-8")
        written.append(path)
    for name, body in _FILES.items():
        path = data / name
        header = (
            f"# yaml-language-server: $schema=../schema/{name.removesuffix('.yaml')}.schema.json\n"
        )
        path.write_text(header + body, encoding="utf-8")
        written.append(path)
    readme = root / "README.md"
    if not readme.exists():
        readme.write_text(_README, encoding="utf-8")
        written.append(readme)
    return written
