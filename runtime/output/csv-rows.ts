import { F_ENTRY_PRICE, F_EXIT_PRICE, F_EXIT_REASON, F_PNL, TRADE_FIELDS } from '../engine/trade-log.js';
import { EXIT_REASONS } from '../engine/trade.js';
import { csvField } from '../input/csv.js';
import type { BarSeries } from '../series/bar-series.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import { type ByteSink, chunk } from './byte-sink.js';
import { CSV_ROWS, RowWriter } from './row-writer.js';

export const TRADE_COLUMNS = [
  'symbol', 'timeframe', 'strategy_id', 'strategy_name', 'risk_profile', 'direction', 'entry_time', 'exit_time',
  'entry_price', 'exit_price', 'pnl_pct', 'bars_held', 'max_drawdown_pct', 'max_profit_pct', 'pnl_std',
  'exit_reason', 'entry_justification', 'exit_justification',
] as const;

export const RESULT_COLUMNS = [
  'symbol', 'timeframe', 'strategy_id', 'risk_profile', 'open_day', 'open_hour', 'long_short', 'num_trades',
  'pnl_mean', 'pnl_std', 'max_drawdown', 'max_profit',
] as const;

/** A CSV header line, as Python's csv module writes it. */
export function headerLine(columns: readonly string[]): string {
  return `${columns.map(csvField).join(',')}\r\n`;
}

const COMMA = 44;
/** Each exit reason and the comma after it. */
const EXIT_REASON_FIELDS = EXIT_REASONS.map((reason) => chunk(`${reason},`));

/**
 * The reference's trades.csv and results.csv lines for the combinations of
 * one (symbol, timeframe). It runs where the trades are (a worker), so the
 * main thread only writes finished bytes. Lines go into the sink field by
 * field: constant text encoded once, numbers as digits (see ByteSink); the
 * fields it has in common with COPY rows are a RowWriter's.
 */
export class CsvRows {
  private readonly rows: RowWriter;

  constructor(
    private readonly symbol: string,
    private readonly timeframe: string,
    series: BarSeries,
  ) {
    this.rows = new RowWriter(series, CSV_ROWS);
  }

  /** Every trade of one combination, one CRLF-terminated line each. */
  trades(strategy: CompiledStrategy, profile: string, packed: Float64Array, sink: ByteSink): void {
    const prefix = chunk(`${csvField(this.symbol)},${csvField(this.timeframe)},${strategy.id},${csvField(strategy.name)},${csvField(profile)},`);
    const { rows } = this;
    const justification = rows.justification(strategy);
    for (let o = 0; o + TRADE_FIELDS <= packed.length; o += TRADE_FIELDS) {
      sink.chunk(prefix);
      rows.sideAndTimes(packed, o, sink);
      sink.pyRepr(packed[o + F_ENTRY_PRICE]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + F_EXIT_PRICE]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + F_PNL]!);
      sink.byte(COMMA);
      rows.tradeStats(packed, o, sink);
      sink.byte(COMMA);
      const reason = EXIT_REASON_FIELDS[packed[o + F_EXIT_REASON]!];
      if (reason === undefined) sink.append(`${EXIT_REASONS[packed[o + F_EXIT_REASON]!]},`);
      else sink.chunk(reason);
      rows.entryAndExit(justification, profile, packed, o, sink);
      rows.endLine(sink);
    }
  }

  /** Every aggregated row of one combination (packed as ROW_FIELDS numbers each). */
  results(strategy: CompiledStrategy, profile: string, packed: Float64Array, sink: ByteSink): void {
    const prefix = chunk(`${csvField(this.symbol.toUpperCase())},${csvField(this.timeframe)},${strategy.id},${csvField(profile)},`);
    this.rows.results(prefix, packed, sink);
  }
}
