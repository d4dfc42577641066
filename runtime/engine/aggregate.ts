import { sideName } from './justification.js';
import { F_ENTRY_INDEX, F_MAX_DRAWDOWN, F_MAX_PROFIT, F_PNL, F_SIDE, TRADE_FIELDS } from './trade-log.js';
import { mean, std } from '../kernels/numpy.js';
import { pyMax } from '../kernels/python.js';

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

/** Rows travel packed too: ROW_FIELDS numbers each, in ResultRow's order. */
export const ROW_FIELDS = 8;

/**
 * Groups trades by (entry's UTC day, entry's UTC hour, direction), groups in
 * the order their first trade appears, as the reference's dict does, and
 * computes each group's statistics with numpy's arithmetic. Its buffers are
 * reused from call to call.
 */
export class Aggregator {
  private readonly groups = new Map<number, number>();
  private groupOf = new Int32Array(64);
  private members = new Int32Array(64);
  private keys = new Float64Array(64);
  private starts = new Int32Array(65);
  private pnls = new Float64Array(64);
  private scratch = new Float64Array(64);

  /** `count` packed trades in, packed rows out. */
  aggregate(trades: Float64Array, count: number, time: Float64Array): Float64Array {
    this.reserve(count);
    const { groups, groupOf, keys, starts, members, pnls, scratch } = this;
    groups.clear();
    for (let k = 0; k < count; k++) {
      const o = k * TRADE_FIELDS;
      const t = time[trades[o + F_ENTRY_INDEX]!]!;
      const key = Math.floor(t / HOUR_MS) * 2 + trades[o + F_SIDE]!;
      let g = groups.get(key);
      if (g === undefined) {
        g = groups.size;
        groups.set(key, g);
        keys[g] = key;
      }
      groupOf[k] = g;
    }
    const groupCount = groups.size;
    starts.fill(0, 0, groupCount + 1);
    for (let k = 0; k < count; k++) starts[groupOf[k]! + 1]!++;
    for (let g = 0; g < groupCount; g++) starts[g + 1]! += starts[g]!;
    const fill = Int32Array.from(starts.subarray(0, groupCount));
    for (let k = 0; k < count; k++) members[fill[groupOf[k]!]!++] = k;

    const rows = new Float64Array(groupCount * ROW_FIELDS);
    for (let g = 0; g < groupCount; g++) {
      const from = starts[g]!;
      const n = starts[g + 1]! - from;
      let maxDrawdown = Number.NaN;
      let maxProfit = Number.NaN;
      for (let m = 0; m < n; m++) {
        const o = members[from + m]! * TRADE_FIELDS;
        pnls[m] = trades[o + F_PNL]!;
        // Python's max(): the first value unless a later one is greater
        maxDrawdown = m === 0 ? trades[o + F_MAX_DRAWDOWN]! : pyMax(maxDrawdown, trades[o + F_MAX_DRAWDOWN]!);
        maxProfit = m === 0 ? trades[o + F_MAX_PROFIT]! : pyMax(maxProfit, trades[o + F_MAX_PROFIT]!);
      }
      const hour = Math.floor(keys[g]! / 2);
      const day = Math.floor((hour * HOUR_MS) / DAY_MS);
      const r = g * ROW_FIELDS;
      rows[r] = day;
      rows[r + 1] = hour - day * 24;
      rows[r + 2] = keys[g]! - hour * 2;
      rows[r + 3] = n;
      rows[r + 4] = mean(pnls, 0, n);
      rows[r + 5] = n > 1 ? std(pnls, 0, n, scratch) : 0;
      rows[r + 6] = maxDrawdown;
      rows[r + 7] = maxProfit;
    }
    return rows;
  }

  private reserve(count: number): void {
    if (this.groupOf.length >= count) return;
    const size = count * 2;
    this.groupOf = new Int32Array(size);
    this.members = new Int32Array(size);
    this.keys = new Float64Array(size);
    this.starts = new Int32Array(size + 1);
    this.pnls = new Float64Array(size);
    this.scratch = new Float64Array(size);
  }
}

export function unpackRows(packed: Float64Array): ResultRow[] {
  const rows: ResultRow[] = [];
  for (let o = 0; o < packed.length; o += ROW_FIELDS) {
    rows.push({
      openDay: packed[o]!,
      openHour: packed[o + 1]!,
      longShort: sideName(packed[o + 2]!),
      numTrades: packed[o + 3]!,
      pnlMean: packed[o + 4]!,
      pnlStd: packed[o + 5]!,
      maxDrawdown: packed[o + 6]!,
      maxProfit: packed[o + 7]!,
    });
  }
  return rows;
}
