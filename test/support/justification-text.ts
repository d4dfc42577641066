/**
 * The reference's entry and exit justifications as plain strings: the
 * wording JustificationWriter (runtime/engine/justification.ts) must write
 * byte for byte. Only the tests use these, as the independent reference.
 */
import { sideName } from '../../runtime/engine/justification.js';
import { EXIT_REASONS, LONG, SIGNAL_EXIT, STOP_LOSS, TARGET, TIME_STOP, TRAILING_STOP, type Trade } from '../../runtime/engine/trade.js';
import { pyFixed, pySignedFixed } from '../../runtime/format/python.js';
import type { CompiledStrategy, Series } from '../../runtime/registry/compiled.js';

/** At most this many indicator values appear in an entry justification. */
const SNAPSHOT_SIZE = 6;

/** The reference's entry justification, stored in strategy_probe_trades. */
export function entryJustification(trade: Trade, strategy: CompiledStrategy, profileName: string, series: Series): string {
  let text =
    `Strategy '${strategy.displayName}' ${sideName(trade.side)} entry at ${pyFixed(trade.entryPrice, 4)} ` +
    `(ATR=${pyFixed(trade.atrAtEntry, 4)}, risk=${profileName})`;
  // the first SNAPSHOT_SIZE finite values of the required indicators, as `[a=1.0000, b=2.0000]`
  let shown = 0;
  const { requiredIndicators, requiredColumns } = strategy;
  for (let k = 0; k < requiredIndicators.length && shown < SNAPSHOT_SIZE; k++) {
    const column = series.columns[requiredColumns[k]!];
    const value = column === undefined ? Number.NaN : column[trade.entryIndex]!;
    if (!Number.isFinite(value)) continue;
    text += `${shown === 0 ? ' [' : ', '}${requiredIndicators[k]}=${pyFixed(value, 4)}`;
    shown++;
  }
  return shown > 0 ? `${text}]` : text;
}

/** The reference's exit justification. */
export function exitJustification(trade: Trade, close: number): string {
  const entry = trade.entryPrice;
  const exit = trade.exitPrice;
  const pnlPercent = trade.side === LONG ? ((exit - entry) / entry) * 100 : ((entry - exit) / entry) * 100;
  const reason = trade.exitReason;
  let text = `Exit reason: ${EXIT_REASONS[reason]}`;
  const stopDist = reason === STOP_LOSS ? trade.stopDist : null;
  const targetDist = reason === TARGET ? trade.targetDist : null;
  const trailingStop = reason === TRAILING_STOP ? trade.trailingStop : null;
  if (stopDist !== null) {
    text += `; stop distance=${pyFixed(stopDist, 4)} (${pyFixed(stopDist / trade.atrAtEntry, 1)}x ATR)`;
  } else if (targetDist !== null) {
    text += `; target distance=${pyFixed(targetDist, 4)} (${pyFixed(targetDist / trade.atrAtEntry, 1)}x ATR)`;
  } else if (trailingStop !== null) {
    text += `; trailing stop at ${pyFixed(trailingStop, 4)}`;
  } else if (reason === TIME_STOP) {
    text += `; after ${trade.barsHeld} bars (limit=${trade.timeLimit === null ? 'None' : trade.timeLimit})`;
  } else if (reason === SIGNAL_EXIT) {
    text += `; signal-based exit at close=${pyFixed(close, 4)}`;
  }
  return `${text}; exit_price=${pyFixed(exit, 4)}, pnl=${pySignedFixed(pnlPercent, 2)}%`;
}
