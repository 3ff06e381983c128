"""The read-only floor: parse every YAML file (libyaml's C loader) and read every CSV (csv module).

Run: python bench/read_floor.py PATH...   (a data directory, or a CSV file)
Nothing is validated or checked: this is the least any tool must do to see the same data.
"""

import csv
import sys
from pathlib import Path

import yaml


def read(path: Path) -> int:
    """Read one file or every data file under a folder; return how many items were read."""
    paths = [path] if path.is_file() else sorted(path.rglob("*.yaml")) + sorted(path.rglob("*.csv"))
    count = 0
    for item in paths:
        if item.suffix == ".yaml":
            with item.open("rb") as handle:
                yaml.load(handle, Loader=yaml.CSafeLoader)
            count += 1
        else:
            with item.open(encoding="utf-8", newline="") as handle:
                count += sum(1 for _ in csv.reader(handle))
    return count


if __name__ == "__main__":
    print(sum(read(Path(argument)) for argument in sys.argv[1:]))
