import { ROW_FIELDS } from '../aggregate/aggregate.js';
import { JustificationWriter } from '../engine/justification.js';
import {
  F_BARS_HELD, F_ENTRY_INDEX, F_ENTRY_PRICE, F_EXIT_INDEX, F_MAX_DRAWDOWN, F_MAX_PROFIT, F_PNL, F_PNL_STD, F_SIDE,
  TRADE_FIELDS,
} from '../engine/trade-log.js';
import { SHORT } from '../engine/trade.js';
import type { BarSeries } from '../strategy/bar-series.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import { BarTimes } from './bar-times.js';
import { type ByteSink, chunk } from './byte-sink.js';
import { COPY_FIELD, copyEscaped } from './copy-text.js';

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
const LF = 10;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** `long\t` and `short\t` (index LONG, SHORT). */
const SIDE_FIELDS = ['long\t', 'short\t'].map(chunk);

/**
 * COPY text rows of the combinations of one (symbol, timeframe) of a
 * database run: strategy_probe_results rows as stored, and trades with the
 * dimensions that link them to their result row. Like CsvRows it runs in a
 * worker, beside the trades; constant fields are encoded once per
 * (strategy, profile), numbers are written as digits.
 */
export class CopyRows {
  private readonly close: Float64Array;
  private readonly time: Float64Array;
  private readonly times: BarTimes;
  /** Escaped once: symbol and timeframe; a result row's fields before and after its strategy's id and version. */
  private readonly symbol: string;
  private readonly timeframe: string;
  private readonly resultHead: string;
  private readonly resultTail: string;
  private readonly justifications = new Map<CompiledStrategy, JustificationWriter>();

  constructor(
    context: CopyContext,
    private readonly series: BarSeries,
  ) {
    const close = series.columns.close;
    if (close === undefined) throw new Error('a series without a close column');
    this.close = close;
    this.time = series.time;
    this.times = new BarTimes(series.time, true);
    this.symbol = copyEscaped(context.symbol.toUpperCase());
    const period = `${new Date(context.periodStart).toISOString()}\t${new Date(context.periodEnd).toISOString()}`;
    this.resultHead = `${copyEscaped(context.runId)}\t${this.symbol}\t`;
    this.timeframe = copyEscaped(context.timeframe);
    this.resultTail = `\t${period}\t${this.timeframe}\t`;
  }

  /** The aggregated rows of one combination (packed as ROW_FIELDS numbers each). */
  results(strategy: StoredStrategy, profile: string, packed: Float64Array, sink: ByteSink): void {
    const prefix = chunk(`${this.resultHead}${strategy.id}\t${strategy.version}${this.resultTail}${copyEscaped(profile)}\t`);
    for (let o = 0; o + ROW_FIELDS <= packed.length; o += ROW_FIELDS) {
      sink.chunk(prefix);
      this.times.day(packed[o]!, sink);
      sink.byte(TAB);
      sink.jsNumber(packed[o + 1]!);
      sink.byte(TAB);
      sink.chunk(SIDE_FIELDS[packed[o + 2] === SHORT ? 1 : 0]!);
      sink.jsNumber(packed[o + 3]!);
      sink.byte(TAB);
      sink.float8(packed[o + 4]!);
      sink.byte(TAB);
      sink.float8(packed[o + 5]!);
      sink.byte(TAB);
      sink.float8(packed[o + 6]!);
      sink.byte(TAB);
      sink.float8(packed[o + 7]!);
      sink.byte(LF);
    }
  }

  /** Every trade of one combination, keyed by its result row's dimensions (TRADE_STAGING_COLUMNS). */
  trades(stored: StoredStrategy, strategy: CompiledStrategy, profile: string, packed: Float64Array, sink: ByteSink): void {
    const prefix = chunk(`${this.symbol}\t${stored.id}\t${this.timeframe}\t${copyEscaped(profile)}\t`);
    const justification = this.justification(strategy);
    const { close, time } = this;
    for (let o = 0; o + TRADE_FIELDS <= packed.length; o += TRADE_FIELDS) {
      const entryIndex = packed[o + F_ENTRY_INDEX]!;
      const exitIndex = packed[o + F_EXIT_INDEX]!;
      // the result row's key, as the aggregation computes it
      const opened = time[entryIndex]!;
      const day = Math.floor(opened / DAY_MS);
      const side = SIDE_FIELDS[packed[o + F_SIDE] === SHORT ? 1 : 0]!;
      sink.chunk(prefix);
      this.times.day(day, sink);
      sink.byte(TAB);
      sink.jsNumber(Math.floor(opened / HOUR_MS) - day * 24);
      sink.byte(TAB);
      sink.chunk(side);
      this.times.stamp(entryIndex, sink);
      sink.byte(TAB);
      this.times.stamp(exitIndex, sink);
      sink.byte(TAB);
      justification.entry(sink, packed, o, profile);
      sink.byte(TAB);
      justification.exit(sink, packed, o, close[exitIndex]!);
      sink.byte(TAB);
      const entryPrice = packed[o + F_ENTRY_PRICE]!;
      const pnlPct = packed[o + F_PNL]!;
      sink.float8(pnlPct * entryPrice);
      sink.byte(TAB);
      sink.float8(pnlPct);
      sink.byte(TAB);
      sink.jsNumber(packed[o + F_BARS_HELD]!);
      sink.byte(TAB);
      sink.float8(packed[o + F_MAX_DRAWDOWN]!);
      sink.byte(TAB);
      sink.float8(packed[o + F_MAX_PROFIT]!);
      sink.byte(TAB);
      sink.float8(packed[o + F_PNL_STD]!);
      sink.byte(LF);
    }
  }

  private justification(strategy: CompiledStrategy): JustificationWriter {
    let writer = this.justifications.get(strategy);
    if (writer === undefined) {
      writer = new JustificationWriter(strategy, this.series, COPY_FIELD);
      this.justifications.set(strategy, writer);
    }
    return writer;
  }
}
