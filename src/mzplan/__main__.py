"""Run mzplan as ``python -m mzplan``."""

from mzplan.cli import main

main()
