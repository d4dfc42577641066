import { CandlestickSeries, createSeriesMarkers, LineSeries, type CandlestickData, type IChartApi, type ISeriesApi, type ISeriesMarkersPluginApi, type LineData, type SeriesMarker, type Time } from 'lightweight-charts';
import type { Bars, ComboTrades } from '../html/codec.js';
import type { ReportMeta } from '../html/meta.js';
import { escapeHtml, PALETTE, pct, price, utc } from './format.js';
import { newChart, seconds } from './lw.js';
import type { Store } from './store.js';

const REASON_LABEL: Readonly<Record<string, string>> = { signal_exit: 'SIG', stop_loss: 'SL', target: 'TP', trailing_stop: 'TRL', time_stop: 'TIME' };
const BAR_COLUMNS = new Set(['open', 'high', 'low', 'close', 'volume']);

/** The parts of the page the drill-down writes into. */
interface Elements {
  readonly section: HTMLElement;
  readonly title: HTMLElement;
  readonly stats: HTMLElement;
  readonly overlays: HTMLElement;
  readonly chart: HTMLElement;
  readonly exits: HTMLTableSectionElement;
  readonly conditions: HTMLElement;
  readonly trades: HTMLTableSectionElement;
}

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** One combination in detail: its bars with the trades marked, overlays, trades, exits, conditions. */
export class DrillDown {
  private readonly el: Elements = {
    section: byId('drilldown'),
    title: byId('drill-title'),
    stats: byId('drill-stats'),
    overlays: byId('drill-overlays'),
    chart: byId('drill-chart'),
    exits: byId<HTMLTableElement>('drill-exits').tBodies[0]!,
    conditions: byId('drill-conditions'),
    trades: byId<HTMLTableElement>('drill-trades').tBodies[0]!,
  };
  private chart: IChartApi | null = null;
  private candles: ISeriesApi<'Candlestick'> | null = null;
  private markers: ISeriesMarkersPluginApi<Time> | null = null;
  /** The series whose bars the candles show. */
  private candleSeries = -1;
  private readonly candleCache = new Map<number, CandlestickData[]>();
  private readonly rangeCache = new Map<number, [number, number]>();
  private readonly lineCache = new Map<string, Promise<LineData[] | null>>();
  private overlaySeries = new Map<string, ISeriesApi<'Line'>>();
  /** The latest request: an older one that finishes later draws nothing. */
  private request = 0;
  private readonly col: Readonly<Record<string, number>>;

  constructor(
    private readonly meta: ReportMeta,
    private readonly store: Store,
  ) {
    this.col = Object.fromEntries(meta.columns.map((name, k) => [name, k]));
    this.el.trades.addEventListener('click', (event) => (event.target as HTMLElement).closest('tr')?.classList.toggle('open'));
    this.el.overlays.addEventListener('change', (event) => {
      const box = event.target as HTMLInputElement;
      if (box.dataset.column !== undefined) void this.toggle(Number(this.el.section.dataset.pending), box.dataset.column, box.checked);
    });
  }

  private value(combo: number, key: string): string | number | null {
    return this.meta.rows[combo]![this.col[key]!] ?? null;
  }

  /** Resolves with the combination's trades once drawn, or with null when a later request took over. */
  async show(combo: number): Promise<{ trades: ComboTrades | null } | null> {
    const request = ++this.request;
    const c = this.meta.combos[combo];
    if (c === undefined) throw new Error(`no combination ${combo}`);
    const [bars, trades, texts] = await Promise.all([this.store.bars(c.series), this.store.trades(combo), this.store.texts(combo)]);
    if (request !== this.request) return null;
    const strategy = this.meta.strategies.find((s) => s.id === this.value(combo, 'strategy_id'));
    const { el } = this;
    const tf = String(this.value(combo, 'timeframe'));
    el.title.innerHTML = `${escapeHtml(strategy?.displayName ?? String(this.value(combo, 'strategy_name')))} <span class="muted">${escapeHtml(`${this.value(combo, 'symbol')} · ${tf} · ${this.value(combo, 'risk_profile')} risk · #${this.value(combo, 'strategy_id')} ${this.value(combo, 'strategy_name')}`)}</span>`;
    const stat = (label: string, v: string): string => `<span>${label} <b>${v}</b></span>`;
    el.stats.innerHTML = [
      stat('trades', String(this.value(combo, 'trades'))),
      stat('total return', pct(this.value(combo, 'total_return') as number | null)),
      stat('max drawdown', pct(this.value(combo, 'max_drawdown') as number | null)),
      stat('win rate', pct(this.value(combo, 'win_rate') as number | null, 1)),
      stat('profit factor', String((this.value(combo, 'profit_factor') as number | null)?.toFixed(3) ?? '')),
      stat('sharpe/trade', String((this.value(combo, 'sharpe_per_trade') as number | null)?.toFixed(3) ?? '')),
      stat('category', escapeHtml(strategy?.category ?? '')),
      stat('direction', escapeHtml(strategy?.direction ?? '')),
    ].join('');

    el.section.dataset.pending = String(combo);
    const markers = this.drawChart(c.series, bars, trades);
    await this.drawOverlays(combo, c.series, strategy?.columns ?? [], bars);
    if (request !== this.request) return null;
    this.drawExits(trades);
    el.conditions.textContent = JSON.stringify(strategy?.conditions ?? {}, null, 2);
    this.drawTrades(trades, texts);
    el.section.dataset.combo = String(combo);
    el.section.dataset.candles = String(bars?.count ?? 0);
    el.section.dataset.markers = String(markers);
    return { trades };
  }

  /**
   * One chart for every drill-down: the candles are set again only when the
   * (symbol, timeframe) changes, and what each series draws is built once
   * and kept, so switching between a timeframe's combinations redraws only
   * markers and overlays.
   */
  private drawChart(series: number, bars: Bars | null, trades: ComboTrades | null): number {
    for (const line of this.overlaySeries.values()) this.chart?.removeSeries(line);
    this.overlaySeries = new Map();
    if (this.chart === null) {
      this.chart = newChart(this.el.chart);
      this.candles = this.chart.addSeries(CandlestickSeries, {
        upColor: '#26a269',
        downColor: '#e5534b',
        borderVisible: false,
        wickUpColor: '#26a269',
        wickDownColor: '#e5534b',
        priceLineVisible: false,
      });
      this.markers = createSeriesMarkers(this.candles, []);
    }
    const chart = this.chart;
    const count = bars?.count ?? 0;
    if (series !== this.candleSeries) {
      this.candles!.setData(bars === null ? [] : this.candleData(series, bars));
      this.candleSeries = series;
      if (count > 400) chart.timeScale().setVisibleLogicalRange({ from: count - 400, to: count });
      else chart.timeScale().fitContent();
    }
    const markers: SeriesMarker<Time>[] = [];
    if (bars !== null && trades !== null) {
      for (let i = 0; i < trades.count; i++) {
        const long = trades.side[i] === 0;
        const e = trades.entryBar[i]!;
        const x = trades.exitBar[i]!;
        if (e >= 0) {
          markers.push({ time: seconds(bars.time[e]!), position: long ? 'belowBar' : 'aboveBar', shape: long ? 'arrowUp' : 'arrowDown', color: long ? '#4ea1ff' : '#f5a524', text: long ? 'L' : 'S' });
        }
        if (x >= 0) {
          const reason = this.meta.exitReasons[trades.exitReason[i]!] ?? '';
          markers.push({ time: seconds(bars.time[x]!), position: long ? 'aboveBar' : 'belowBar', shape: 'circle', color: trades.pnl[i]! >= 0 ? '#26a269' : '#e5534b', text: REASON_LABEL[reason] ?? reason, size: 0.6 });
        }
      }
      markers.sort((a, b) => (a.time as number) - (b.time as number));
    }
    this.markers!.setMarkers(markers);
    return markers.length;
  }

  /** Decodes a series' bars and builds its candles ahead of its first drill-down (the page calls it when idle). */
  async prepare(series: number): Promise<void> {
    const bars = await this.store.bars(series);
    if (bars !== null) {
      this.candleData(series, bars);
      this.priceRange(series, bars);
    }
  }

  private candleData(series: number, bars: Bars): CandlestickData[] {
    let data = this.candleCache.get(series);
    if (data === undefined) {
      data = new Array<CandlestickData>(bars.count);
      for (let i = 0; i < bars.count; i++) {
        data[i] = { time: seconds(bars.time[i]!), open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]! };
      }
      this.candleCache.set(series, data);
    }
    return data;
  }

  /** The bars' lowest low and highest high: an indicator inside (about) that range is drawn on the candles. */
  private priceRange(series: number, bars: Bars | null): [number, number] {
    let range = this.rangeCache.get(series);
    if (range === undefined) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < (bars?.count ?? 0); i++) {
        lo = Math.min(lo, bars!.low[i]!);
        hi = Math.max(hi, bars!.high[i]!);
      }
      range = [lo, hi];
      this.rangeCache.set(series, range);
    }
    return range;
  }

  private onPrice(series: number, column: string, bars: Bars | null): boolean {
    const c = this.meta.series[series]?.columns[column];
    const [lo, hi] = this.priceRange(series, bars);
    return c !== undefined && c.max > c.min && c.min >= lo * 0.5 && c.max <= hi * 1.5;
  }

  /** Overlays of the strategy's columns: price-like ones on the candles (shown at first), oscillators in a pane below. */
  private async drawOverlays(combo: number, series: number, columns: readonly string[], bars: Bars | null): Promise<void> {
    const available = columns.filter((c) => !BAR_COLUMNS.has(c) && this.meta.series[series]?.columns[c] !== undefined);
    const defaults = new Set(available.filter((c) => this.onPrice(series, c, bars)));
    this.el.overlays.innerHTML =
      available.length === 0
        ? '<span class="muted">no indicator columns to overlay</span>'
        : `<span class="muted">overlays:</span>${available.map((c) => `<label><input type="checkbox" data-column="${escapeHtml(c)}"${defaults.has(c) ? ' checked' : ''}> ${escapeHtml(c)}</label>`).join('')}`;
    await Promise.all([...defaults].map((c) => this.toggle(combo, c, true)));
  }

  private async toggle(combo: number, column: string, on: boolean): Promise<void> {
    const chart = this.chart;
    if (chart === null) return;
    const existing = this.overlaySeries.get(column);
    if (!on) {
      if (existing !== undefined) chart.removeSeries(existing);
      this.overlaySeries.delete(column);
      return;
    }
    if (existing !== undefined) return;
    const si = this.meta.combos[combo]!.series;
    const data = await this.lineData(si, column);
    if (data === null || this.overlaySeries.has(column) || Number(this.el.section.dataset.pending) !== combo) return;
    const bars = await this.store.bars(si);
    const pane = this.onPrice(si, column, bars) ? 0 : 1;
    const columns = Object.keys(this.meta.series[si]!.columns);
    const colour = PALETTE[columns.indexOf(column) % PALETTE.length]!;
    const line = chart.addSeries(LineSeries, { color: colour, lineWidth: 1, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false, title: column }, pane);
    line.setData(data);
    this.overlaySeries.set(column, line);
  }

  private lineData(series: number, column: string): Promise<LineData[] | null> {
    const key = `${series} ${column}`;
    let data = this.lineCache.get(key);
    if (data === undefined) {
      data = Promise.all([this.store.column(series, column), this.store.bars(series)]).then(([values, bars]) => {
        if (values === null || bars === null) return null;
        const out = new Array<LineData>(bars.count);
        for (let i = 0; i < bars.count; i++) {
          const v = values[i]!;
          // a whitespace point where the column is undefined (its warm-up)
          out[i] = (Number.isNaN(v) ? { time: seconds(bars.time[i]!) } : { time: seconds(bars.time[i]!), value: v }) as LineData;
        }
        return out;
      });
      this.lineCache.set(key, data);
    }
    return data;
  }

  private drawExits(trades: ComboTrades | null): void {
    const n = trades?.count ?? 0;
    const rows = this.meta.exitReasons.map((reason, code) => {
      let count = 0;
      let sum = 0;
      let wins = 0;
      for (let i = 0; i < n; i++) {
        if (trades!.exitReason[i] !== code) continue;
        count++;
        sum += trades!.pnl[i]!;
        if (trades!.pnl[i]! > 0) wins++;
      }
      return `<tr data-reason="${reason}"><td class="t">${reason}</td><td>${count}</td><td>${n > 0 ? pct(count / n, 1) : ''}</td><td>${count > 0 ? pct(sum / count, 3) : ''}</td><td>${count > 0 ? pct(wins / count, 1) : ''}</td></tr>`;
    });
    this.el.exits.innerHTML = rows.join('');
  }

  private drawTrades(trades: ComboTrades | null, texts: readonly string[]): void {
    if (trades === null) {
      this.el.trades.innerHTML = '';
      return;
    }
    const parts: string[] = [];
    for (let i = 0; i < trades.count; i++) {
      const pnl = trades.pnl[i]!;
      parts.push(
        `<tr><td class="t">${i + 1}</td><td class="t">${trades.side[i] === 0 ? 'long' : 'short'}</td><td class="t">${utc(trades.entryTime[i]!)}</td><td class="t">${utc(trades.exitTime[i]!)}</td>` +
          `<td>${price(trades.entryPrice[i]!)}</td><td>${price(trades.exitPrice[i]!)}</td><td class="${pnl > 0 ? 'pos' : pnl < 0 ? 'neg' : ''}">${pct(pnl, 3)}</td><td>${trades.barsHeld[i]}</td>` +
          `<td class="t">${this.meta.exitReasons[trades.exitReason[i]!] ?? ''}</td><td class="j">${escapeHtml(texts[2 * i] ?? '')}</td><td class="j">${escapeHtml(texts[2 * i + 1] ?? '')}</td></tr>`,
      );
    }
    this.el.trades.innerHTML = parts.join('');
  }
}
