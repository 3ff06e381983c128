"""Merge imported rows into the stored observations, one indicator file at a time.

A :class:`Merge` keeps, per indicator an import touches, one record per natural
key (jurisdiction, period, source): the stored row or the imported one that
replaces it. Records are plain tuples, not :class:`~mzplan.observations.Observation`
objects, because an import may bring millions of rows; an observation is built
only where a message or a check needs one. Values are kept as their stored text
(:func:`~mzplan.numbers.format_number`), which is equal for two values exactly
when the numbers are equal.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
from collections.abc import Iterator, Sequence
from typing import Literal

from mzplan.numbers import format_number
from mzplan.observation_checks import check_group, check_one, last_plan_year
from mzplan.observations import Observation
from mzplan.problems import Problem
from mzplan.repository import Repository

ConflictPolicy = Literal["error", "replace", "keep"]
ChangeKind = Literal["added", "changed", "unchanged", "kept"]

Key = tuple[str, str, str]
"""(jurisdiction, period, source): the natural key inside one indicator's file."""
Record = tuple[str, str, str, bool, str, int, bool]
"""(value text, unit, note, preferred, file, line, imported): one row of a file."""
_Seen = tuple[str, str, int]
"""(value text, file, line) of an imported row whose key kept its stored record."""

_GROUP = operator.itemgetter(0, 1)
_FIRST, _SECOND, _THIRD, _FOURTH = (operator.itemgetter(index) for index in range(4))
_IMPORTED = operator.itemgetter(6)
_PREFERRED = {True: "true", False: ""}


@dataclasses.dataclass(frozen=True)
class Change:
    """What importing one row does to the stored observation with its key."""

    kind: ChangeKind
    new: Observation
    old: Observation | None = None


def observation(indicator: str, key: Key, record: Record) -> Observation:
    """Return the observation a record of ``indicator``'s file stands for."""
    jurisdiction, period, source = key
    value, unit, note, preferred, file, line, _ = record
    return Observation(
        indicator, jurisdiction, period, float(value), unit, source, note, preferred, file, line
    )


class Merge:
    """The stored observations of the touched indicators, with the imported rows merged in.

    Rows come in one at a time (:meth:`add`), in import order; a row whose key is
    new to the file is added, otherwise :meth:`add` applies the rules of
    :func:`mzplan.importing.plan_import`. Nothing is written.
    """

    def __init__(
        self,
        stored: Sequence[Observation],
        *,
        on_conflict: ConflictPolicy = "error",
        keep_changes: bool = False,
    ) -> None:
        self.on_conflict = on_conflict
        self.files: dict[str, dict[Key, Record]] = {}
        """Indicator → key → record, for the indicators an import has reached."""
        self.counts: dict[ChangeKind, int] = {"added": 0, "changed": 0, "unchanged": 0, "kept": 0}
        self.problems: list[Problem] = []
        self.changes: list[Change] | None = [] if keep_changes else None
        """Every change in import order, only when asked for (a dry run lists them)."""
        self.touched: set[str] = set()
        self._stored = stored
        self._by_indicator: dict[str, list[Observation]] | None = None
        self._stored_groups: dict[str, dict[tuple[str, str], list[Observation]]] = {}
        self._seen: dict[tuple[str, Key], _Seen] = {}

    def file(self, indicator: str) -> dict[Key, Record]:
        """Return the records of an indicator's file, reading the stored rows on first use."""
        records = self.files.get(indicator)
        if records is not None:
            return records
        if self._by_indicator is None:
            self._by_indicator = {}
            for stored in self._stored:
                self._by_indicator.setdefault(stored.indicator, []).append(stored)
        records = self.files[indicator] = {}
        groups: dict[tuple[str, str], list[Observation]] = {}
        for old in self._by_indicator.get(indicator, ()):
            key = (old.jurisdiction, old.period, old.source)
            records[key] = (
                format_number(old.value), old.unit, old.note, old.preferred,
                old.file, old.line, False,
            )  # fmt: skip
            groups.setdefault(key[:2], []).append(old)
        self._stored_groups[indicator] = groups
        return records

    def add(
        self,
        indicator: str,
        key: Key,
        record: Record,
        *,
        sets_note: bool = True,
        sets_preferred: bool = True,
    ) -> None:
        """Merge one imported row (``record[6]`` true) into its indicator's file."""
        records = self.file(indicator)
        old = records.get(key)
        if old is None:
            records[key] = record
            self.counts["added"] += 1
            self.touched.add(indicator)
            if self.changes is not None:
                self.changes.append(Change("added", observation(indicator, key, record)))
            return
        self._existing(indicator, records, key, record, old, sets_note, sets_preferred)

    def _existing(
        self,
        indicator: str,
        records: dict[Key, Record],
        key: Key,
        record: Record,
        old: Record,
        sets_note: bool,
        sets_preferred: bool,
    ) -> None:
        value, unit, note, preferred, file, line, _ = record
        earlier = old[:1] + old[4:6] if old[6] else self._seen.get((indicator, key))
        if earlier is not None:
            if earlier[0] != value:
                self.problems.append(
                    Problem(
                        file,
                        line,
                        0,
                        "value",
                        "import-duplicate",
                        f"{value} differs from {earlier[0]} given for the same indicator, "
                        f"jurisdiction, period and source at {earlier[1]}:{earlier[2]}",
                    )
                )
            return
        self._seen[indicator, key] = (value, file, line)
        candidate: Record = (
            value, unit, note if sets_note else old[2], preferred if sets_preferred else old[3],
            file, line, True,
        )  # fmt: skip
        if old[0] != value:
            if self.on_conflict == "error":
                self.problems.append(
                    Problem(
                        file,
                        line,
                        0,
                        "value",
                        "import-conflict",
                        f"{value} would replace {old[0]} stored for the same source at "
                        f"{old[4]}:{old[5]}",
                        hint="use --on-conflict replace or --on-conflict keep",
                    )
                )
                return
            if self.on_conflict == "keep":
                self._change("kept", indicator, key, record, old)
                return
        if candidate[:4] == old[:4]:
            self._change("unchanged", indicator, key, record, old)
            return
        records[key] = candidate
        self.touched.add(indicator)
        self._change("changed", indicator, key, candidate, old)

    def _change(self, kind: ChangeKind, indicator: str, key: Key, new: Record, old: Record) -> None:
        self.counts[kind] += 1
        if self.changes is not None:
            self.changes.append(
                Change(kind, observation(indicator, key, new), observation(indicator, key, old))
            )

    def count(self, kind: ChangeKind) -> int:
        """Return how many rows are of one kind of change."""
        return self.counts[kind]

    def observations(self) -> Iterator[Observation]:
        """Yield every observation after the merge: the untouched stored ones, then the files."""
        for stored in self._stored:
            if stored.indicator not in self.files:
                yield stored
        for indicator, records in self.files.items():
            for key, record in records.items():
                yield observation(indicator, key, record)

    def sorted_keys(self, indicator: str) -> list[Key]:
        """Return the keys of an indicator's file in the stored order."""
        return sorted(self.files[indicator])

    def rows(self, indicator: str, keys: Sequence[Key]) -> Iterator[tuple[str, ...]]:
        """Return the stored rows of an indicator's file, in the order of ``keys``."""
        records = list(map(self.files[indicator].__getitem__, keys))
        return zip(
            itertools.repeat(indicator, len(keys)),
            map(_FIRST, keys),
            map(_SECOND, keys),
            map(_FIRST, records),
            map(_SECOND, records),
            map(_THIRD, keys),
            map(_THIRD, records),
            map(_PREFERRED.__getitem__, map(_FOURTH, records)),
            strict=True,
        )

    def check(
        self, repository: Repository, sorted_keys: dict[str, list[Key]]
    ) -> tuple[list[Problem], list[Problem]]:
        """Check what the import adds or changes; return the errors and the new warnings.

        The stored data was valid, so only the imported rows and the (indicator,
        jurisdiction, period) groups they join are checked, against the same
        rules as :func:`mzplan.observation_checks.check_observations`; a warning
        the stored group already had is not new.
        """
        errors: list[Problem] = []
        row_warnings: list[Problem] = []
        group_warnings: list[Problem] = []
        last_year = last_plan_year(repository)
        jurisdictions = repository.jurisdiction_by_id
        for indicator in sorted(self.touched):
            records = self.files[indicator]
            known = repository.indicator_by_id.get(indicator)
            unit = known.unit if known else None
            stored_groups = self._stored_groups[indicator]
            quiet_periods: dict[str, bool] = {}
            for (jurisdiction, period), members in itertools.groupby(
                sorted_keys[indicator], _GROUP
            ):
                keys = list(members)
                group = list(map(records.__getitem__, keys))
                if not any(map(_IMPORTED, group)):
                    continue
                quiet = unit is not None and jurisdiction in jurisdictions
                if quiet and unit is not None:
                    known_period = quiet_periods.get(period)
                    if known_period is None:
                        probe = Observation(indicator, jurisdiction, period, 0.0, unit, "")
                        known_period = not check_one(probe, repository, last_year, placement=False)
                        quiet_periods[period] = known_period
                    quiet = known_period
                if not quiet:
                    found = [
                        problem
                        for key, record in zip(keys, group, strict=True)
                        if record[6]
                        for problem in check_one(
                            observation(indicator, key, record),
                            repository,
                            last_year,
                            placement=False,
                        )
                    ]
                    errors.extend(p for p in found if p.severity == "error")
                    row_warnings.extend(p for p in found if p.severity == "warning")
                elif any(other != unit for other in set(map(_SECOND, group))):
                    for key, record in zip(keys, group, strict=True):
                        if record[6]:
                            found = check_one(
                                observation(indicator, key, record),
                                repository,
                                last_year,
                                placement=False,
                            )
                            errors.extend(p for p in found if p.severity == "error")
                if len(group) < 2:
                    continue
                if len(set(map(_FIRST, group))) < 2 and sum(map(_FOURTH, group)) < 2:
                    continue
                before_group = stored_groups.get((jurisdiction, period), [])
                before = set(check_group(before_group)) if len(before_group) > 1 else set()
                after = [
                    observation(indicator, key, record)
                    for key, record in zip(keys, group, strict=True)
                ]
                for problem in check_group(after):
                    if problem.severity == "error":
                        errors.append(problem)
                    elif problem not in before:
                        group_warnings.append(problem)
        return errors, row_warnings + group_warnings
