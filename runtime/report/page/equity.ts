import { LineSeries, type IChartApi, type ISeriesApi, type LineData, type UTCTimestamp } from 'lightweight-charts';
import type { ComboTrades } from '../html/codec.js';
import { minMaxDownsample } from '../html/downsample.js';
import { escapeHtml } from './format.js';
import { newChart, seconds } from './lw.js';

/** More points than a chart's width in pixels shows nothing more. */
const POINTS = 2000;

/**
 * A combination's compounded equity, 1 before its first trade, after each
 * trade in exit order; trades exiting at the same second give one point,
 * the equity after all of them (a time axis cannot show the ones between).
 */
export function equityCurve(trades: ComboTrades): { time: Float64Array; value: Float64Array } {
  const n = trades.count;
  const time = new Float64Array(n + 1);
  const value = new Float64Array(n + 1);
  if (n === 0) return { time: time.subarray(0, 0), value: value.subarray(0, 0) };
  const first = trades.exitOrder[0]!;
  const firstExit = seconds(trades.exitTime[first]!);
  time[0] = Math.min(seconds(trades.entryTime[first]!), firstExit - 1);
  value[0] = 1;
  let m = 1;
  let equity = 1;
  for (let k = 0; k < n; k++) {
    const i = trades.exitOrder[k]!;
    equity *= 1 + trades.pnl[i]!;
    const t = seconds(trades.exitTime[i]!);
    if (t === time[m - 1]) value[m - 1] = equity;
    else {
      time[m] = t;
      value[m] = equity;
      m++;
    }
  }
  return { time: time.subarray(0, m), value: value.subarray(0, m) };
}

interface Shown {
  readonly series: ISeriesApi<'Line'>;
  readonly colour: string;
  readonly label: string;
}

/** The equity chart: curves added and removed by combination. */
export class EquityChart {
  private readonly chart: IChartApi;
  private readonly shown = new Map<number, Shown>();

  constructor(
    element: HTMLElement,
    private readonly legend: HTMLElement,
  ) {
    this.chart = newChart(element, { rightPriceScale: { borderColor: '#27303b', mode: 1 } });
    legend.addEventListener('click', (event) => {
      const combo = (event.target as HTMLElement).closest('button')?.dataset.combo;
      if (combo !== undefined) this.remove(Number(combo));
    });
  }

  has(combo: number): boolean {
    return this.shown.has(combo);
  }

  add(combo: number, label: string, colour: string, trades: ComboTrades): void {
    if (this.shown.has(combo)) return;
    const curve = equityCurve(trades);
    const keep = minMaxDownsample(curve.value, POINTS);
    const data: LineData[] = Array.from(keep, (k) => ({ time: curve.time[k]! as UTCTimestamp, value: curve.value[k]! }));
    const series = this.chart.addSeries(LineSeries, { color: colour, lineWidth: 2, priceLineVisible: false, lastValueVisible: true, title: '' });
    series.setData(data);
    this.shown.set(combo, { series, colour, label });
    this.chart.timeScale().fitContent();
    this.drawLegend();
  }

  remove(combo: number): void {
    const s = this.shown.get(combo);
    if (s === undefined) return;
    this.chart.removeSeries(s.series);
    this.shown.delete(combo);
    this.drawLegend();
  }

  private drawLegend(): void {
    this.legend.innerHTML = [...this.shown]
      .map(([combo, s]) => `<span class="chip"><i style="background:${s.colour}"></i>${escapeHtml(s.label)}<button data-combo="${combo}" title="remove">×</button></span>`)
      .join('');
  }
}
