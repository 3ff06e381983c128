"""JSON Schemas of the data files, generated from the models, for editors and CI."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel

from mzplan.models import IndicatorsFile, JurisdictionsFile, PlansFile, SourcesFile, TargetsFile

SCHEMAS: Mapping[str, type[BaseModel]] = {
    "sources": SourcesFile,
    "indicators": IndicatorsFile,
    "jurisdictions": JurisdictionsFile,
    "plans": PlansFile,
    "targets": TargetsFile,
}
# yaml-language-server reads JSON Schema draft 7 or older; the output uses only
# keywords that draft 7 knows, so it declares draft 7.
DRAFT = "http://json-schema.org/draft-07/schema#"


def build_schema(name: str) -> dict[str, object]:
    """Return the JSON Schema of the data file ``name`` (``targets`` for each targets file)."""
    model = SCHEMAS[name]
    schema = model.model_json_schema()
    return {"$schema": DRAFT, "$id": f"{name}.schema.json", **schema}


def render_schema(name: str) -> str:
    """Return the schema as stable, indented JSON text."""
    return json.dumps(build_schema(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write ``NAME.schema.json`` for every data file into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = directory / f"{name}.schema.json"
        path.write_text(render_schema(name), encoding="utf-8")
        written.append(path)
    return written
