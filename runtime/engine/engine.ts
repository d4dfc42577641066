import type { Direction, ExitRules } from '../strategy/compiled.js';
import { ExitManager } from './exit-manager.js';
import type { RiskProfile } from './risk-profiles.js';
import { LONG, NO_EXIT, SHORT, SIGNAL_EXIT, STOP_LOSS, TARGET, TRAILING_STOP, type Trade } from './trade.js';

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
 */
export function runEngine(prices: EnginePrices, signals: Signals, direction: Direction, rules: ExitRules, profile: RiskProfile): Trade[] {
  const { length: n, open, high, low, close, atr } = prices;
  const { entryLong, entryShort, exitLong, exitShort } = signals;
  const canLong = direction !== 'short_only';
  const canShort = direction !== 'long_only';
  const exits = new ExitManager(rules, profile, n);
  const trades: Trade[] = [];
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
        trades.push(closeTrade(exits, entryIndex, i, reason, close[i]));
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
  return trades;
}

function closeTrade(exits: ExitManager, entryIndex: number, exitIndex: number, reason: number, close: number): Trade {
  const long = exits.side === LONG;
  const entry = exits.entryPrice;
  let exitPrice = close;
  if (reason === STOP_LOSS && exits.stopDist !== null) exitPrice = long ? entry - exits.stopDist : entry + exits.stopDist;
  else if (reason === TARGET && exits.targetDist !== null) exitPrice = long ? entry + exits.targetDist : entry - exits.targetDist;
  else if (reason === TRAILING_STOP && exits.trailingStop !== null) exitPrice = exits.trailingStop;
  return {
    side: exits.side,
    entryIndex,
    exitIndex,
    entryPrice: entry,
    exitPrice,
    pnlPct: long ? (exitPrice - entry) / entry : (entry - exitPrice) / entry,
    barsHeld: exits.barsHeld,
    maxDrawdownPct: exits.maxDrawdownPct,
    maxProfitPct: exits.maxProfitPct,
    pnlStd: exits.pnlStd,
    exitReason: reason,
    atrAtEntry: exits.atr,
    stopDist: exits.stopDist,
    targetDist: exits.targetDist,
    trailingStop: exits.trailingStop,
    timeLimit: exits.timeLimit,
  };
}
