"""Observation records and periods."""

from __future__ import annotations

import pickle

import pytest

from mzplan.observations import is_period, period_end
from tests.unit.builders import obs


@pytest.mark.parametrize(
    ("period", "end"),
    [("2023", 2024.0), ("2023-Q3", 2023.75), ("2023-09", 2023.75), ("2023-12", 2024.0)],
)
def test_period_end(period: str, end: float) -> None:
    assert period_end(period) == end


@pytest.mark.parametrize("text", ["23", "2023-Q5", "2023-13", "2023-9", "2023Q3", ""])
def test_not_a_period(text: str) -> None:
    assert not is_period(text)
    with pytest.raises(ValueError, match="not a period"):
        period_end(text)


def test_observations_survive_pickling_whole() -> None:
    original = obs("2023-Q3", 41.5, source="统计季报", preferred=True)
    copy = pickle.loads(pickle.dumps(original))
    assert copy == original
    assert (copy.file, copy.line, copy.note) == (original.file, original.line, original.note)
