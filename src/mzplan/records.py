"""Plain records of the data: the documented JSON and CSV contracts.

``list targets --format json`` prints :func:`target_record` for each target;
``status`` adds its own fields to the same record. Keys are English and stable.
"""

from __future__ import annotations

from typing import Any

from mzplan.models import Goal, Indicator, Jurisdiction, Plan
from mzplan.repository import ResolvedTarget


def goal_record(goal: Goal) -> dict[str, Any]:
    """Return a goal as ``{value, year, comparison, text}``."""
    return {
        "value": goal.value,
        "year": goal.year,
        "comparison": goal.comparison,
        "text": goal.text,
    }


def target_record(resolved: ResolvedTarget) -> dict[str, Any]:
    """Return the documented JSON object of one target."""
    target, indicator = resolved.target, resolved.indicator
    baseline = target.baseline
    goal = goal_record(target.target)
    goal["comparison"] = resolved.comparison
    return {
        "key": resolved.key,
        "indicator": indicator.id,
        "name_zh": target.name_zh or indicator.name_zh,
        "name_en": indicator.name_en,
        "jurisdiction": resolved.jurisdiction.id,
        "plan": resolved.plan.id,
        "domain": indicator.domain,
        "type": target.type,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "measure": resolved.measure,
        "definition": target.definition or indicator.definition,
        "baseline": None
        if baseline is None
        else {"value": baseline.value, "year": baseline.year, "text": baseline.text},
        "target": goal,
        "milestones": [goal_record(m) for m in target.milestones],
        "per_member": None
        if target.per_member is None
        else {
            "value": target.per_member.value,
            "comparison": target.per_member.comparison,
            "text": target.per_member.text,
        },
        "source": {"file": target.source.file, "section": target.source.section},
        "note": target.note,
    }


def indicator_record(indicator: Indicator) -> dict[str, Any]:
    """Return the JSON object of one indicator."""
    return indicator.model_dump(mode="json")


def plan_record(plan: Plan) -> dict[str, Any]:
    """Return the JSON object of one plan."""
    return plan.model_dump(mode="json")


def jurisdiction_record(jurisdiction: Jurisdiction) -> dict[str, Any]:
    """Return the JSON object of one jurisdiction."""
    return jurisdiction.model_dump(mode="json")
