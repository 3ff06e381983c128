"""Run mzplan as ``python -m mzplan``."""

from mzplan.launch import main

main()
