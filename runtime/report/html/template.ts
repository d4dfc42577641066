/**
 * index.html around its data: the skeleton the page script fills (ids as
 * /tmp/notes' DOM contract and the browser test use them) and its styles.
 * The order matters: the JSON meta and the script come before the large
 * base64 data, so the leaderboard is drawn while the parser is still
 * reading the trades.
 */

const STYLE = `
:root{--bg:#0f1318;--panel:#161b22;--line:#27303b;--text:#d7dde4;--muted:#8b96a3;--accent:#4ea1ff;--pos:#26a269;--neg:#e5534b;color-scheme:dark}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{padding:14px 20px 6px;display:flex;align-items:baseline;gap:16px}
h1{font-size:18px;margin:0;font-weight:600}h2{font-size:14px;margin:0 0 8px;font-weight:600}h3{font-size:12px;margin:10px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
main{padding:0 20px 30px;display:flex;flex-direction:column;gap:14px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:12px 14px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:14px}
@media (max-width:1100px){.grid2{grid-template-columns:1fr}}
.muted{color:var(--muted)}
#run-info dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:4px 18px;margin:0}
#run-info dt{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.04em}#run-info dd{margin:0 0 4px;font-variant-numeric:tabular-nums;word-break:break-all}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin-bottom:8px}
.filters label{color:var(--muted);display:flex;gap:6px;align-items:center}
select,input{background:#0c1015;color:var(--text);border:1px solid var(--line);border-radius:4px;padding:3px 6px;font:inherit}
input[type=number]{width:72px}
.table-wrap{overflow:auto;border:1px solid var(--line);border-radius:4px}
#board-wrap{max-height:460px}
#trades-wrap{max-height:420px}
/* rows as grids, not table rows: then only the rows in view are laid out (content-visibility does not apply to
   table rows), and a drill-down switch does not lay out a thousand rows of justifications */
#drill-trades,#drill-trades thead,#drill-trades tbody{display:block}
#drill-trades tr{display:grid;grid-template-columns:48px 56px 146px 146px 92px 92px 80px 52px 104px minmax(300px,1fr) minmax(300px,1fr)}
#drill-trades tbody tr{content-visibility:auto;contain-intrinsic-size:auto 23px}
#drill-trades thead tr{position:sticky;top:0;z-index:1}
#drill-trades th,#drill-trades td{display:block;overflow:hidden;text-overflow:ellipsis}
#drill-trades{min-width:1480px}
#drill-trades td.j{text-align:left;overflow:hidden;text-overflow:ellipsis;font-size:12px;color:#b9c2cc;cursor:pointer}
#drill-trades tr.open td.j{white-space:normal}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);white-space:nowrap;text-align:right}
th{position:sticky;top:0;background:#1c232c;color:var(--muted);font-weight:600;font-size:11px;cursor:pointer;user-select:none;z-index:1}
th[aria-sort=descending]::after{content:" \\25BE"}th[aria-sort=ascending]::after{content:" \\25B4"}
td.t,th.t{text-align:left}
#leaderboard tbody tr{cursor:pointer}#leaderboard tbody tr:hover{background:#1d2630}#leaderboard tbody tr.sel{outline:1px solid var(--accent);outline-offset:-1px}
td.never{max-width:260px;overflow:hidden;text-overflow:ellipsis;color:var(--muted);text-align:left}
.pos{color:var(--pos)}.neg{color:var(--neg)}
.chart{height:340px}#heatmap{height:900px}#drill-chart{height:460px}
.hw{display:grid;grid-template-columns:1fr 1fr;gap:8px}.hw>div{height:300px}
#equity-legend{display:flex;flex-wrap:wrap;gap:6px}
.chip{border:1px solid var(--line);border-radius:10px;padding:1px 8px;display:inline-flex;gap:6px;align-items:center}
.chip i{width:10px;height:3px;display:inline-block}.chip button{background:none;border:0;color:var(--muted);cursor:pointer;padding:0}
#drill-overlays{display:flex;flex-wrap:wrap;gap:10px;margin:6px 0}
#drill-overlays label{color:var(--muted)}
#drill-conditions{background:#0c1015;border:1px solid var(--line);border-radius:4px;padding:8px;max-height:320px;overflow:auto;font-size:12px;margin:0}
.stats{display:flex;flex-wrap:wrap;gap:6px 18px}.stats b{font-variant-numeric:tabular-nums}
#never-trades li{margin:3px 0}
`;

const BODY = `
<header><h1>probe report</h1><span class="muted" id="run-title"></span></header>
<main>
<section class="panel" id="run-info"></section>
<section class="panel" id="board-panel"><h2>Leaderboard</h2>
<div class="filters">
<label>Timeframe <select id="filter-timeframe"><option value="">all</option></select></label>
<label>Risk profile <select id="filter-profile"><option value="">all</option></select></label>
<label>Category <select id="filter-category"><option value="">all</option></select></label>
<label>Min trades <input id="filter-min-trades" type="number" min="0" step="1" value="0"></label>
<span class="muted" id="board-count"></span>
</div>
<div class="table-wrap" id="board-wrap"><table id="leaderboard"><thead></thead><tbody></tbody></table></div>
</section>
<section class="panel" id="drilldown"><h2 id="drill-title">Drill-down <span class="muted">(click a leaderboard row)</span></h2>
<div class="stats" id="drill-stats"></div>
<div id="drill-overlays"></div>
<div id="drill-chart"></div>
<div class="grid2"><div><h3>Exit reasons</h3><table id="drill-exits"><thead><tr><th class="t">exit reason</th><th>trades</th><th>share</th><th>mean pnl</th><th>win rate</th></tr></thead><tbody></tbody></table></div><div><h3>Conditions (strategies.json)</h3><pre id="drill-conditions"></pre></div></div>
<h3>Trades <span class="muted">(click a row for the whole justification)</span></h3>
<div class="table-wrap" id="trades-wrap"><table id="drill-trades"><thead><tr><th class="t">#</th><th class="t">side</th><th class="t">entry (UTC)</th><th class="t">exit (UTC)</th><th>entry price</th><th>exit price</th><th>pnl</th><th>bars</th><th class="t">exit reason</th><th class="t">entry justification</th><th class="t">exit justification</th></tr></thead><tbody></tbody></table></div>
</section>
<div class="grid2">
<section class="panel"><h2>Equity curves <span class="muted">(compounded, by exit)</span></h2>
<div class="filters"><label>Add <select id="equity-strategy"><option value="">a strategy…</option></select></label><span id="equity-legend"></span></div>
<div class="chart" id="equity"></div></section>
<section class="panel"><h2>Entry hour × weekday <span class="muted">(UTC, mean pnl; count in the tooltip)</span></h2>
<div class="hw" id="hour-weekday"><div id="hw-run"></div><div id="hw-selected"></div></div></section>
</div>
<section class="panel"><h2>Total return: strategy × (timeframe, risk profile)</h2><div id="heatmap"></div></section>
<section class="panel"><h2>Strategies that can never trade <span class="muted">(the compiler's reason)</span></h2><ul id="never-trades"></ul></section>
<footer class="muted">Charts drawn with TradingView Lightweight Charts™ (Apache-2.0, © TradingView, Inc.) and Apache ECharts (Apache-2.0), inlined in this file.</footer>
</main>
`;

/** The whole file, as parts to concatenate (the data is large: no copy into one string). */
export function htmlParts(metaJson: string, script: string, base64: readonly Buffer[]): Buffer[] {
  return [
    Buffer.from(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>probe report</title><style>${STYLE}</style></head><body>${BODY}` +
        `<script type="application/json" id="report-meta">${metaJson}</script>\n<script>${script}</script>\n<script type="application/octet-stream" id="report-data">`,
      'utf8',
    ),
    ...base64,
    Buffer.from('</script>\n</body></html>\n', 'utf8'),
  ];
}

/** JSON that cannot end its <script> element or a line of JavaScript: every `<` and U+2028/2029 escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
