"""The top-level ``mzplan --help``, as typer renders it at 80 columns or more.

Generated; do not edit. Regenerate with
``python -c "from mzplan.launch import write_help_snapshot; write_help_snapshot()"``.
"""

TOP_LEVEL_HELP = (
    "Usage: mzplan [OPTIONS] COMMAND [ARGS]...\n"
    "\n"
    "  Track the quantitative indicators of civil-affairs (民政) development plans.\n"
    "\n"
    "Options:\n"
    "  --version             Show the version and exit.\n"
    "  --debug               Show a traceback when something goes wrong.\n"
    "  --install-completion  Install completion for the current shell.\n"
    "  --show-completion     Show completion for the current shell, to copy it or\n"
    "                        customize the installation.\n"
    "  --help                Show this message and exit.\n"
    "\n"
    "Commands:\n"
    "  validate  Check every data file; list each problem at file:line:column.\n"
    "  list      List indicators, targets, plans or jurisdictions, with filters.\n"
    "  schema    Print the JSON Schema of a data file, for editors' YAML...\n"
    "  init      Create a new, valid, empty data repository (for another city,...\n"
    "  import    Import observed values from CSV files, all or nothing.\n"
    "  status    Show each target's progress: ahead, on track, lagging,...\n"
    "  show      Show everything about one target: definition, source,...\n"
    "  report    Write a gap report to send: summary, alerts first, per-domain...\n"
)
