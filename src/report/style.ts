/** The report's stylesheet (inline; system fonts only, nothing loaded). */
export const REPORT_CSS = `
:root { --fg: #1d2329; --dim: #6b7580; --line: #d5dbe1; --bg: #ffffff; --alt: #f5f7f9; --fail: #c62828; --ok: #2e7d32; --warn: #a06000; --accent: #1f5fa8; --sip: #6a3fa0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 14px 24px 10px; border-bottom: 1px solid var(--line); background: var(--alt); }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .sub { color: var(--dim); overflow-wrap: anywhere; }
nav a { margin-right: 14px; }
main { padding: 4px 24px 40px; }
section { margin-top: 22px; }
h2 { font-size: 17px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h4 { margin: 14px 0 4px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
table { border-collapse: collapse; }
table.grid { width: 100%; font-size: 13px; }
table.grid th { text-align: left; background: var(--alt); border-bottom: 1px solid var(--line); padding: 4px 8px; position: sticky; top: 0; white-space: nowrap; }
table.grid td { padding: 3px 8px; border-bottom: 1px solid #edf0f3; vertical-align: top; overflow-wrap: anywhere; }
table.grid tr.row-fail td:first-child { box-shadow: inset 3px 0 0 var(--fail); }
table.grid tr.row-fail { background: #fdf3f3; }
table.grid tr.row-warn td:first-child { box-shadow: inset 3px 0 0 var(--warn); }
table.grid tr.row-group td { background: var(--alt); font-weight: 600; }
td.nw { white-space: nowrap; }
td.w { min-width: 12em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv td { padding: 2px 14px 2px 0; vertical-align: top; overflow-wrap: anywhere; }
table.kv td:first-child { color: var(--dim); white-space: nowrap; }
table.kv th { text-align: left; padding: 8px 0 2px; }
.fail, .st-fail { color: var(--fail); fill: var(--fail); }
.ok, .st-ok { color: var(--ok); fill: var(--ok); }
.warn, .st-warn { color: var(--warn); fill: var(--warn); }
.dim, .st-dim { color: var(--dim); fill: var(--dim); }
.head, .st-head { font-weight: 600; }
.st-sip { fill: var(--sip); }
.pager { margin: 6px 0; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.pager .pos, .list-pos { color: var(--dim); margin-left: 6px; }
.pager input { padding: 3px 6px; min-width: 220px; border: 1px solid var(--line); border-radius: 4px; }
button { font: inherit; font-size: 13px; padding: 2px 10px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
button:disabled { color: var(--dim); cursor: default; }
.scroll { max-height: 640px; overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
details.ladder { border: 1px solid var(--line); border-radius: 4px; margin: 6px 0; }
details.ladder > summary { padding: 6px 10px; cursor: pointer; background: var(--alt); overflow-wrap: anywhere; }
details.ladder > summary.fail::marker { color: var(--fail); }
details.ladder .diagram { padding: 4px 10px 10px; }
.svgbox { overflow: auto; max-height: 900px; border: 1px solid #edf0f3; }
svg text { font: 12px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
svg .part rect { fill: #eef3f8; stroke: #9fb3c8; }
svg .part.relay rect { fill: #f6f1e7; stroke: #c8b38f; }
svg .part.peer rect { fill: #f3f3f3; stroke: #b0b0b0; stroke-dasharray: 4 3; }
svg .part .short { font-weight: 700; }
svg .part .who { font-size: 11px; fill: var(--dim); }
svg .life { stroke: #b9c4cf; stroke-width: 1; }
svg .life.relay { stroke-dasharray: 5 4; }
svg .colhead, svg .time { fill: var(--dim); }
svg .hit { fill: transparent; }
svg .arrow:hover .hit { fill: #eef4fb; }
svg .arrow .shaft { stroke: #3b4650; stroke-width: 1.4; fill: none; }
svg .arrow .head { fill: #3b4650; stroke: none; }
svg .arrow.ok.folded .shaft { stroke: #2b6cb0; }
svg .arrow.ok.folded .head { fill: #2b6cb0; }
svg .arrow.sip .shaft { stroke: var(--sip); stroke-dasharray: 6 3; }
svg .arrow.sip .head { fill: var(--sip); }
svg .arrow.fail .shaft { stroke: var(--fail); }
svg .arrow.fail .head { fill: var(--fail); }
svg .arrow.child .shaft { stroke-width: 1; }
svg .arrow[data-fold] { cursor: pointer; }
svg .arrow[data-fold]:focus { outline: none; }
svg .arrow[data-fold]:focus .hit { fill: #e3edf9; }
svg .label { fill: var(--fg); }
svg .fold { fill: var(--accent); }
svg.chart .bar rect { fill: #4a7fb5; }
svg.chart .bar:hover rect { fill: #2b5f95; }
svg.chart .axis { stroke: #8a96a3; }
svg.chart .tick { font-size: 11px; fill: var(--dim); }
footer { color: var(--dim); padding: 10px 24px 24px; font-size: 12px; }
`;
