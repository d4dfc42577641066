import type { Direction, ExitRules } from '../registry/compiled.js';
import { ExitManager } from './exit-manager.js';
import type { RiskProfile } from './risk-profiles.js';
import { LONG, NO_EXIT, SHORT, SIGNAL_EXIT, STOP_LOSS, TARGET, TRAILING_STOP, type Trade } from './trade.js';
import {
  F_ATR, F_BARS_HELD, F_ENTRY_INDEX, F_ENTRY_PRICE, F_EXIT_INDEX, F_EXIT_PRICE, F_EXIT_REASON, F_MAX_DRAWDOWN, F_MAX_PROFIT,
  F_PNL, F_PNL_STD, F_SIDE, F_STOP_DIST, F_TARGET_DIST, F_TIME_LIMIT, F_TRAILING_STOP, TradeLog, unpackTrades,
} from './trade-log.js';

/** A strategy's four signals over one series, one byte per bar. */
export interface Signals {
  readonly entryLong: Uint8Array;
  readonly entryShort: Uint8Array;
  readonly exitLong: Uint8Array;
  readonly exitShort: Uint8Array;
}

export interface EnginePrices {
  readonly length: number;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly atr: Float64Array;
}

const NONE = -1;

/**
 * The reference's bar-by-bar loop: a signal on bar i fills at the open of
 * bar i+1 (if ATR is usable there); nothing else happens on a fill bar;
 * signal exits are checked before the mechanical ones and skip them; one
 * position at a time; a trade still open at the end is discarded.
 * Closed trades are appended to `log`; nothing is allocated per bar or trade.
 */
export function runEngineInto(
  prices: EnginePrices,
  signals: Signals,
  direction: Direction,
  exits: ExitManager,
  log: TradeLog,
): void {
  const { length: n, open, high, low, close, atr } = prices;
  const { entryLong, entryShort, exitLong, exitShort } = signals;
  const canLong = direction !== 'short_only';
  const canShort = direction !== 'long_only';
  let pending = NONE;
  let side = NONE;
  let entryIndex = 0;

  for (let i = 0; i < n; i++) {
    if (pending !== NONE && side === NONE) {
      const a = atr[i];
      if (Number.isFinite(a) && a > 0) {
        side = pending;
        entryIndex = i;
        exits.open(side === LONG ? LONG : SHORT, open[i], a);
      }
      pending = NONE;
      continue;
    }

    if (side !== NONE) {
      let reason = (side === LONG ? exitLong[i] : exitShort[i]) === 1 ? SIGNAL_EXIT : NO_EXIT;
      if (reason === NO_EXIT) reason = exits.check(high[i], low[i], close[i]);
      if (reason !== NO_EXIT) {
        recordTrade(log, exits, entryIndex, i, reason, close[i]);
        side = NONE;
      }
    }

    if (side === NONE && i < n - 1) {
      if (canLong && entryLong[i] === 1) {
        pending = LONG;
        continue;
      }
      if (canShort && entryShort[i] === 1) pending = SHORT;
    }
  }
}

/** The same loop, returning the trades as objects (tests, small runs). */
export function runEngine(prices: EnginePrices, signals: Signals, direction: Direction, rules: ExitRules, profile: RiskProfile): Trade[] {
  const log = new TradeLog();
  runEngineInto(prices, signals, direction, new ExitManager(rules, profile, prices.length), log);
  return unpackTrades(log.packed());
}

function recordTrade(log: TradeLog, exits: ExitManager, entryIndex: number, exitIndex: number, reason: number, close: number): void {
  const long = exits.side === LONG;
  const entry = exits.entryPrice;
  let exitPrice = close;
  if (reason === STOP_LOSS && exits.stopDist !== null) exitPrice = long ? entry - exits.stopDist : entry + exits.stopDist;
  else if (reason === TARGET && exits.targetDist !== null) exitPrice = long ? entry + exits.targetDist : entry - exits.targetDist;
  else if (reason === TRAILING_STOP && exits.trailingStop !== null) exitPrice = exits.trailingStop;
  const o = log.append();
  const d = log.data;
  d[o + F_SIDE] = exits.side;
  d[o + F_ENTRY_INDEX] = entryIndex;
  d[o + F_EXIT_INDEX] = exitIndex;
  d[o + F_ENTRY_PRICE] = entry;
  d[o + F_EXIT_PRICE] = exitPrice;
  d[o + F_PNL] = long ? (exitPrice - entry) / entry : (entry - exitPrice) / entry;
  d[o + F_BARS_HELD] = exits.barsHeld;
  d[o + F_MAX_DRAWDOWN] = exits.maxDrawdownPct;
  d[o + F_MAX_PROFIT] = exits.maxProfitPct;
  d[o + F_PNL_STD] = exits.pnlStd;
  d[o + F_EXIT_REASON] = reason;
  d[o + F_ATR] = exits.atr;
  d[o + F_STOP_DIST] = exits.stopDist ?? Number.NaN;
  d[o + F_TARGET_DIST] = exits.targetDist ?? Number.NaN;
  d[o + F_TRAILING_STOP] = exits.trailingStop ?? Number.NaN;
  d[o + F_TIME_LIMIT] = exits.timeLimit ?? Number.NaN;
}
