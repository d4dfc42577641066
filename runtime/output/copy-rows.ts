import { F_ENTRY_INDEX, F_ENTRY_PRICE, F_PNL, TRADE_FIELDS } from '../engine/trade-log.js';
import type { BarSeries } from '../series/bar-series.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import { type ByteSink, chunk } from './byte-sink.js';
import { copyEscaped } from './copy-text.js';
import { COPY_ROWS, RowWriter } from './row-writer.js';

/** strategy_probe_results columns, in the order CopyRows#results writes them. */
export const RESULT_COPY_COLUMNS = [
  'run_id', 'symbol', 'strategy_id', 'strategy_version', 'period_start', 'period_end', 'timeframe', 'risk_profile',
  'open_day', 'open_hour', 'long_short', 'num_trades', 'pnl_mean', 'pnl_std', 'max_drawdown', 'max_profit',
] as const;

/**
 * The columns CopyRows#trades writes: the dimensions of the trade's result
 * row (its id is known only once that row is stored), then the trade.
 */
export const TRADE_STAGING_COLUMNS = [
  'symbol', 'strategy_id', 'timeframe', 'risk_profile', 'open_day', 'open_hour', 'direction',
  'open_timestamp', 'close_timestamp', 'open_justification', 'close_justification',
  'pnl', 'pnl_pct', 'bars_held', 'max_drawdown', 'max_profit', 'pnl_std',
] as const;

/** What every row of one (symbol, timeframe) of a database run carries. */
export interface CopyContext {
  readonly runId: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** UTC epoch ms. */
  readonly periodStart: number;
  readonly periodEnd: number;
}

/** A strategy's row in probe_strategies. */
export interface StoredStrategy {
  readonly id: number;
  readonly version: number;
}

const TAB = 9;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * COPY text rows of the combinations of one (symbol, timeframe) of a
 * database run: strategy_probe_results rows as stored, and trades with the
 * dimensions that link them to their result row. Like CsvRows it runs in a
 * worker, beside the trades; constant fields are encoded once per
 * (strategy, profile), numbers are written as digits; the fields it has in
 * common with trades.csv and results.csv are a RowWriter's.
 */
export class CopyRows {
  private readonly rows: RowWriter;
  private readonly time: Float64Array;
  /** Escaped once: symbol and timeframe; a result row's fields before and after its strategy's id and version. */
  private readonly symbol: string;
  private readonly timeframe: string;
  private readonly resultHead: string;
  private readonly resultTail: string;

  constructor(context: CopyContext, series: BarSeries) {
    this.rows = new RowWriter(series, COPY_ROWS);
    this.time = series.time;
    this.symbol = copyEscaped(context.symbol.toUpperCase());
    const period = `${new Date(context.periodStart).toISOString()}\t${new Date(context.periodEnd).toISOString()}`;
    this.resultHead = `${copyEscaped(context.runId)}\t${this.symbol}\t`;
    this.timeframe = copyEscaped(context.timeframe);
    this.resultTail = `\t${period}\t${this.timeframe}\t`;
  }

  /** The aggregated rows of one combination (packed as ROW_FIELDS numbers each). */
  results(strategy: StoredStrategy, profile: string, packed: Float64Array, sink: ByteSink): void {
    const prefix = chunk(`${this.resultHead}${strategy.id}\t${strategy.version}${this.resultTail}${copyEscaped(profile)}\t`);
    this.rows.results(prefix, packed, sink);
  }

  /** Every trade of one combination, keyed by its result row's dimensions (TRADE_STAGING_COLUMNS). */
  trades(stored: StoredStrategy, strategy: CompiledStrategy, profile: string, packed: Float64Array, sink: ByteSink): void {
    const prefix = chunk(`${this.symbol}\t${stored.id}\t${this.timeframe}\t${copyEscaped(profile)}\t`);
    const { rows, time } = this;
    const justification = rows.justification(strategy);
    for (let o = 0; o + TRADE_FIELDS <= packed.length; o += TRADE_FIELDS) {
      // the result row's key, as the aggregation computes it
      const opened = time[packed[o + F_ENTRY_INDEX]!]!;
      const day = Math.floor(opened / DAY_MS);
      sink.chunk(prefix);
      rows.dayAndHour(day, Math.floor(opened / HOUR_MS) - day * 24, sink);
      rows.sideAndTimes(packed, o, sink);
      rows.entryAndExit(justification, profile, packed, o, sink);
      sink.byte(TAB);
      const pnlPct = packed[o + F_PNL]!;
      sink.float8(pnlPct * packed[o + F_ENTRY_PRICE]!);
      sink.byte(TAB);
      sink.float8(pnlPct);
      sink.byte(TAB);
      rows.tradeStats(packed, o, sink);
      rows.endLine(sink);
    }
  }
}
