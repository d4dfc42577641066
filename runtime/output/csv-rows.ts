import { ROW_FIELDS } from '../aggregate/aggregate.js';
import { JustificationWriter } from '../engine/justification.js';
import {
  F_BARS_HELD, F_ENTRY_INDEX, F_ENTRY_PRICE, F_EXIT_INDEX, F_EXIT_PRICE, F_EXIT_REASON, F_MAX_DRAWDOWN, F_MAX_PROFIT,
  F_PNL, F_PNL_STD, F_SIDE, TRADE_FIELDS,
} from '../engine/trade-log.js';
import { EXIT_REASONS, SHORT } from '../engine/trade.js';
import { csvField } from '../io/csv.js';
import type { BarSeries } from '../strategy/bar-series.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import { BarTimes } from './bar-times.js';
import { type ByteSink, chunk } from './byte-sink.js';

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
const CR = 13;
const LF = 10;
/** `long,` and `short,` (index LONG, SHORT). */
const SIDE_FIELDS = ['long,', 'short,'].map(chunk);
/** Each exit reason and the comma after it. */
const EXIT_REASON_FIELDS = EXIT_REASONS.map((reason) => chunk(`${reason},`));

/**
 * The reference's trades.csv and results.csv lines for the combinations of
 * one (symbol, timeframe). It runs where the trades are (a worker), so the
 * main thread only writes finished bytes. Lines go into the sink field by
 * field: constant text encoded once, numbers as digits (see ByteSink).
 */
export class CsvRows {
  private readonly close: Float64Array;
  private readonly times: BarTimes;
  private readonly justifications = new Map<CompiledStrategy, JustificationWriter>();

  constructor(
    private readonly symbol: string,
    private readonly timeframe: string,
    private readonly series: BarSeries,
  ) {
    const close = series.columns.close;
    if (close === undefined) throw new Error('a series without a close column');
    this.close = close;
    this.times = new BarTimes(series.time, false);
  }

  /** Every trade of one combination, one CRLF-terminated line each. */
  trades(strategy: CompiledStrategy, profile: string, packed: Float64Array, sink: ByteSink): void {
    const prefix = chunk(`${csvField(this.symbol)},${csvField(this.timeframe)},${strategy.id},${csvField(strategy.name)},${csvField(profile)},`);
    const justification = this.justification(strategy);
    const close = this.close;
    for (let o = 0; o + TRADE_FIELDS <= packed.length; o += TRADE_FIELDS) {
      sink.chunk(prefix);
      sink.chunk(SIDE_FIELDS[packed[o + F_SIDE] === SHORT ? 1 : 0]!);
      this.times.stamp(packed[o + F_ENTRY_INDEX]!, sink);
      sink.byte(COMMA);
      this.times.stamp(packed[o + F_EXIT_INDEX]!, sink);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + F_ENTRY_PRICE]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + F_EXIT_PRICE]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + F_PNL]!);
      sink.byte(COMMA);
      sink.jsNumber(packed[o + F_BARS_HELD]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + F_MAX_DRAWDOWN]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + F_MAX_PROFIT]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + F_PNL_STD]!);
      sink.byte(COMMA);
      const reason = EXIT_REASON_FIELDS[packed[o + F_EXIT_REASON]!];
      if (reason === undefined) sink.append(`${EXIT_REASONS[packed[o + F_EXIT_REASON]!]},`);
      else sink.chunk(reason);
      justification.entry(sink, packed, o, profile);
      sink.byte(COMMA);
      justification.exit(sink, packed, o, close[packed[o + F_EXIT_INDEX]!]!);
      sink.bytes2(CR, LF);
    }
  }

  /** Every aggregated row of one combination (packed as ROW_FIELDS numbers each). */
  results(strategy: CompiledStrategy, profile: string, packed: Float64Array, sink: ByteSink): void {
    const prefix = chunk(`${csvField(this.symbol.toUpperCase())},${csvField(this.timeframe)},${strategy.id},${csvField(profile)},`);
    for (let o = 0; o + ROW_FIELDS <= packed.length; o += ROW_FIELDS) {
      sink.chunk(prefix);
      this.times.day(packed[o]!, sink);
      sink.byte(COMMA);
      sink.jsNumber(packed[o + 1]!);
      sink.byte(COMMA);
      sink.chunk(SIDE_FIELDS[packed[o + 2] === SHORT ? 1 : 0]!);
      sink.jsNumber(packed[o + 3]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + 4]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + 5]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + 6]!);
      sink.byte(COMMA);
      sink.pyRepr(packed[o + 7]!);
      sink.bytes2(CR, LF);
    }
  }

  private justification(strategy: CompiledStrategy): JustificationWriter {
    let writer = this.justifications.get(strategy);
    if (writer === undefined) {
      writer = new JustificationWriter(strategy, this.series);
      this.justifications.set(strategy, writer);
    }
    return writer;
  }
}
