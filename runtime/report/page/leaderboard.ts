import type { ReportMeta } from '../html/meta.js';
import { absQuantile, escapeHtml, num, pct, returnColour } from './format.js';

type Value = string | number | null;

/** How a summary column is shown. */
const PERCENT = new Set(['win_rate', 'avg_pnl', 'avg_win', 'avg_loss', 'total_return', 'max_drawdown']);
const DIGITS: Readonly<Record<string, number>> = { profit_factor: 3, sharpe_per_trade: 3, avg_bars_held: 1 };
const TEXT = new Set(['symbol', 'timeframe', 'strategy_name', 'risk_profile', 'never_trades']);

export interface Filters {
  readonly timeframe: string;
  readonly profile: string;
  readonly category: string;
  readonly minTrades: number;
}

/**
 * The leaderboard: every summary row, sorted by any column and filtered;
 * redrawn as one string of rows (900 rows take a few milliseconds).
 */
export class Leaderboard {
  private sortKey = 'total_return';
  private descending = true;
  private selected = -1;
  private readonly col: Readonly<Record<string, number>>;
  private readonly categoryOf: ReadonlyMap<number, string>;
  private readonly displayOf: ReadonlyMap<number, string>;
  private readonly returnScale: number;
  private readonly drawdownScale: number;

  constructor(
    private readonly meta: ReportMeta,
    private readonly table: HTMLTableElement,
    private readonly count: HTMLElement,
    private readonly onPick: (combo: number) => void,
  ) {
    this.col = Object.fromEntries(meta.columns.map((name, k) => [name, k]));
    this.categoryOf = new Map(meta.strategies.map((s) => [s.id, s.category]));
    this.displayOf = new Map(meta.strategies.map((s) => [s.id, s.displayName]));
    this.returnScale = absQuantile(meta.rows.map((r) => r[this.col.total_return!] as number | null), 0.95);
    this.drawdownScale = absQuantile(meta.rows.map((r) => r[this.col.max_drawdown!] as number | null), 0.95);
    this.table.tHead!.innerHTML = `<tr>${meta.columns.map((name) => `<th data-key="${name}"${TEXT.has(name) ? ' class="t"' : ''}>${name.replace(/_/g, ' ')}</th>`).join('')}</tr>`;
    this.table.tHead!.addEventListener('click', (event) => {
      const key = (event.target as HTMLElement).closest('th')?.dataset.key;
      if (key !== undefined) this.sortBy(key);
    });
    this.table.tBodies[0]!.addEventListener('click', (event) => {
      const combo = (event.target as HTMLElement).closest('tr')?.dataset.combo;
      if (combo !== undefined) this.onPick(Number(combo));
    });
  }

  value(combo: number, key: string): Value {
    return this.meta.rows[combo]![this.col[key]!] ?? null;
  }

  category(combo: number): string {
    return this.categoryOf.get(this.value(combo, 'strategy_id') as number) ?? '';
  }

  private filters: Filters = { timeframe: '', profile: '', category: '', minTrades: 0 };

  filter(filters: Filters): void {
    this.filters = filters;
    this.render();
  }

  sortBy(key: string): void {
    if (key === this.sortKey) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = !TEXT.has(key);
    }
    this.render();
  }

  select(combo: number): void {
    this.selected = combo;
    for (const tr of this.table.tBodies[0]!.querySelectorAll('tr.sel')) tr.classList.remove('sel');
    this.table.tBodies[0]!.querySelector(`tr[data-combo="${combo}"]`)?.classList.add('sel');
  }

  /** The combinations shown, in the shown order. */
  visible(): number[] {
    const f = this.filters;
    const { col } = this;
    const shown: number[] = [];
    this.meta.rows.forEach((row, k) => {
      if (f.timeframe !== '' && row[col.timeframe!] !== f.timeframe) return;
      if (f.profile !== '' && row[col.risk_profile!] !== f.profile) return;
      if (f.category !== '' && this.category(k) !== f.category) return;
      if (((row[col.trades!] as number) ?? 0) < f.minTrades) return;
      shown.push(k);
    });
    const at = col[this.sortKey]!;
    const sign = this.descending ? -1 : 1;
    // undefined metrics go last whichever the direction; ties keep the reference order
    shown.sort((a, b) => {
      const x = this.meta.rows[a]![at] ?? null;
      const y = this.meta.rows[b]![at] ?? null;
      if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
      const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return d === 0 ? a - b : sign * d;
    });
    return shown;
  }

  render(): void {
    const shown = this.visible();
    const { columns } = this.meta;
    const parts: string[] = [];
    for (const k of shown) {
      const row = this.meta.rows[k]!;
      parts.push(`<tr data-combo="${k}"${k === this.selected ? ' class="sel"' : ''}>`);
      columns.forEach((name, c) => parts.push(this.cell(name, row[c] ?? null, k)));
      parts.push('</tr>');
    }
    this.table.tBodies[0]!.innerHTML = parts.join('');
    for (const th of this.table.tHead!.querySelectorAll('th')) {
      if (th.dataset.key === this.sortKey) th.setAttribute('aria-sort', this.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    this.count.textContent = `${shown.length} of ${this.meta.rows.length} rows`;
  }

  private cell(name: string, v: Value, combo: number): string {
    if (name === 'never_trades') return v === null ? '<td class="never"></td>' : `<td class="never" title="${escapeHtml(String(v))}">${escapeHtml(String(v))}</td>`;
    if (name === 'strategy_name') {
      const display = this.displayOf.get(this.value(combo, 'strategy_id') as number) ?? '';
      return `<td class="t" title="${escapeHtml(display)}">${escapeHtml(String(v ?? ''))}</td>`;
    }
    if (TEXT.has(name) || typeof v === 'string') return `<td class="t">${escapeHtml(String(v ?? ''))}</td>`;
    if (v === null) return '<td></td>';
    let text: string;
    if (PERCENT.has(name)) text = pct(v);
    else if (DIGITS[name] !== undefined) text = num(v, DIGITS[name]);
    else text = String(v);
    if (name === 'total_return') return `<td style="background:${returnColour(v, this.returnScale)}">${text}</td>`;
    if (name === 'max_drawdown') return `<td style="background:${returnColour(-v, this.drawdownScale)}">${text}</td>`;
    return `<td>${text}</td>`;
  }
}
