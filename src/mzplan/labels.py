"""Words shown to people, in Chinese and English, from one catalogue keyed by code.

JSON keys and values stay English; only tables and reports use these.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]

_LABELS: dict[str, tuple[str, str]] = {
    # columns
    "indicator": ("指标", "Indicator"),
    "jurisdiction": ("地区", "Jurisdiction"),
    "plan": ("规划", "Plan"),
    "type": ("类型", "Type"),
    "baseline": ("基准值", "Baseline"),
    "target": ("目标值", "Target"),
    "unit": ("单位", "Unit"),
    "domain": ("领域", "Domain"),
    "direction": ("方向", "Direction"),
    "measure": ("口径", "Measure"),
    "id": ("编号", "Id"),
    "name": ("名称", "Name"),
    "level": ("层级", "Level"),
    "parent": ("上级", "Parent"),
    "period": ("期限", "Period"),
    "document_number": ("文号", "Document"),
    "issuer": ("发布机关", "Issuer"),
    "source": ("出处", "Source"),
    "latest": ("最新值", "Latest"),
    "progress": ("进度", "Progress"),
    "status": ("状态", "Status"),
    "alert": ("预警", "Alert"),
    # target types
    "binding": ("约束性", "binding"),
    "expected": ("预期性", "expected"),
    # directions and measures
    "increase": ("越高越好", "increase"),
    "decrease": ("越低越好", "decrease"),
    "level_measure": ("存量", "level"),
    "cumulative": ("累计", "cumulative"),
    "increment": ("新增", "increment"),
    "milestone": ("里程碑", "milestone"),
    "annual": ("每年", "annual"),
    # statuses (METHODOLOGY.md)
    "achieved": ("已完成", "achieved"),
    "missed": ("未完成", "missed"),
    "ahead": ("快于预期", "ahead"),
    "on_track": ("基本符合预期", "on track"),
    "lagging": ("滞后", "lagging"),
    "regressing": ("逆向", "regressing"),
    "no_data": ("无数据", "no data"),
    # growth-rate method statuses
    "substantial": ("进展显著", "substantial progress"),
    "moderate": ("进展一般", "moderate progress"),
    "limited": ("进展有限", "limited progress"),
    "deterioration": ("倒退", "deterioration"),
    # show
    "definition": ("定义", "definition"),
    "milestone_goal": ("中期目标", "milestone"),
    "per_member": ("每个下级", "per member"),
    "note": ("备注", "note"),
    "observations": ("观测值", "Observations"),
    "observed_period": ("时期", "period"),
    "value": ("数值", "value"),
    "key": ("编号", "key"),
    "method": ("方法", "method"),
    "completion": ("完成度", "completion"),
    "elapsed": ("时间进度", "elapsed"),
    "needed_now": ("当前应达", "needed now"),
    "required_yearly_change": ("年均尚需", "yearly change"),
    "projection": ("线性预测", "projection"),
    "default": ("序时进度法", "default"),
    "growth": ("增速比法", "growth"),
    # report
    "report_title": ("规划指标进展报告", "Plan targets progress report"),
    "as_of": ("截至", "As of"),
    "tolerance": ("容差", "tolerance"),
    "summary": ("概况", "Summary"),
    "alerts_none": ("约束性指标无预警", "No alert on binding targets"),
    "stale_note": ("† 最新观测值已超过一年", "† the latest observation is more than a year old"),
    "history": ("历史走势", "History"),
    "observed": ("观测值", "observed"),
    "on_schedule": ("序时进度线", "on schedule"),
    "no_history": ("无观测", "no observations"),
    "matrix": ("地区 × 指标对比", "Jurisdictions × indicators"),
    "matrix_caption": (
        "各地区各指标相对本级规划目标的状态",
        "Status of each indicator against each jurisdiction's own plan target",
    ),
    "sources": ("数据出处", "Sources"),
    "plan_source": ("规划文件", "plan document"),
}


def label(code: str, language: Language) -> str:
    """Return the word for ``code`` in ``language``; an unknown code is shown as it is."""
    pair = _LABELS.get(code)
    if pair is None:
        return code
    return pair[0] if language == "zh" else pair[1]


def measure_label(measure: str, language: Language) -> str:
    """Return the word for a measure (``level`` shares its code with a column)."""
    return label("level_measure" if measure == "level" else measure, language)


def count_targets(count: int, language: Language) -> str:
    """Return ``count`` with its noun: ``3 项指标``, ``1 target``, ``3 targets``."""
    if language == "zh":
        return f"{count} 项指标"
    return f"{count} target" if count == 1 else f"{count} targets"
