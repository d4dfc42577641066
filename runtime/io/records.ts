import type { ResultRow } from '../aggregate/aggregate.js';
import { entryJustification, exitJustification, sideName } from '../engine/justification.js';
import { EXIT_REASONS, type Trade } from '../engine/trade.js';
import { isoSeconds, pyRepr } from '../format/python.js';
import type { BarSeries } from '../strategy/bar-series.js';
import type { CompiledStrategy } from '../strategy/compiled.js';

export const TRADE_COLUMNS = [
  'symbol', 'timeframe', 'strategy_id', 'strategy_name', 'risk_profile', 'direction', 'entry_time', 'exit_time',
  'entry_price', 'exit_price', 'pnl_pct', 'bars_held', 'max_drawdown_pct', 'max_profit_pct', 'pnl_std',
  'exit_reason', 'entry_justification', 'exit_justification',
] as const;

export const RESULT_COLUMNS = [
  'symbol', 'timeframe', 'strategy_id', 'risk_profile', 'open_day', 'open_hour', 'long_short', 'num_trades',
  'pnl_mean', 'pnl_std', 'max_drawdown', 'max_profit',
] as const;

/** Where a batch of trades or rows came from. */
export interface RunKey {
  readonly symbol: string;
  readonly timeframe: string;
  readonly strategy: CompiledStrategy;
  readonly profile: string;
}

export function tradeFields(key: RunKey, trade: Trade, series: BarSeries): string[] {
  return [
    key.symbol,
    key.timeframe,
    String(key.strategy.id),
    key.strategy.name,
    key.profile,
    sideName(trade.side),
    isoSeconds(series.time[trade.entryIndex]!),
    isoSeconds(series.time[trade.exitIndex]!),
    pyRepr(trade.entryPrice),
    pyRepr(trade.exitPrice),
    pyRepr(trade.pnlPct),
    String(trade.barsHeld),
    pyRepr(trade.maxDrawdownPct),
    pyRepr(trade.maxProfitPct),
    pyRepr(trade.pnlStd),
    EXIT_REASONS[trade.exitReason]!,
    entryJustification(trade, key.strategy, key.profile, series),
    exitJustification(trade, series.columns.close![trade.exitIndex]!),
  ];
}

export function resultFields(key: RunKey, row: ResultRow): string[] {
  return [
    key.symbol.toUpperCase(),
    key.timeframe,
    String(key.strategy.id),
    key.profile,
    new Date(row.openDay * 86_400_000).toISOString().slice(0, 10),
    String(row.openHour),
    row.longShort,
    String(row.numTrades),
    pyRepr(row.pnlMean),
    pyRepr(row.pnlStd),
    pyRepr(row.maxDrawdown),
    pyRepr(row.maxProfit),
  ];
}
