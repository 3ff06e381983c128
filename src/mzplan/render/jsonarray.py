"""JSON output: an array of records, one per line. Kept free of rich, for ``validate``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def render_json(records: Sequence[Mapping[str, Any]]) -> str:
    """Return records as a JSON array, one object per line (UTF-8 text, not escaped).

    One line per record reads and diffs well, and keeps to the C encoder: with
    ``indent`` the json module encodes in pure Python, ten times slower.
    """
    if not records:
        return "[]"
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return f"[\n{lines}\n]"
