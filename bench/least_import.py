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
    # indicator, jurisdiction, period, source, value
    columns: list[list[str]] = [[], [], [], [], []]
    units: dict[str, str] = {}
    same: dict[str, str] = {}  # one object per distinct text, as a memo of names gives
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        while records := list(itertools.islice(reader, 1024)):
            ids, places, times, numbers, unit_cells, origins = zip(*records, strict=True)
            for column, cells in zip(columns, (ids, places, times, origins), strict=False):
                for cell in set(cells):
                    same.setdefault(cell, cell)
                column.extend(map(same.__getitem__, cells))
            columns[4].extend(numbers)
            units.update(zip(ids, unit_cells, strict=True))
    # One integer per key (ranks scaled like digits), sorted: faster than tuples of texts.
    scale, codes = 1, []
    for column in reversed(columns[:4]):
        distinct = sorted(set(column))
        rank = dict(zip(distinct, range(0, scale * len(distinct), scale), strict=True))
        codes.append(map(rank.__getitem__, column))
        scale *= len(distinct)
    code = list(map(operator.add, map(operator.add, *codes[:2]), map(operator.add, *codes[2:])))
    order = sorted(range(len(code)), key=code.__getitem__)
    indicators, jurisdictions, periods, sources, values = (
        list(map(c.__getitem__, order)) for c in columns
    )
    folder.mkdir(parents=True, exist_ok=True)
    start = 0
    for indicator, run in itertools.groupby(indicators):
        end = start + len(list(run))
        with (folder / f"{indicator}.csv").open("wb") as handle:
            handle.write(HEADER)
            for first in range(start, end, BATCH):
                part = slice(first, min(first + BATCH, end))
                groups = list(zip(jurisdictions[part], periods[part], strict=True))
                heads = {g: f"{indicator},{g[0]},{g[1]},".encode() for g in set(groups)}
                tails = {s: f",{units[indicator]},{s},,\n".encode() for s in set(sources[part])}
                encoded = "\n".join(values[part]).encode().split(b"\n")
                tail = map(tails.__getitem__, sources[part])
                lines = zip(map(heads.__getitem__, groups), encoded, tail, strict=True)
                handle.write(b"".join(itertools.chain.from_iterable(lines)))
        start = end
    return len(order)


if __name__ == "__main__":
    print(least_import(Path(sys.argv[1]), Path(sys.argv[2])))
