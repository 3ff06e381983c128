"""The report page's style sheet: system CJK fonts, status colours, and A4 print.

Nothing here is fetched: the fonts are a stack of those a Chinese system
already has (no ``@font-face``), and colours only echo what the words say.
"""

from __future__ import annotations

from mzplan.render.svg import STATUS_COLOURS

FONT_STACK = (
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, -apple-system, '
    '"Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
)

_STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: FONTS; color: #202124; background: #fff; margin: 0;
  font-size: 14px; line-height: 1.45; }
.page { max-width: 1240px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #dadce0; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { font-weight: 600; color: #5f6368; }
dl.facts dd { margin: 0; }
.alerts { border: 2px solid #b3261e; border-radius: 6px; padding: 8px 14px; margin: 10px 0;
  color: #b3261e; background: #fff5f4; }
.alerts h3 { margin: 0 0 4px; font-size: 16px; }
.alerts ul { margin: 0; padding-left: 20px; }
.alerts a { color: inherit; }
.no-alert { color: #1b6e35; font-weight: 600; }
ul.counts { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 8px; }
ul.counts li { border-radius: 4px; padding: 2px 10px; }
.total { color: #5f6368; margin: 4px 0; }
.legend { color: #5f6368; font-size: 12.5px; margin: 6px 0 0; }
.swatch { display: inline-block; width: 22px; height: 0; vertical-align: middle;
  margin: 0 4px 0 10px; border-top: 2px solid #5f6368; }
.swatch.schedule { border-top: 2px dashed #80868b; }
.swatch.goal { border-top: 2px dotted #b3261e; }
.swatch.elapsed { width: 0; height: 14px; border-top: 0; border-left: 2px solid #202124; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
caption { text-align: left; font-weight: 700; font-size: 16px; padding: 12px 0 6px; }
caption .count { font-weight: 400; font-size: 13px; color: #5f6368; }
table.targets { table-layout: fixed; }
.col-indicator { width: 21%; }
.col-jurisdiction { width: 7%; }
.col-type { width: 6%; }
.col-baseline, .col-latest { width: 10.5%; }
.col-target { width: 14%; }
.col-progress { width: 168px; }
.col-status { width: 8.5%; }
.col-history { width: 184px; }
th, td { border-bottom: 1px solid #e3e5e8; padding: 6px 6px; text-align: left;
  vertical-align: middle; }
thead th { background: #f5f6f7; font-size: 12.5px; color: #3c4043;
  border-bottom: 2px solid #c4c7cc; }
tbody th { font-weight: 500; }
.key { display: block; color: #80868b; font-size: 11px; word-break: break-all;
  font-family: ui-monospace, Menlo, Consolas, monospace; }
.num { overflow-wrap: anywhere; }
.target-text { min-width: 7em; }
sup a { color: #5f6368; text-decoration: none; font-size: 10px; margin-left: 1px; }
.type-binding { font-weight: 700; border: 1.5px solid #202124; border-radius: 3px; padding: 0 4px;
  white-space: nowrap; }
.type-expected { color: #5f6368; white-space: nowrap; }
.badge { display: inline-block; border-radius: 4px; padding: 1px 8px; font-weight: 600;
  white-space: nowrap; }
.progress { white-space: nowrap; }
.progress svg { vertical-align: middle; }
.pct { display: inline-block; min-width: 2.6em; text-align: right;
  font-variant-numeric: tabular-nums; }
.alert-mark { display: block; color: #b3261e; font-weight: 700; margin-top: 3px;
  white-space: nowrap; }
tr.alert > * { background: #fff5f4; }
tr.alert > th { border-left: 5px solid #b3261e; }
.stale { color: #8a4b00; }
.empty { color: #80868b; }
table.matrix td { text-align: center; font-size: 12.5px; }
table.matrix td.none { color: #9aa0a6; }
table.matrix td span { display: block; }
table.matrix td span.alert { font-weight: 700; }
ol.sources { font-size: 12.5px; color: #3c4043; padding-left: 28px; word-break: break-word; }
footer { color: #80868b; font-size: 12px; margin-top: 24px; }
STATUSES
@page { size: A4; margin: 15mm; }
@media print {
  body { font-size: 8.5pt; background: none; }
  .page { max-width: none; padding: 0; }
  h1 { font-size: 15pt; }
  h2, h3 { font-size: 12pt; break-after: avoid; page-break-after: avoid; }
  tr, .alerts, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  th, td { padding: 3px 4px; }
  tr.alert > *, .alerts, thead th { background: none; }
  svg.history { width: 100px; height: auto; }
  svg.bar { width: 56px; height: auto; }
  .col-progress { width: 92px; }
  .col-history { width: 108px; }
  .col-indicator { width: 19%; }
  .col-status { width: 12%; }
  .badge { white-space: normal; padding: 1px 4px; }
  .key { font-size: 7pt; }
  a { color: inherit; text-decoration: none; }
}
"""


def page_style() -> str:
    """Return the page's style sheet: screen, status colours, and A4 print."""
    rules = "\n".join(
        f".status-{status} {{ color: {strong}; background: {light}; }}"
        for status, (strong, light) in STATUS_COLOURS.items()
    )
    return _STYLE.replace("FONTS", FONT_STACK).replace("STATUSES", rules)
