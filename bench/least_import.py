"""The least a pure-Python import of the benchmark's CSVs can do: read, order, write.

Run: python bench/least_import.py SOURCE FOLDER

SOURCE has the columns indicator, jurisdiction, period, value, unit, source, as
``generate.py`` writes them: every cell already an id or a canonical text, one unit per
indicator. FOLDER gets the files ``mzplan import`` writes for it into an empty store, one per
indicator, the rows ordered by (jurisdiction, period, source), the note and preferred cells
empty. No name is resolved, no value parsed, nothing checked, no library imported: the
benchmark sets this beside ``mzplan import`` to show how much of the import's time any
Python import pays.

It is written for speed the way mzplan's import is (column by column, builtins only), and
assumes what it does not check: no cell needs quoting and the file ends with a line end.
"""

import csv
import gc
import itertools
import operator
import sys
from pathlib import Path

HEADER = b"indicator,jurisdiction,period,value,unit,source,note,preferred\n"
BATCH = 1 << 16


def least_import(source: Path, folder: Path) -> int:
    """Write one file per indicator of ``source`` into ``folder``; return the rows written."""
    gc.disable()  # millions of objects and no cycle among them, as in mzplan
    files: dict[tuple[str, str], list[list[str]]] = {}  # (indicator, unit) → its columns
    same: dict[str, str] = {}  # one object per distinct text, as a memo of names gives
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        while records := list(itertools.islice(reader, 1024)):
            ids, places, times, numbers, units, origins = zip(*records, strict=True)
            for cells in (places, times, origins):
                for cell in set(cells):
                    same.setdefault(cell, cell)
            start = 0
            # Each indicator's rows are kept apart, as mzplan keeps each file's.
            for tag, run in itertools.groupby(zip(ids, units, strict=True)):
                end = start + len(list(run))
                columns = files.setdefault(tag, [[], [], [], []])
                for column, cells in zip(columns, (places, times, origins), strict=False):
                    column.extend(map(same.__getitem__, cells[start:end]))
                columns[3].extend(numbers[start:end])
                start = end
    folder.mkdir(parents=True, exist_ok=True)
    for (indicator, unit), columns in files.items():
        write(folder / f"{indicator}.csv", indicator, unit, columns)
    return sum(len(columns[0]) for columns in files.values())


def write(path: Path, indicator: str, unit: str, columns: list[list[str]]) -> None:
    """Write one indicator's rows (jurisdiction, period, source, value) ordered by key."""
    # One integer per key (ranks scaled like digits), sorted: faster than tuples of texts.
    scale, codes = 1, []
    for column in reversed(columns[:3]):
        distinct = sorted(set(column))
        rank = dict(zip(distinct, range(0, scale * len(distinct), scale), strict=True))
        codes.append(map(rank.__getitem__, column))
        scale *= len(distinct)
    code = list(map(operator.add, map(operator.add, *codes[:2]), codes[2]))
    order = sorted(range(len(code)), key=code.__getitem__)
    jurisdictions, periods, sources, values = columns
    # A piece of bytes per distinct text, made once; the values encoded a batch at a time.
    heads = {j: f"{indicator},{j},".encode() for j in set(jurisdictions)}
    middles = {p: f"{p},".encode() for p in set(periods)}
    tails = {s: f",{unit},{s},,\n".encode() for s in set(sources)}
    with path.open("wb") as handle:
        handle.write(HEADER)
        for first in range(0, len(order), BATCH):
            part = order[first : first + BATCH]
            encoded = "\n".join(map(values.__getitem__, part)).encode().split(b"\n")
            lines = zip(
                map(heads.__getitem__, map(jurisdictions.__getitem__, part)),
                map(middles.__getitem__, map(periods.__getitem__, part)),
                encoded,
                map(tails.__getitem__, map(sources.__getitem__, part)),
                strict=True,
            )
            handle.write(b"".join(itertools.chain.from_iterable(lines)))


if __name__ == "__main__":
    print(least_import(Path(sys.argv[1]), Path(sys.argv[2])))
