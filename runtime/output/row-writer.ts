import { ROW_FIELDS } from '../engine/aggregate.js';
import { CSV_FIELD, type FieldDialect, JustificationWriter } from '../engine/justification.js';
import { F_BARS_HELD, F_ENTRY_INDEX, F_EXIT_INDEX, F_MAX_DRAWDOWN, F_MAX_PROFIT, F_PNL_STD, F_SIDE } from '../engine/trade-log.js';
import { SHORT } from '../engine/trade.js';
import type { BarSeries } from '../series/bar-series.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import { BarTimes } from './bar-times.js';
import { type ByteSink, type Chunk, chunk } from './byte-sink.js';
import { COPY_FIELD } from './copy-text.js';

const TAB = 9;
const LF = 10;
const CR = 13;
const COMMA = 44;

/** How the fields of a row file are written. */
export interface RowFormat {
  /** The byte between two fields. */
  readonly separator: number;
  /** Whether a line ends with CRLF (else LF). */
  readonly crlf: boolean;
  /** Doubles as PostgreSQL's float8 reads them back (ByteSink#float8), else as Python's repr (ByteSink#pyRepr). */
  readonly float8: boolean;
  /** Whether a bar off a whole second is stamped with its milliseconds (see BarTimes). */
  readonly milliseconds: boolean;
  /** The justification fields. */
  readonly field: FieldDialect;
}

/** The reference's trades.csv and results.csv, as Python's csv module writes them. */
export const CSV_ROWS: RowFormat = { separator: COMMA, crlf: true, float8: false, milliseconds: false, field: CSV_FIELD };

/** PostgreSQL's COPY text format (see copy-text.ts). */
export const COPY_ROWS: RowFormat = { separator: TAB, crlf: false, float8: true, milliseconds: true, field: COPY_FIELD };

/**
 * The fields that trades.csv and results.csv lines (CsvRows) and COPY rows
 * (CopyRows) have in common, written into a ByteSink in one format: whole
 * result rows, and the runs of fields a trade row of either has (its side
 * and times, its statistics, its justifications); each writer puts the rest
 * of its trade row around them. Everything is written field by field, with
 * nothing allocated per row.
 */
export class RowWriter {
  /** The series' close column: a signal exit's justification quotes the close of its exit bar. */
  private readonly close: Float64Array;
  private readonly times: BarTimes;
  private readonly separator: number;
  private readonly crlf: boolean;
  private readonly float8: boolean;
  /** `long` and `short` (index LONG, SHORT), each with the separator after it. */
  private readonly sides: readonly Chunk[];
  private readonly justifications = new Map<CompiledStrategy, JustificationWriter>();

  constructor(
    private readonly series: BarSeries,
    private readonly format: RowFormat,
  ) {
    const close = series.columns.close;
    if (close === undefined) throw new Error('a series without a close column');
    this.close = close;
    this.times = new BarTimes(series.time, format.milliseconds);
    this.separator = format.separator;
    this.crlf = format.crlf;
    this.float8 = format.float8;
    const separator = String.fromCharCode(format.separator);
    this.sides = ['long', 'short'].map((side) => chunk(`${side}${separator}`));
  }

  /**
   * Every aggregated row of one combination (packed as ROW_FIELDS numbers
   * each): `prefix` (the fields before open_day, separator included), then
   * open_day, open_hour, long_short, num_trades, pnl_mean, pnl_std,
   * max_drawdown and max_profit; one line each.
   */
  results(prefix: Chunk, packed: Float64Array, sink: ByteSink): void {
    const separator = this.separator;
    for (let o = 0; o + ROW_FIELDS <= packed.length; o += ROW_FIELDS) {
      sink.chunk(prefix);
      this.dayAndHour(packed[o]!, packed[o + 1]!, sink);
      this.side(packed[o + 2]!, sink);
      sink.jsNumber(packed[o + 3]!);
      sink.byte(separator);
      this.real(packed[o + 4]!, sink);
      sink.byte(separator);
      this.real(packed[o + 5]!, sink);
      sink.byte(separator);
      this.real(packed[o + 6]!, sink);
      sink.byte(separator);
      this.real(packed[o + 7]!, sink);
      this.endLine(sink);
    }
  }

  /** A day (`YYYY-MM-DD`) and an hour, each with the separator after it. */
  dayAndHour(day: number, hour: number, sink: ByteSink): void {
    this.times.day(day, sink);
    sink.byte(this.separator);
    sink.jsNumber(hour);
    sink.byte(this.separator);
  }

  /** The side, entry time and exit time of the trade at packed[o..], each with the separator after it. */
  sideAndTimes(packed: Float64Array, o: number, sink: ByteSink): void {
    this.side(packed[o + F_SIDE]!, sink);
    this.times.stamp(packed[o + F_ENTRY_INDEX]!, sink);
    sink.byte(this.separator);
    this.times.stamp(packed[o + F_EXIT_INDEX]!, sink);
    sink.byte(this.separator);
  }

  /** Bars held, max drawdown, max profit and pnl std of the trade at packed[o..], separated. */
  tradeStats(packed: Float64Array, o: number, sink: ByteSink): void {
    sink.jsNumber(packed[o + F_BARS_HELD]!);
    sink.byte(this.separator);
    this.real(packed[o + F_MAX_DRAWDOWN]!, sink);
    sink.byte(this.separator);
    this.real(packed[o + F_MAX_PROFIT]!, sink);
    sink.byte(this.separator);
    this.real(packed[o + F_PNL_STD]!, sink);
  }

  /** The entry and exit justifications of the trade at packed[o..], separated. */
  entryAndExit(justification: JustificationWriter, profile: string, packed: Float64Array, o: number, sink: ByteSink): void {
    justification.entry(sink, packed, o, profile);
    sink.byte(this.separator);
    justification.exit(sink, packed, o, this.close[packed[o + F_EXIT_INDEX]!]!);
  }

  /** The justification writer of `strategy` on this series, made once. */
  justification(strategy: CompiledStrategy): JustificationWriter {
    let writer = this.justifications.get(strategy);
    if (writer === undefined) {
      writer = new JustificationWriter(strategy, this.series, this.format.field);
      this.justifications.set(strategy, writer);
    }
    return writer;
  }

  /** `long` or `short` (a packed side), with the separator after it. */
  private side(side: number, sink: ByteSink): void {
    sink.chunk(this.sides[side === SHORT ? 1 : 0]!);
  }

  /** A double in the format's spelling. */
  private real(x: number, sink: ByteSink): void {
    if (this.float8) sink.float8(x);
    else sink.pyRepr(x);
  }

  /** CRLF or LF. */
  endLine(sink: ByteSink): void {
    if (this.crlf) sink.bytes2(CR, LF);
    else sink.byte(LF);
  }
}
