import { type ByteSink, type Chunk, chunk } from '../output/byte-sink.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import type { Series } from '../registry/compiled.js';
import {
  F_ATR, F_BARS_HELD, F_ENTRY_INDEX, F_ENTRY_PRICE, F_EXIT_PRICE, F_EXIT_REASON, F_SIDE, F_STOP_DIST, F_TARGET_DIST,
  F_TIME_LIMIT, F_TRAILING_STOP,
} from './trade-log.js';
import { EXIT_REASONS, LONG, SHORT, SIGNAL_EXIT, STOP_LOSS, TARGET, TIME_STOP, TRAILING_STOP } from './trade.js';

/** At most this many indicator values appear in an entry justification. */
const SNAPSHOT_SIZE = 6;

export function sideName(side: number): 'long' | 'short' {
  return side === SHORT ? 'short' : 'long';
}

// ---------------------------------------------------------------------------
// The reference's entry and exit justifications, written straight into a ByteSink, for trades.csv and for COPY.

/** How a text field is written: quoted CSV (trades.csv) or PostgreSQL's COPY text format. */
export interface FieldDialect {
  /** Whether the field opens and closes with '"'. */
  readonly quoted: boolean;
  /** Constant text as it appears inside the field. */
  readonly escape: (text: string) => string;
}

/** Inside a quoted CSV field, '"' is doubled. */
export const CSV_FIELD: FieldDialect = { quoted: true, escape: (text) => text.replaceAll('"', '""') };

const QUOTE = 34;
const STOP_DISTANCE = chunk('; stop distance=');
const TARGET_DISTANCE = chunk('; target distance=');
const ATR_MULTIPLE = chunk('x ATR)');
const TRAILING_STOP_AT = chunk('; trailing stop at ');
const AFTER = chunk('; after ');
const BARS_LIMIT = chunk(' bars (limit=');
const NONE = chunk('None');
const SIGNAL_CLOSE = chunk('; signal-based exit at close=');
const EXIT_PRICE = chunk('; exit_price=');
const PNL = chunk(', pnl=');
const ATR_OPEN = chunk(' (ATR=');
const SPACE_PAREN = chunk(' (');

/**
 * The reference's entry and exit justifications of one strategy's trades on
 * one series (their wording as plain strings: entryJustification and
 * exitJustification in test/support/justification-text.ts), as text fields
 * of a dialect (quoted CSV or COPY text), written into a ByteSink without
 * building the texts. Only the constant parts
 * (display name, profile, indicator labels) can hold characters a dialect
 * escapes; the numbers never do, so escaping those parts once is all the
 * escaping there is. The CSV fields are always quoted, as csvField would
 * quote them: both texts contain ', ' (', risk=' and ', pnl=').
 * The wording must stay that of the reference; the unit tests compare these
 * bytes with independently built texts on every kind of trade.
 */
export class JustificationWriter {
  /** `Strategy '<display name>' long entry at ` (index LONG) and the short one, opening quote included. */
  private readonly heads: readonly Chunk[];
  /** `Exit reason: <reason>` by exit reason, opening quote included. */
  private readonly exitHeads: readonly Chunk[];
  private readonly columns: readonly (Float64Array | undefined)[];
  /** ` [label=` for the first value shown, `, label=` for the others. */
  private readonly firstLabels: readonly Chunk[];
  private readonly nextLabels: readonly Chunk[];
  private readonly riskTails = new Map<string, Chunk>();
  private readonly open: string;

  constructor(
    strategy: CompiledStrategy,
    series: Series,
    private readonly dialect: FieldDialect = CSV_FIELD,
  ) {
    const escape = dialect.escape;
    this.open = dialect.quoted ? '"' : '';
    const name = escape(strategy.displayName);
    this.heads = [LONG, SHORT].map((side) => chunk(`${this.open}Strategy '${name}' ${sideName(side)} entry at `));
    this.exitHeads = EXIT_REASONS.map((reason) => chunk(`${this.open}Exit reason: ${escape(reason)}`));
    const { requiredIndicators, requiredColumns } = strategy;
    this.columns = requiredIndicators.map((_, k) => series.columns[requiredColumns[k]!]);
    this.firstLabels = requiredIndicators.map((label) => chunk(` [${escape(label)}=`));
    this.nextLabels = requiredIndicators.map((label) => chunk(`, ${escape(label)}=`));
  }

  /** The entry justification of the trade at packed[o..] (TRADE_FIELDS numbers), as one field. */
  entry(sink: ByteSink, packed: Float64Array, o: number, profileName: string): void {
    const entryIndex = packed[o + F_ENTRY_INDEX]!;
    sink.chunk(this.heads[packed[o + F_SIDE] === SHORT ? SHORT : LONG]!);
    sink.pyFixed(packed[o + F_ENTRY_PRICE]!, 4);
    sink.chunk(ATR_OPEN);
    sink.pyFixed(packed[o + F_ATR]!, 4);
    sink.chunk(this.riskTail(profileName));
    let shown = 0;
    const columns = this.columns;
    for (let k = 0; k < columns.length && shown < SNAPSHOT_SIZE; k++) {
      const column = columns[k];
      const value = column === undefined ? Number.NaN : column[entryIndex]!;
      if (!Number.isFinite(value)) continue;
      sink.chunk(shown === 0 ? this.firstLabels[k]! : this.nextLabels[k]!);
      sink.pyFixed(value, 4);
      shown++;
    }
    if (shown > 0) sink.byte(93 /* ']' */);
    if (this.dialect.quoted) sink.byte(QUOTE);
  }

  /** The exit justification of the trade at packed[o..], as one field; `close` is the close of its exit bar. */
  exit(sink: ByteSink, packed: Float64Array, o: number, close: number): void {
    const entry = packed[o + F_ENTRY_PRICE]!;
    const exit = packed[o + F_EXIT_PRICE]!;
    const pnlPercent = packed[o + F_SIDE] === SHORT ? ((entry - exit) / entry) * 100 : ((exit - entry) / entry) * 100;
    const reason = packed[o + F_EXIT_REASON]!;
    const head = this.exitHeads[reason];
    if (head === undefined) sink.append(`${this.open}Exit reason: ${this.dialect.escape(String(EXIT_REASONS[reason]))}`);
    else sink.chunk(head);
    // NaN in the packed log is null in a Trade; a stop and a target read alike
    const distance = reason === STOP_LOSS ? packed[o + F_STOP_DIST]! : reason === TARGET ? packed[o + F_TARGET_DIST]! : Number.NaN;
    const trailingStop = reason === TRAILING_STOP ? packed[o + F_TRAILING_STOP]! : Number.NaN;
    if (distance === distance) {
      sink.chunk(reason === STOP_LOSS ? STOP_DISTANCE : TARGET_DISTANCE);
      sink.pyFixed(distance, 4);
      sink.chunk(SPACE_PAREN);
      sink.pyFixed(distance / packed[o + F_ATR]!, 1);
      sink.chunk(ATR_MULTIPLE);
    } else if (trailingStop === trailingStop) {
      sink.chunk(TRAILING_STOP_AT);
      sink.pyFixed(trailingStop, 4);
    } else if (reason === TIME_STOP) {
      sink.chunk(AFTER);
      sink.jsNumber(packed[o + F_BARS_HELD]!);
      sink.chunk(BARS_LIMIT);
      const timeLimit = packed[o + F_TIME_LIMIT]!;
      if (timeLimit === timeLimit) sink.jsNumber(timeLimit);
      else sink.chunk(NONE);
      sink.byte(41 /* ')' */);
    } else if (reason === SIGNAL_EXIT) {
      sink.chunk(SIGNAL_CLOSE);
      sink.pyFixed(close, 4);
    }
    sink.chunk(EXIT_PRICE);
    sink.pyFixed(exit, 4);
    sink.chunk(PNL);
    sink.pySignedFixed(pnlPercent, 2);
    sink.byte(37 /* '%' */);
    if (this.dialect.quoted) sink.byte(QUOTE);
  }

  /** `, risk=<profile>)`. */
  private riskTail(profileName: string): Chunk {
    let tail = this.riskTails.get(profileName);
    if (tail === undefined) {
      tail = chunk(`, risk=${this.dialect.escape(profileName)})`);
      this.riskTails.set(profileName, tail);
    }
    return tail;
  }
}
