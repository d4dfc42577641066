import type { ResultRow } from '../aggregate/aggregate.js';
import type { Trade } from '../engine/trade.js';

/**
 * Trades and result rows cross the thread boundary as flat Float64Arrays,
 * transferred rather than cloned: a large run sends hundreds of thousands
 * of trades back. null travels as NaN (no real value is NaN here).
 */
const TRADE_FIELDS = 16;
const ROW_FIELDS = 8;

const orNaN = (v: number | null): number => (v === null ? Number.NaN : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

export function packTrades(trades: readonly Trade[]): Float64Array {
  const out = new Float64Array(trades.length * TRADE_FIELDS);
  trades.forEach((t, k) => {
    out.set(
      [
        t.side, t.entryIndex, t.exitIndex, t.entryPrice, t.exitPrice, t.pnlPct, t.barsHeld, t.maxDrawdownPct,
        t.maxProfitPct, t.pnlStd, t.exitReason, t.atrAtEntry, orNaN(t.stopDist), orNaN(t.targetDist),
        orNaN(t.trailingStop), orNaN(t.timeLimit),
      ],
      k * TRADE_FIELDS,
    );
  });
  return out;
}

export function unpackTrades(packed: Float64Array): Trade[] {
  const trades: Trade[] = [];
  for (let o = 0; o < packed.length; o += TRADE_FIELDS) {
    trades.push({
      side: packed[o] === 1 ? 1 : 0,
      entryIndex: packed[o + 1]!,
      exitIndex: packed[o + 2]!,
      entryPrice: packed[o + 3]!,
      exitPrice: packed[o + 4]!,
      pnlPct: packed[o + 5]!,
      barsHeld: packed[o + 6]!,
      maxDrawdownPct: packed[o + 7]!,
      maxProfitPct: packed[o + 8]!,
      pnlStd: packed[o + 9]!,
      exitReason: packed[o + 10]!,
      atrAtEntry: packed[o + 11]!,
      stopDist: orNull(packed[o + 12]!),
      targetDist: orNull(packed[o + 13]!),
      trailingStop: orNull(packed[o + 14]!),
      timeLimit: orNull(packed[o + 15]!),
    });
  }
  return trades;
}

export function packRows(rows: readonly ResultRow[]): Float64Array {
  const out = new Float64Array(rows.length * ROW_FIELDS);
  rows.forEach((r, k) => {
    out.set(
      [r.openDay, r.openHour, r.longShort === 'short' ? 1 : 0, r.numTrades, r.pnlMean, r.pnlStd, r.maxDrawdown, r.maxProfit],
      k * ROW_FIELDS,
    );
  });
  return out;
}

export function unpackRows(packed: Float64Array): ResultRow[] {
  const rows: ResultRow[] = [];
  for (let o = 0; o < packed.length; o += ROW_FIELDS) {
    rows.push({
      openDay: packed[o]!,
      openHour: packed[o + 1]!,
      longShort: packed[o + 2] === 1 ? 'short' : 'long',
      numTrades: packed[o + 3]!,
      pnlMean: packed[o + 4]!,
      pnlStd: packed[o + 5]!,
      maxDrawdown: packed[o + 6]!,
      maxProfit: packed[o + 7]!,
    });
  }
  return rows;
}
