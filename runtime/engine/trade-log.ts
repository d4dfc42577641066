import type { Trade } from './trade.js';

/**
 * Closed trades as one flat, growable Float64Array of TRADE_FIELDS numbers
 * per trade: the engine appends without allocating an object per trade and
 * the log crosses thread boundaries as a transferable buffer. null travels
 * as NaN (no real value is NaN here).
 */
export const TRADE_FIELDS = 16;
export const F_SIDE = 0;
export const F_ENTRY_INDEX = 1;
export const F_EXIT_INDEX = 2;
export const F_ENTRY_PRICE = 3;
export const F_EXIT_PRICE = 4;
export const F_PNL = 5;
export const F_BARS_HELD = 6;
export const F_MAX_DRAWDOWN = 7;
export const F_MAX_PROFIT = 8;
export const F_PNL_STD = 9;
export const F_EXIT_REASON = 10;
export const F_ATR = 11;
export const F_STOP_DIST = 12;
export const F_TARGET_DIST = 13;
export const F_TRAILING_STOP = 14;
export const F_TIME_LIMIT = 15;

export class TradeLog {
  data = new Float64Array(64 * TRADE_FIELDS);
  count = 0;

  clear(): void {
    this.count = 0;
  }

  /** Room for one more trade; returns the offset to write it at. */
  append(): number {
    const offset = this.count * TRADE_FIELDS;
    if (offset + TRADE_FIELDS > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.count++;
    return offset;
  }

  /** An exact-length copy, for transfer or keeping. */
  packed(): Float64Array {
    return this.data.slice(0, this.count * TRADE_FIELDS);
  }
}

export function tradeCount(packed: Float64Array): number {
  return packed.length / TRADE_FIELDS;
}

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

export function unpackTrades(packed: Float64Array): Trade[] {
  const trades: Trade[] = [];
  for (let o = 0; o < packed.length; o += TRADE_FIELDS) {
    trades.push({
      side: packed[o + F_SIDE] === 1 ? 1 : 0,
      entryIndex: packed[o + F_ENTRY_INDEX]!,
      exitIndex: packed[o + F_EXIT_INDEX]!,
      entryPrice: packed[o + F_ENTRY_PRICE]!,
      exitPrice: packed[o + F_EXIT_PRICE]!,
      pnlPct: packed[o + F_PNL]!,
      barsHeld: packed[o + F_BARS_HELD]!,
      maxDrawdownPct: packed[o + F_MAX_DRAWDOWN]!,
      maxProfitPct: packed[o + F_MAX_PROFIT]!,
      pnlStd: packed[o + F_PNL_STD]!,
      exitReason: packed[o + F_EXIT_REASON]!,
      atrAtEntry: packed[o + F_ATR]!,
      stopDist: orNull(packed[o + F_STOP_DIST]!),
      targetDist: orNull(packed[o + F_TARGET_DIST]!),
      trailingStop: orNull(packed[o + F_TRAILING_STOP]!),
      timeLimit: orNull(packed[o + F_TIME_LIMIT]!),
    });
  }
  return trades;
}
