/**
 * index.html's script. It runs where it sits, before the parser has read
 * the large data: the run, the leaderboard and the never-trading
 * strategies are drawn at once from the JSON meta; the charts follow once
 * the document is parsed, inflating only the chunks they draw.
 */
import type { ComboTrades } from '../html/codec.js';
import type { ReportMeta } from '../html/meta.js';
import { hourWeekdayCell } from '../html/meta.js';
import { DrillDown } from './drill.js';
import { EquityChart } from './equity.js';
import { painted } from './echarts.js';
import { day, escapeHtml, PALETTE, pct } from './format.js';
import { drawHeatmap } from './heatmap.js';
import { HourWeekdayChart } from './hour-weekday.js';
import { Leaderboard } from './leaderboard.js';
import { Store } from './store.js';

declare global {
  interface Window {
    probeReport: { readonly ready: Promise<void>; drill(combo: number): Promise<void> };
  }
}

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const meta = JSON.parse(byId('report-meta').textContent ?? '{}') as ReportMeta;
const col = Object.fromEntries(meta.columns.map((name, k) => [name, k]));
const cell = (combo: number, key: string): string | number | null => meta.rows[combo]![col[key]!] ?? null;
const label = (combo: number): string => `${cell(combo, 'strategy_name')} · ${cell(combo, 'timeframe')} · ${cell(combo, 'risk_profile')}${meta.run.symbols.length > 1 ? ` · ${cell(combo, 'symbol')}` : ''}`;

function drawRunInfo(): void {
  const run = meta.run;
  const facts: [string, string][] = [
    ['symbols', run.symbols.join(', ')],
    ['timeframes', run.timeframes.join(', ')],
    ['period (UTC)', `${day(run.periodStart)} → ${day(run.periodEnd)}`],
    ['bars', Object.entries(run.barCounts).map(([k, n]) => `${k}: ${n.toLocaleString('en-US')}`).join(', ')],
    ['strategies', `${run.strategies.length}`],
    ['risk profiles', run.profiles.join(', ')],
    ['combinations · trades', `${meta.rows.length.toLocaleString('en-US')} · ${run.trades.toLocaleString('en-US')}`],
    ['run', run.runId ?? `${run.source}: ${run.origin}`],
    ['probe version', run.probeVersion],
    ['registry hash', run.registryHash],
  ];
  if (run.verification !== null) facts.push(['verification', run.verification]);
  byId('run-info').innerHTML = `<dl>${facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>`;
  byId('run-title').textContent = `${run.symbols.join(', ')} · ${run.timeframes.join(', ')} · ${day(run.periodStart)} → ${day(run.periodEnd)}`;
}

function fillSelect(id: string, values: readonly string[]): HTMLSelectElement {
  const select = byId<HTMLSelectElement>(id);
  for (const v of values) select.add(new Option(v, v));
  return select;
}

function drawNeverTrades(): void {
  const never = meta.strategies.filter((s) => s.neverTrades !== null);
  const list = byId('never-trades');
  // one item per such strategy, and none when there is none (the note goes beside the list)
  list.innerHTML = never.map((s) => `<li data-strategy="${s.id}"><b>${s.id} ${escapeHtml(s.name)}</b>: ${escapeHtml(s.neverTrades!)}</li>`).join('');
  if (never.length === 0) list.insertAdjacentHTML('beforebegin', '<p class="muted">None: every strategy of the run can trade.</p>');
}

// ---------------------------------------------------------------- at once
drawRunInfo();
drawNeverTrades();
let drillTo: (combo: number) => void = () => undefined;
const board = new Leaderboard(meta, byId<HTMLTableElement>('leaderboard'), byId('board-count'), (combo) => drillTo(combo));
const filters = {
  timeframe: fillSelect('filter-timeframe', meta.run.timeframes),
  profile: fillSelect('filter-profile', meta.run.profiles),
  category: fillSelect('filter-category', [...new Set(meta.strategies.map((s) => s.category))].sort()),
  minTrades: byId<HTMLInputElement>('filter-min-trades'),
};
// re-rendered only when a filter changed: a 'change' fired by the blur of a click on a row would otherwise
// rebuild the rows between that click's mousedown and mouseup, and the click would be lost
let applied = '';
const applyFilters = (): void => {
  const wanted = { timeframe: filters.timeframe.value, profile: filters.profile.value, category: filters.category.value, minTrades: Number(filters.minTrades.value) || 0 };
  const key = JSON.stringify(wanted);
  if (key === applied) return;
  applied = key;
  board.filter(wanted);
};
for (const control of Object.values(filters)) {
  control.addEventListener('change', applyFilters);
  control.addEventListener('input', applyFilters);
}
// the first render, with whatever the controls hold (a browser may restore them on reload)
applyFilters();
document.documentElement.dataset.leaderboard = 'ready';

// ---------------------------------------------------------------- once parsed
const parsed = new Promise<void>((resolve) => {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
  else resolve();
});
const store = new Store(meta);
let drill: DrillDown | null = null;
let selectedHw: HourWeekdayChart | null = null;

function hourWeekdayOf(trades: ComboTrades | null): { sum: number[]; count: number[] } {
  const sum = new Array<number>(168).fill(0);
  const count = new Array<number>(168).fill(0);
  for (let i = 0; i < (trades?.count ?? 0); i++) {
    const c = hourWeekdayCell(trades!.entryTime[i]!);
    sum[c]! += trades!.pnl[i]!;
    count[c]!++;
  }
  return { sum, count };
}

/** The selected combination's entry hour x weekday, drawn after the drill-down (it is not part of it). */
let hwDrawn: Promise<void> = Promise.resolve();

async function openDrill(combo: number): Promise<void> {
  await parsed;
  drill ??= new DrillDown(meta, store);
  board.select(combo);
  const shown = await drill.show(combo);
  if (shown === null) return;
  hwDrawn = new Promise((resolve) =>
    setTimeout(() => {
      selectedHw?.draw(`${label(combo)}: ${meta.combos[combo]!.trades} trades`, hourWeekdayOf(shown.trades));
      resolve();
    }),
  );
}
drillTo = (combo) => {
  void openDrill(combo).then(() => byId('drilldown').scrollIntoView({ behavior: 'smooth', block: 'start' }));
};

/** The best combinations by total return in each timeframe, among those with at least 10 trades (or any, when none has). */
function topPerTimeframe(perTimeframe: number): number[] {
  const picked: number[] = [];
  for (const tf of meta.run.timeframes) {
    const all = meta.rows.map((_, k) => k).filter((k) => cell(k, 'timeframe') === tf && cell(k, 'total_return') !== null);
    const enough = all.filter((k) => (cell(k, 'trades') as number) >= 10);
    const pool = enough.length > 0 ? enough : all;
    pool.sort((a, b) => (cell(b, 'total_return') as number) - (cell(a, 'total_return') as number));
    picked.push(...pool.slice(0, perTimeframe));
  }
  return picked;
}

async function drawCharts(): Promise<void> {
  await parsed;
  drawHeatmap(byId('heatmap'), meta, (combo) => drillTo(combo));
  new HourWeekdayChart(byId('hw-run')).draw(`whole run: ${meta.run.trades.toLocaleString('en-US')} trades`, meta.hourWeekday);
  selectedHw = new HourWeekdayChart(byId('hw-selected'));

  const equity = new EquityChart(byId('equity'), byId('equity-legend'));
  let colours = 0;
  const addCurve = async (combo: number): Promise<void> => {
    const trades = await store.trades(combo);
    if (trades !== null) equity.add(combo, label(combo), PALETTE[colours++ % PALETTE.length]!, trades);
  };
  const picker = byId<HTMLSelectElement>('equity-strategy');
  const traded = meta.rows.map((_, k) => k).filter((k) => meta.combos[k]!.trades > 0);
  traded.sort((a, b) => String(cell(a, 'strategy_name')).localeCompare(String(cell(b, 'strategy_name'))) || a - b);
  for (const k of traded) picker.add(new Option(`${label(k)} (${pct(cell(k, 'total_return') as number | null, 1)})`, String(k)));
  picker.addEventListener('change', () => {
    if (picker.value !== '') void addCurve(Number(picker.value));
    picker.value = '';
  });
  const top = topPerTimeframe(3);
  await Promise.all(top.map(addCurve));
  if (top.length > 0) await openDrill(top[0]!);
  else selectedHw.draw('no trades', hourWeekdayOf(null));
  await hwDrawn;
  await painted();
  // the other timeframes' bars and candles, ahead of their first drill-down
  for (let s = 0; s < meta.series.length; s++) setTimeout(() => void drill?.prepare(s), 50 * (s + 1));
}

window.probeReport = {
  ready: drawCharts(),
  drill: (combo: number) => openDrill(combo),
};
window.probeReport.ready.catch((error: unknown) => console.error(error));
