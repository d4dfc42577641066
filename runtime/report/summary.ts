import { LONG, SIGNAL_EXIT, STOP_LOSS, TARGET, TIME_STOP, TRAILING_STOP } from '../engine/trade.js';
import { diagnosticsOf } from '../registry/diagnostics.js';
import { tradeMetrics } from './metrics.js';
import type { ReportData, ReportTrades, SummaryRow } from './model.js';

/** Each combination's trade indices, in their order in ReportData.trades (a stable counting sort). */
export function tradesByCombo(data: Pick<ReportData, 'combos' | 'trades'>): Uint32Array[] {
  const { trades } = data;
  const counts = new Uint32Array(data.combos.length);
  for (let i = 0; i < trades.count; i++) counts[trades.combo[i]!]!++;
  const members = Array.from(counts, (n) => new Uint32Array(n));
  const filled = new Uint32Array(data.combos.length);
  for (let i = 0; i < trades.count; i++) {
    const c = trades.combo[i]!;
    members[c]![filled[c]!++] = i;
  }
  return members;
}

/**
 * Each combination's trade indices, ordered by exit time, then entry time
 * (the order the metrics compound in); within equal times the engine's
 * order is kept. `members` (tradesByCombo) is left as it is: a combination
 * already in exit order, the usual case, is returned as is, others sorted
 * into a copy.
 */
export function orderedTrades(
  data: Pick<ReportData, 'combos' | 'trades'>,
  members: readonly Uint32Array[] = tradesByCombo(data),
): Uint32Array[] {
  const { trades } = data;
  return members.map((order) => (inExitOrder(trades, order) ? order : sortByExit(trades, order)));
}

function inExitOrder(trades: ReportTrades, order: Uint32Array): boolean {
  for (let k = 1; k < order.length; k++) if (compareExit(trades, order[k - 1]!, order[k]!) > 0) return false;
  return true;
}

function compareExit(trades: ReportTrades, a: number, b: number): number {
  return trades.exitTime[a]! - trades.exitTime[b]! || trades.entryTime[a]! - trades.entryTime[b]! || a - b;
}

function sortByExit(trades: ReportTrades, order: Uint32Array): Uint32Array {
  return Uint32Array.from(Array.from(order).sort((a, b) => compareExit(trades, a, b)));
}

/** The compiler's reason a strategy can never trade (its first finding), or null. */
export function neverTradesReason(strategy: { readonly id: number; readonly name: string }): string | null {
  const found = diagnosticsOf(strategy);
  return found.neverTrades ? (found.warnings[0] ?? 'can never trade') : null;
}

/** One summary row per combination, in data.combos' order. */
export function summarize(data: ReportData, orders: readonly Uint32Array[] = orderedTrades(data)): SummaryRow[] {
  const { trades } = data;
  return data.combos.map((combo, c) => {
    const order = orders[c]!;
    let longTrades = 0;
    const exits = [0, 0, 0, 0, 0];
    for (const i of order) {
      if (trades.side[i] === LONG) longTrades++;
      exits[trades.exitReason[i]!]!++;
    }
    const m = tradeMetrics(trades.pnl, trades.barsHeld, order);
    return {
      symbol: combo.symbol,
      timeframe: combo.timeframe,
      strategyId: combo.strategyId,
      strategyName: combo.strategyName,
      riskProfile: combo.profile,
      trades: m.trades,
      longTrades,
      shortTrades: m.trades - longTrades,
      winRate: m.winRate,
      avgPnl: m.avgPnl,
      avgWin: m.avgWin,
      avgLoss: m.avgLoss,
      profitFactor: m.profitFactor,
      totalReturn: m.totalReturn,
      maxDrawdown: m.maxDrawdown,
      sharpePerTrade: m.sharpePerTrade,
      avgBarsHeld: m.avgBarsHeld,
      exitsStop: exits[STOP_LOSS]!,
      exitsTarget: exits[TARGET]!,
      exitsTrailing: exits[TRAILING_STOP]!,
      exitsTime: exits[TIME_STOP]!,
      exitsSignal: exits[SIGNAL_EXIT]!,
      neverTrades: neverTradesReason({ id: combo.strategyId, name: combo.strategyName }),
    };
  });
}
