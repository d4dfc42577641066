import { mean, std } from '../kernels/numpy.js';
import { pyMax } from '../kernels/python.js';
import { sideName } from '../engine/justification.js';
import type { Trade } from '../engine/trade.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** One row of strategy_probe_results before its run-level columns. */
export interface ResultRow {
  /** UTC calendar day of the entry as days since the epoch. */
  readonly openDay: number;
  readonly openHour: number;
  readonly longShort: 'long' | 'short';
  readonly numTrades: number;
  readonly pnlMean: number;
  readonly pnlStd: number;
  readonly maxDrawdown: number;
  readonly maxProfit: number;
}

/**
 * Groups trades by (entry's UTC day, entry's UTC hour, direction), groups in
 * the order their first trade appears, as the reference's dict does.
 */
export function aggregateTrades(trades: readonly Trade[], time: Float64Array): ResultRow[] {
  const groups = new Map<number, Trade[]>();
  for (const trade of trades) {
    const t = time[trade.entryIndex]!;
    const day = Math.floor(t / DAY_MS);
    const hour = Math.floor((t - day * DAY_MS) / HOUR_MS);
    const key = (day * 24 + hour) * 2 + trade.side;
    const group = groups.get(key);
    if (group) group.push(trade);
    else groups.set(key, [trade]);
  }
  const rows: ResultRow[] = [];
  let scratch = new Float64Array(16);
  let pnls = new Float64Array(16);
  for (const [key, group] of groups) {
    const n = group.length;
    if (pnls.length < n) {
      pnls = new Float64Array(n * 2);
      scratch = new Float64Array(n * 2);
    }
    let maxDrawdown = group[0]!.maxDrawdownPct;
    let maxProfit = group[0]!.maxProfitPct;
    group.forEach((t, k) => {
      pnls[k] = t.pnlPct;
      maxDrawdown = pyMax(maxDrawdown, t.maxDrawdownPct);
      maxProfit = pyMax(maxProfit, t.maxProfitPct);
    });
    const hourKey = Math.floor(key / 2);
    const day = Math.floor(hourKey / 24);
    rows.push({
      openDay: day,
      openHour: hourKey - day * 24,
      longShort: sideName(key - hourKey * 2),
      numTrades: n,
      pnlMean: mean(pnls, 0, n),
      pnlStd: n > 1 ? std(pnls, 0, n, scratch) : 0,
      maxDrawdown,
      maxProfit,
    });
  }
  return rows;
}
