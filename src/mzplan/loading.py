"""Load a data repository from disk: parse, validate and check every file.

Loading never stops at the first problem: each file is parsed and validated
on its own, problems are collected, and cross-file checks run over whatever
validated. The result is a repository and a report.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path as FilePath
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from mzplan.checks import check_repository
from mzplan.datafiles import OBSERVATIONS_DIR, TARGETS_DIR, DataFiles, read_data_files
from mzplan.models import (
    IndicatorsFile,
    JurisdictionsFile,
    PlansFile,
    SourcesFile,
    TargetsFile,
)
from mzplan.observation_checks import check_observations
from mzplan.observation_store import read_observation_file
from mzplan.observations import Observation
from mzplan.problems import Finding, Positions, Problem, Report, place
from mzplan.repository import Entry, Loaded, Repository, TargetEntry
from mzplan.yamlfile import SourceMap, YamlDocument, YamlError, parse_yaml

M = TypeVar("M", bound=BaseModel)

CATALOG_FILES: Mapping[str, type[BaseModel]] = {
    "sources.yaml": SourcesFile,
    "indicators.yaml": IndicatorsFile,
    "jurisdictions.yaml": JurisdictionsFile,
    "plans.yaml": PlansFile,
}
__all__ = [
    "CATALOG_FILES",
    "OBSERVATIONS_DIR",
    "TARGETS_DIR",
    "Loaded",
    "findings_from_validation",
    "load_repository",
    "validate_file",
]


def load_repository(
    data_dir: FilePath,
    *,
    display_dir: str | None = None,
    files: DataFiles | None = None,
    targets: bool = True,
) -> Loaded:
    """Load, validate and check the data repository in ``data_dir``.

    ``display_dir`` is how file names start in messages (default: ``data_dir``
    as given). ``files`` are the repository's files already read (see
    :func:`mzplan.datafiles.read_data_files`); by default they are read here.

    Without ``targets`` the target files are skipped: the repository has no
    targets and the report says nothing of them, however broken they are. No
    check of the catalog or the observations depends on targets, so the rest of
    the report is the same. For ``mzplan import``, which writes only observations:
    parsing the targets was most of its time at city scale.
    """
    shown = display_dir if display_dir is not None else str(data_dir)
    data_files = files if files is not None else read_data_files(data_dir, targets=targets)
    problems: list[Problem] = []
    # Where the values of each file stand, to place a problem found later; not the parsed
    # data, which the models now hold (0.3 GB of a national-scale validate's peak).
    source_maps: dict[str, SourceMap] = {}

    def read(relative: str, model: type[M], required: bool) -> tuple[M | None, str]:
        name = f"{shown}/{relative}"
        content = data_files.contents.get(relative)
        if content is None:
            if required:
                problems.append(
                    Problem(
                        file=name,
                        code="missing-file",
                        message=f"missing file {relative}",
                        hint="run 'mzplan init' to create a valid data repository",
                    )
                )
            return None, name
        parsed, file_problems = validate_file(content, name, model)
        problems.extend(file_problems)
        if parsed is not None:
            source_maps[name] = parsed[1].source_map
        return (parsed[0] if parsed else None), name

    sources, sources_name = read("sources.yaml", SourcesFile, True)
    indicators, indicators_name = read("indicators.yaml", IndicatorsFile, True)
    jurisdictions, jurisdictions_name = read("jurisdictions.yaml", JurisdictionsFile, True)
    plans, plans_name = read("plans.yaml", PlansFile, True)

    target_entries: list[TargetEntry] = []
    for relative in data_files.targets if targets else ():
        content, name = read(relative, TargetsFile, True)
        if content is None:
            continue
        target_entries.extend(
            TargetEntry(content.plan, content.jurisdiction, target, name, ("targets", index))
            for index, target in enumerate(content.targets)
        )

    observations: list[Observation] = []
    for relative in data_files.observations:
        rows, file_problems = read_observation_file(
            data_files.contents[relative], f"{shown}/{relative}"
        )
        observations.extend(rows)
        problems.extend(file_problems)

    repository = Repository(
        sources=_entries(sources, "sources", sources_name),
        domains=_entries(indicators, "domains", indicators_name),
        indicators=_entries(indicators, "indicators", indicators_name),
        jurisdictions=_entries(jurisdictions, "jurisdictions", jurisdictions_name),
        plans=_entries(plans, "plans", plans_name),
        targets=tuple(target_entries),
        observations=tuple(observations),
        unreadable=frozenset(
            kind
            for kind, content in [
                ("source", sources),
                ("domain", indicators),
                ("indicator", indicators),
                ("jurisdiction", jurisdictions),
                ("plan", plans),
            ]
            if content is None
        ),
    )
    # Formula problems come from deriving values, so they sit at the formula in indicators.yaml.
    for finding in (*check_repository(repository), *repository.derivation[1]):
        source_map = source_maps.get(finding.file)
        values: Positions = source_map.values if source_map else {}
        keys: Positions = source_map.keys if source_map else {}
        problems.append(place(finding, values, keys))
    problems.extend(check_observations(repository))
    return Loaded(repository=repository, report=Report.of(problems))


def _entries(content: BaseModel | None, field: str, file: str) -> tuple[Entry[Any], ...]:
    if content is None:
        return ()
    values: Sequence[Any] = getattr(content, field)
    return tuple(Entry(value, file, (field, index)) for index, value in enumerate(values))


def validate_file(
    content: bytes, name: str, model: type[M]
) -> tuple[tuple[M, YamlDocument] | None, list[Problem]]:
    """Parse YAML ``content`` and validate it against ``model``.

    Return the model and the parsed document (or ``None``) and the problems,
    each placed on its line. ``name`` is used only in messages.
    """
    try:
        content.decode("utf-8-sig")  # libyaml would take UTF-16 too, and not say which byte
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                file=name,
                code="encoding",
                message=f"not UTF-8 text (byte {error.start})",
                hint="save the file as UTF-8",
            )
        ]
    try:
        # The bytes, not the text: the document keeps its source, and these are read anyway.
        document = parse_yaml(content, name)
    except YamlError as error:
        return None, [error.problem]
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        return None, [
            Problem(
                file=name,
                line=1,
                column=1,
                code="yaml-structure",
                message=f"expected a mapping at the top level, found {type(data).__name__}",
            )
        ]
    try:
        return (model.model_validate(data), document), []
    except ValidationError as error:
        findings = findings_from_validation(error, name, model)
        located = document.source_map
        return None, [place(f, located.values, located.keys) for f in findings]


def findings_from_validation(
    error: ValidationError, file: str, model: type[BaseModel]
) -> list[Finding]:
    """Turn pydantic's errors into plain, located findings with a fix where one is known."""
    findings: list[Finding] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        value = item.get("input")
        hint: str | None = None
        at_key = False
        message = item["msg"]
        if kind == "missing":
            message = f"missing required field {loc[-1]!r}"
        elif kind == "extra_forbidden":
            at_key = True
            message = f"unknown field {loc[-1]!r}"
            allowed = _fields_at(model, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
        elif kind == "string_type" and isinstance(value, (bool, int, float)):
            message = f"expected text, got {_yaml_value(value)}"
            hint = f'quote it: "{_yaml_value(value)}"'
        elif kind in {"float_type", "int_type", "float_parsing", "int_parsing"} and isinstance(
            value, str
        ):
            message = f"expected a number, got the text {value!r}"
            hint = _number_hint(value)
        elif kind in {"float_type", "int_type"} and isinstance(value, bool):
            message = f"expected a number, got {_yaml_value(value)}"
        elif kind == "literal_error":
            message = f"{value!r} is not allowed: {item['msg'].removeprefix('Input should be ')}"
        elif kind == "string_pattern_mismatch":
            message = f"{value!r} is not a valid id (lower-case ASCII letters, digits and '_')"
        findings.append(
            Finding(file, loc, kind.replace("_", "-"), message, hint=hint, at_key=at_key)
        )
    return findings


def _yaml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _number_hint(text: str) -> str | None:
    stripped = text.strip()
    if stripped.endswith("万"):
        return "write the plain number (17.8万 → 178000) and keep the phrase in 'text'"
    if stripped.endswith("%"):
        return "write percentages without the sign (60% → 60)"
    if any(c in stripped for c in "_,"):
        return "write numbers without separators (1_000 or 1,000 → 1000)"
    if stripped.replace(".", "", 1).lstrip("-+").isdigit():
        return "remove the quotes around the number"
    return None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """Return the model class inside ``X``, ``X | None`` or ``tuple[X, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None:
        for argument in get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None
