import { pyFixed, pySignedFixed } from '../format/python.js';
import { type ByteSink, type Chunk, chunk } from '../output/byte-sink.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import type { Series } from '../strategy/compiled.js';
import {
  F_ATR, F_BARS_HELD, F_ENTRY_INDEX, F_ENTRY_PRICE, F_EXIT_PRICE, F_EXIT_REASON, F_SIDE, F_STOP_DIST, F_TARGET_DIST,
  F_TIME_LIMIT, F_TRAILING_STOP,
} from './trade-log.js';
import { EXIT_REASONS, LONG, SHORT, SIGNAL_EXIT, STOP_LOSS, TARGET, TIME_STOP, TRAILING_STOP, type Trade } from './trade.js';

/** At most this many indicator values appear in an entry justification. */
const SNAPSHOT_SIZE = 6;

export function sideName(side: number): 'long' | 'short' {
  return side === SHORT ? 'short' : 'long';
}

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

// ---------------------------------------------------------------------------
// The same two texts written straight into a ByteSink, for the CSV output.

/** `text` with its '"' doubled, as inside a quoted CSV field. */
function quoteEscaped(text: string): string {
  return text.replaceAll('"', '""');
}

const QUOTE = 34;
const EXIT_REASON_PREFIX = EXIT_REASONS.map((reason) => chunk(`"Exit reason: ${reason}`));
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
 * entryJustification and exitJustification of one strategy's trades on one
 * series as quoted CSV fields ('"' + text with '"' doubled + '"'), written
 * into a ByteSink without building the texts. csvField quotes both texts
 * always, as both contain ', ' (', risk=' and ', pnl='); the numbers in them
 * never contain '"', so doubling the '"' of the constant parts (display name,
 * profile, indicator labels) once is all the escaping there is.
 * The wording must stay that of the string functions above; the unit tests
 * compare the two on every kind of trade.
 */
export class JustificationWriter {
  /** `"Strategy '<display name>' long entry at ` (index LONG) and the short one, quote included. */
  private readonly heads: readonly Chunk[];
  private readonly columns: readonly (Float64Array | undefined)[];
  /** ` [label=` for the first value shown, `, label=` for the others. */
  private readonly firstLabels: readonly Chunk[];
  private readonly nextLabels: readonly Chunk[];
  private readonly riskTails = new Map<string, Chunk>();

  constructor(strategy: CompiledStrategy, series: Series) {
    const name = quoteEscaped(strategy.displayName);
    this.heads = [LONG, SHORT].map((side) => chunk(`"Strategy '${name}' ${sideName(side)} entry at `));
    const { requiredIndicators, requiredColumns } = strategy;
    this.columns = requiredIndicators.map((_, k) => series.columns[requiredColumns[k]!]);
    this.firstLabels = requiredIndicators.map((label) => chunk(` [${quoteEscaped(label)}=`));
    this.nextLabels = requiredIndicators.map((label) => chunk(`, ${quoteEscaped(label)}=`));
  }

  /** The entry justification of the trade at packed[o..] (TRADE_FIELDS numbers), as a quoted field. */
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
    if (shown > 0) sink.bytes2(93 /* ']' */, QUOTE);
    else sink.byte(QUOTE);
  }

  /** The exit justification of the trade at packed[o..], as a quoted field; `close` is the close of its exit bar. */
  exit(sink: ByteSink, packed: Float64Array, o: number, close: number): void {
    const entry = packed[o + F_ENTRY_PRICE]!;
    const exit = packed[o + F_EXIT_PRICE]!;
    const pnlPercent = packed[o + F_SIDE] === SHORT ? ((entry - exit) / entry) * 100 : ((exit - entry) / entry) * 100;
    const reason = packed[o + F_EXIT_REASON]!;
    const prefix = EXIT_REASON_PREFIX[reason];
    if (prefix === undefined) sink.append(`"Exit reason: ${EXIT_REASONS[reason]}`);
    else sink.chunk(prefix);
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
    sink.bytes2(37 /* '%' */, QUOTE);
  }

  /** `, risk=<profile>)`. */
  private riskTail(profileName: string): Chunk {
    let tail = this.riskTails.get(profileName);
    if (tail === undefined) {
      tail = chunk(`, risk=${quoteEscaped(profileName)})`);
      this.riskTails.set(profileName, tail);
    }
    return tail;
  }
}
