import { pyFixed, pySignedFixed } from '../format/python.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import type { Series } from '../strategy/compiled.js';
import { EXIT_REASONS, LONG, SHORT, SIGNAL_EXIT, STOP_LOSS, TARGET, TIME_STOP, TRAILING_STOP, type Trade } from './trade.js';

/** At most this many indicator values appear in an entry justification. */
const SNAPSHOT_SIZE = 6;

export function sideName(side: number): 'long' | 'short' {
  return side === SHORT ? 'short' : 'long';
}

/** The reference's entry justification, stored in strategy_probe_trades. */
export function entryJustification(trade: Trade, strategy: CompiledStrategy, profileName: string, series: Series): string {
  const parts = [
    `Strategy '${strategy.displayName}' ${sideName(trade.side)} entry`,
    `at ${pyFixed(trade.entryPrice, 4)}`,
    `(ATR=${pyFixed(trade.atrAtEntry, 4)}, risk=${profileName})`,
  ];
  const snapshot: string[] = [];
  strategy.requiredIndicators.forEach((label, k) => {
    const column = series.columns[strategy.requiredColumns[k]!];
    const value = column === undefined ? Number.NaN : column[trade.entryIndex]!;
    if (Number.isFinite(value)) snapshot.push(`${label}=${pyFixed(value, 4)}`);
  });
  if (snapshot.length > 0) parts.push(`[${snapshot.slice(0, SNAPSHOT_SIZE).join(', ')}]`);
  return parts.join(' ');
}

/** The reference's exit justification. */
export function exitJustification(trade: Trade, close: number): string {
  const entry = trade.entryPrice;
  const exit = trade.exitPrice;
  const pnlPercent = trade.side === LONG ? ((exit - entry) / entry) * 100 : ((entry - exit) / entry) * 100;
  const parts = [`Exit reason: ${EXIT_REASONS[trade.exitReason]}`];
  if (trade.exitReason === STOP_LOSS && trade.stopDist !== null) {
    parts.push(`stop distance=${pyFixed(trade.stopDist, 4)} (${pyFixed(trade.stopDist / trade.atrAtEntry, 1)}x ATR)`);
  } else if (trade.exitReason === TARGET && trade.targetDist !== null) {
    parts.push(`target distance=${pyFixed(trade.targetDist, 4)} (${pyFixed(trade.targetDist / trade.atrAtEntry, 1)}x ATR)`);
  } else if (trade.exitReason === TRAILING_STOP && trade.trailingStop !== null) {
    parts.push(`trailing stop at ${pyFixed(trade.trailingStop, 4)}`);
  } else if (trade.exitReason === TIME_STOP) {
    parts.push(`after ${trade.barsHeld} bars (limit=${trade.timeLimit === null ? 'None' : trade.timeLimit})`);
  } else if (trade.exitReason === SIGNAL_EXIT) {
    parts.push(`signal-based exit at close=${pyFixed(close, 4)}`);
  }
  parts.push(`exit_price=${pyFixed(exit, 4)}, pnl=${pySignedFixed(pnlPercent, 2)}%`);
  return parts.join('; ');
}
