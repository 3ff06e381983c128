"""The growth-rate method: actual against required compound annual growth.

This is the method of Eurostat's SDG monitoring report and of open-sdg's
``sdg/ProgressMeasure.py``: ``R = s · g_a / |g_r|`` with the cut-offs 0.95, 0.60
and 0. Pure: numbers in, numbers out; ``achieved`` and ``missed`` are decided by
the caller, before the ratio (see :mod:`mzplan.progress`).
"""

from __future__ import annotations

import math
from typing import Literal

from mzplan.models import Direction

GrowthClass = Literal["substantial", "moderate", "limited", "deterioration"]

SUBSTANTIAL = 0.95
MODERATE = 0.60

# exp() overflows a float above about 709.78; a yearly log-rate this large is
# no growth rate anyone can read, so it is reported as out of range instead.
_LARGEST_LOG_RATE = 700.0


def compound_growth(ratio: float, years: float) -> float | None:
    """Return the average yearly growth that turns 1 into ``ratio`` over ``years``.

    Return None where there is no such rate: a negative or non-finite ratio,
    no time elapsed, or a rate too large for a float.
    """
    if years <= 0 or ratio < 0 or not math.isfinite(ratio) or not math.isfinite(years):
        return None
    if ratio == 0:
        return -1.0
    log_rate = math.log(ratio) / years
    if not math.isfinite(log_rate) or log_rate > _LARGEST_LOG_RATE:
        return None
    # expm1 keeps the precision of small rates (a 0.3 % yearly change).
    return math.expm1(log_rate)


def growth_ratio(
    *,
    value: float,
    baseline: float,
    target: float,
    elapsed_years: float,
    planned_years: float,
    direction: Direction,
) -> tuple[float | None, str]:
    """Return the ratio R of actual to required growth, or None and the reason there is none.

    ``elapsed_years`` is ``t − t0`` (baseline to latest observation) and
    ``planned_years`` is ``tT − t0`` (baseline to target year).
    """
    if baseline == 0:
        return None, "zero baseline: no growth rate"
    if target == 0:
        return None, "zero target: no growth rate"
    if baseline < 0 or target < 0 or value < 0:
        return None, "a negative value has no growth rate"
    actual = compound_growth(value / baseline, elapsed_years)
    required = compound_growth(target / baseline, planned_years)
    if actual is None or required is None:
        return None, "the growth rates are out of range for this period"
    if required == 0:
        return None, "the target equals the baseline: no growth is required"
    sign = 1.0 if direction == "increase" else -1.0
    ratio = sign * actual / abs(required)
    if not math.isfinite(ratio):
        return None, "the growth ratio is out of range"
    return ratio, f"actual growth {actual:.2%} a year against {required:.2%} required"


def classify_growth(ratio: float) -> GrowthClass:
    """Return the progress class of a growth ratio R (thresholds 0.95, 0.60, 0)."""
    if ratio >= SUBSTANTIAL:
        return "substantial"
    if ratio >= MODERATE:
        return "moderate"
    if ratio >= 0:
        return "limited"
    return "deterioration"
