import { pyRepr } from '../format/python.js';
import { csvField } from '../input/csv.js';
import { headerLine } from '../output/csv-rows.js';
import type { SummaryRow } from './model.js';

/** summary.csv's columns, each with how it is read from a row. */
const FIELDS = [
  ['symbol', (r) => r.symbol],
  ['timeframe', (r) => r.timeframe],
  ['strategy_id', (r) => r.strategyId],
  ['strategy_name', (r) => r.strategyName],
  ['risk_profile', (r) => r.riskProfile],
  ['trades', (r) => r.trades],
  ['long_trades', (r) => r.longTrades],
  ['short_trades', (r) => r.shortTrades],
  ['win_rate', (r) => r.winRate],
  ['avg_pnl', (r) => r.avgPnl],
  ['avg_win', (r) => r.avgWin],
  ['avg_loss', (r) => r.avgLoss],
  ['profit_factor', (r) => r.profitFactor],
  ['total_return', (r) => r.totalReturn],
  ['max_drawdown', (r) => r.maxDrawdown],
  ['sharpe_per_trade', (r) => r.sharpePerTrade],
  ['avg_bars_held', (r) => r.avgBarsHeld],
  ['exits_stop', (r) => r.exitsStop],
  ['exits_target', (r) => r.exitsTarget],
  ['exits_trailing', (r) => r.exitsTrailing],
  ['exits_time', (r) => r.exitsTime],
  ['exits_signal', (r) => r.exitsSignal],
  ['never_trades', (r) => r.neverTrades],
] as const satisfies readonly (readonly [string, (row: SummaryRow) => string | number | null])[];

export type SummaryColumn = (typeof FIELDS)[number][0];

export const SUMMARY_COLUMNS: readonly SummaryColumn[] = FIELDS.map(([name]) => name);

/** A row's values by summary.csv column (null where undefined): the JSON the service returns. */
export function summaryRecord(row: SummaryRow): Record<SummaryColumn, string | number | null> {
  return Object.fromEntries(FIELDS.map(([name, read]) => [name, read(row)])) as Record<SummaryColumn, string | number | null>;
}

/** Integers as integers, other floats as Python's repr (shortest round-trip), undefined as an empty field. */
function field(value: string | number | null, integer: boolean): string {
  if (value === null) return '';
  if (typeof value === 'string') return csvField(value);
  return integer ? String(value) : pyRepr(value);
}

const FLOAT_COLUMNS = new Set<SummaryColumn>([
  'win_rate', 'avg_pnl', 'avg_win', 'avg_loss', 'profit_factor', 'total_return', 'max_drawdown', 'sharpe_per_trade', 'avg_bars_held',
]);

/** summary.csv: a header and one CRLF line per row, as Python's csv module writes them. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  const lines = [headerLine(SUMMARY_COLUMNS)];
  for (const row of rows) {
    lines.push(`${FIELDS.map(([name, read]) => field(read(row), !FLOAT_COLUMNS.has(name))).join(',')}\r\n`);
  }
  return lines.join('');
}
