import { EXIT_REASONS, LONG, SHORT } from '../engine/trade.js';
import { InputError } from '../errors.js';
import { parseIsoSecondsZ, parseIsoTime } from '../input/iso-time.js';
import { TRADE_COLUMNS } from '../output/csv-rows.js';
import type { ReportTrades } from './model.js';

/** Where a trade's combination is found from its first five fields; -1 when the run does not hold it. */
export type ComboLookup = (symbol: string, timeframe: string, strategyId: number, strategyName: string, profile: string) => number;

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;
const FIELDS = TRADE_COLUMNS.length;
const F_SYMBOL = TRADE_COLUMNS.indexOf('symbol');
const F_DIRECTION = TRADE_COLUMNS.indexOf('direction');
const F_ENTRY_TIME = TRADE_COLUMNS.indexOf('entry_time');
const F_EXIT_TIME = TRADE_COLUMNS.indexOf('exit_time');
const F_ENTRY_PRICE = TRADE_COLUMNS.indexOf('entry_price');
const F_EXIT_PRICE = TRADE_COLUMNS.indexOf('exit_price');
const F_PNL = TRADE_COLUMNS.indexOf('pnl_pct');
const F_BARS_HELD = TRADE_COLUMNS.indexOf('bars_held');
const F_EXIT_REASON = TRADE_COLUMNS.indexOf('exit_reason');
const F_ENTRY_JUSTIFICATION = TRADE_COLUMNS.indexOf('entry_justification');
const F_EXIT_JUSTIFICATION = TRADE_COLUMNS.indexOf('exit_justification');
/** The first five fields name the combination; consecutive trades mostly share it. */
const COMBO_FIELDS = 5;

const decoder = new TextDecoder();

/**
 * trades.csv as `probe backtest` writes it (the reference's columns,
 * Python's csv dialect) read into columns. The bytes are scanned once:
 * a 100 MB file of 234,000 trades is read in well under a second, and the
 * justification texts stay bytes, never decoded. `buffer` is consumed:
 * the texts are gathered into its first bytes, and `text` is that part of
 * it. A malformed line is an InputError naming the file, the line and the
 * field.
 */
export function parseTradesCsv(buffer: Buffer, file: string, lookup: ComboLookup): ReportTrades {
  // scanned as a plain Uint8Array: indexing a Buffer (a subclass) is slower
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  const lineEnd = (from: number): number => {
    const k = bytes.indexOf(LF, from);
    return k < 0 ? bytes.length : k;
  };
  const headerEnd = lineEnd(0);
  const header = decoder.decode(bytes.subarray(0, headerEnd)).replace(/\r$/, '');
  if (header !== TRADE_COLUMNS.join(',')) {
    throw new InputError([`${file}: line 1: expected the header ${TRADE_COLUMNS.join(',')}, found ${JSON.stringify(header.slice(0, 300))}`]);
  }
  // at most one trade per line: count lines for the columns' length
  let capacity = 0;
  for (let k = buffer.indexOf(LF, headerEnd + 1); k >= 0; k = buffer.indexOf(LF, k + 1)) capacity++;
  capacity++;
  const combo = new Uint32Array(capacity);
  const side = new Uint8Array(capacity);
  const exitReason = new Uint8Array(capacity);
  const entryTime = new Float64Array(capacity);
  const exitTime = new Float64Array(capacity);
  const entryPrice = new Float64Array(capacity);
  const exitPrice = new Float64Array(capacity);
  const pnl = new Float64Array(capacity);
  const barsHeld = new Int32Array(capacity);
  // The justifications end up one after another at the start of the file's own bytes: each line's two texts are
  // moved down (copyWithin, a memmove) once the line is read, over bytes already read. From the first text that
  // escapes a quote ("" inside quotes: a display name with a '"') on, they are copied to a buffer of their own, unescaped.
  let copying = false;
  let text = bytes;
  const textOffsets = new Uint32Array(2 * capacity + 1);
  let textAt = 0;
  const state = new Int32Array(3);

  const starts = new Int32Array(FIELDS);
  const ends = new Int32Array(FIELDS);
  // the previous line's combination fields (copied: the texts moved down may overwrite them)
  let previousKey = new Uint8Array(0);
  let previousCombo = -1;
  let count = 0;
  let line = 1;
  let at = headerEnd + 1;
  const problem = (what: string): InputError => new InputError([`${file}: line ${line}: ${what}`]);
  const fieldText = (f: number): string => decoder.decode(bytes.subarray(starts[f]!, ends[f]!));
  // numbers are ASCII: latin1 is the cheapest way to a string for Number() (toString's own checks cost as much again)
  const latin1 = buffer as Buffer & { latin1Slice?: (start: number, end: number) => string };
  const asciiText =
    typeof latin1.latin1Slice === 'function'
      ? (f: number): string => latin1.latin1Slice!(starts[f]!, ends[f]!)
      : (f: number): string => buffer.toString('latin1', starts[f]!, ends[f]!);
  const number = (f: number, name: string): number => {
    const value = Number(asciiText(f));
    if (ends[f]! === starts[f]! || !Number.isFinite(value)) throw problem(`${name}: ${JSON.stringify(fieldText(f))} is not a number`);
    return value;
  };
  const time = (f: number, name: string): number => {
    const ms = parseIsoSecondsZ(asciiText(f));
    if (!Number.isNaN(ms)) return ms;
    const parsed = parseIsoTime(fieldText(f));
    if (parsed.kind !== 'time') throw problem(`${name}: ${JSON.stringify(fieldText(f))} is not an ISO-8601 time`);
    return parsed.ms;
  };

  while (at < bytes.length) {
    line++;
    // a blank last line (or a trailing CRLF) ends the file
    if (bytes[at] === LF || (bytes[at] === CR && bytes[at + 1] === LF)) {
      at = lineEnd(at) + 1;
      continue;
    }
    const k = splitLine(bytes, buffer, at, starts, ends, text, state, copying);
    if (k < 0 && state[S_PROBLEM] === ESCAPED_QUOTE) {
      // the first text with an escaped quote: the texts gathered so far go to a buffer of their own, and this line is read again
      copying = true;
      text = new Uint8Array(bytes.length);
      text.set(bytes.subarray(0, textAt));
      state[S_PROBLEM] = 0;
      line--;
      continue;
    }
    if (k < 0) {
      const f = state[S_FIELD]!;
      if (state[S_PROBLEM] === TOO_MANY_FIELDS) throw problem(`more than ${FIELDS} fields`);
      if (state[S_PROBLEM] === UNTERMINATED) throw problem(`field ${TRADE_COLUMNS[f]}: unterminated quote`);
      throw problem(`field ${TRADE_COLUMNS[f]}: unexpected text after a quoted field`);
    }
    const f = state[S_FIELD]!;
    textAt = state[S_TEXT_AT]!;
    if (f !== FIELDS) throw problem(`${f} fields, expected ${FIELDS} (${TRADE_COLUMNS.join(',')})`);

    const keyStart = starts[F_SYMBOL]!;
    const keyEnd = ends[COMBO_FIELDS - 1]!;
    let c = previousCombo;
    if (!sameBytes(previousKey, bytes, keyStart, keyEnd)) {
      const [symbol, timeframe, id, name, profile] = [0, 1, 2, 3, 4].map(fieldText) as [string, string, string, string, string];
      const strategyId = Number(id);
      if (!Number.isInteger(strategyId)) throw problem(`strategy_id: ${JSON.stringify(id)} is not an integer`);
      c = lookup(symbol, timeframe, strategyId, name, profile);
      if (c < 0) throw problem(`${symbol} ${timeframe} strategy ${strategyId} ${name} ${profile}: not a combination of this run`);
      previousKey = bytes.slice(keyStart, keyEnd);
      previousCombo = c;
    }
    combo[count] = c;
    const direction = matchWord(bytes, starts[F_DIRECTION]!, ends[F_DIRECTION]!, SIDE_WORDS);
    if (direction < 0) throw problem(`direction: ${JSON.stringify(fieldText(F_DIRECTION))} is neither long nor short`);
    side[count] = direction === 0 ? LONG : SHORT;
    const reason = matchWord(bytes, starts[F_EXIT_REASON]!, ends[F_EXIT_REASON]!, REASON_WORDS);
    if (reason < 0) throw problem(`exit_reason: ${JSON.stringify(fieldText(F_EXIT_REASON))} is not one of ${EXIT_REASONS.join(', ')}`);
    exitReason[count] = reason;
    entryTime[count] = time(F_ENTRY_TIME, 'entry_time');
    exitTime[count] = time(F_EXIT_TIME, 'exit_time');
    entryPrice[count] = number(F_ENTRY_PRICE, 'entry_price');
    exitPrice[count] = number(F_EXIT_PRICE, 'exit_price');
    pnl[count] = number(F_PNL, 'pnl_pct');
    const held = digits(bytes, starts[F_BARS_HELD]!, ends[F_BARS_HELD]!);
    if (held < 0) throw problem(`bars_held: ${JSON.stringify(fieldText(F_BARS_HELD))} is not a count of bars`);
    barsHeld[count] = held;
    if (copying) {
      textOffsets[2 * count] = starts[F_ENTRY_JUSTIFICATION]!;
      textOffsets[2 * count + 1] = starts[F_EXIT_JUSTIFICATION]!;
      textOffsets[2 * count + 2] = ends[F_EXIT_JUSTIFICATION]!;
    } else {
      // every byte before the exit text's end is read: the texts move down to textAt (<= their start)
      textOffsets[2 * count] = textAt;
      bytes.copyWithin(textAt, starts[F_ENTRY_JUSTIFICATION]!, ends[F_ENTRY_JUSTIFICATION]!);
      textAt += ends[F_ENTRY_JUSTIFICATION]! - starts[F_ENTRY_JUSTIFICATION]!;
      textOffsets[2 * count + 1] = textAt;
      bytes.copyWithin(textAt, starts[F_EXIT_JUSTIFICATION]!, ends[F_EXIT_JUSTIFICATION]!);
      textAt += ends[F_EXIT_JUSTIFICATION]! - starts[F_EXIT_JUSTIFICATION]!;
      textOffsets[2 * count + 2] = textAt;
      state[S_TEXT_AT] = textAt;
    }
    count++;
    at = k + 1;
  }
  return {
    count,
    combo: combo.subarray(0, count),
    side: side.subarray(0, count),
    exitReason: exitReason.subarray(0, count),
    entryTime: entryTime.subarray(0, count),
    exitTime: exitTime.subarray(0, count),
    entryPrice: entryPrice.subarray(0, count),
    exitPrice: exitPrice.subarray(0, count),
    pnl: pnl.subarray(0, count),
    barsHeld: barsHeld.subarray(0, count),
    text: text.subarray(0, textAt),
    textOffsets: textOffsets.subarray(0, 2 * count + 1),
  };
}

const S_TEXT_AT = 0;
const S_FIELD = 1;
const S_PROBLEM = 2;
const TOO_MANY_FIELDS = 1;
const UNTERMINATED = 2;
const TEXT_AFTER_QUOTE = 3;
/** Not a problem of the file: a text to unescape, read in place until then. */
const ESCAPED_QUOTE = 4;

/**
 * Splits the line at `at` into fields: their bounds into starts/ends, the
 * justifications copied (unescaped) into `text` from state[S_TEXT_AT] on.
 * Returns the index of the line's end (its LF, or the end of the bytes),
 * or -1 with state[S_PROBLEM] and state[S_FIELD] saying what is wrong.
 * A function of its own, with no closure around it, because this loop
 * runs over every byte of the file.
 */
function splitLine(
  bytes: Uint8Array, buffer: Buffer, at: number, starts: Int32Array, ends: Int32Array, text: Uint8Array, state: Int32Array, copying: boolean,
): number {
  let textAt = state[S_TEXT_AT]!;
  const n = bytes.length;
  let f = 0;
  let k = at;
  for (;;) {
    if (f >= FIELDS) return fail(state, f, TOO_MANY_FIELDS);
    if (bytes[k] === QUOTE) {
      // quoted: a justification is copied unescaped to `text` when the file has escaped quotes at all
      // (a display name with a '"'), else it stays where it is, found by a native search for its closing quote
      const justification = f === F_ENTRY_JUSTIFICATION || f === F_EXIT_JUSTIFICATION;
      if (justification && !copying) {
        const quote = buffer.indexOf(QUOTE, k + 1);
        if (quote < 0) return fail(state, f, UNTERMINATED);
        if (bytes[quote + 1] === QUOTE) return fail(state, f, ESCAPED_QUOTE);
        starts[f] = k + 1;
        ends[f] = quote;
        k = quote + 1;
      } else {
        state[S_TEXT_AT] = textAt;
        k = quotedField(bytes, k, f, starts, ends, justification ? text : null, state);
        if (k < 0) return -1;
        textAt = state[S_TEXT_AT]!;
      }
    } else {
      starts[f] = k;
      while (k < n && STOPS[bytes[k]!] === 0) k++;
      ends[f] = k;
      if (copying && (f === F_ENTRY_JUSTIFICATION || f === F_EXIT_JUSTIFICATION)) {
        const begin = textAt;
        textAt += buffer.copy(text, textAt, starts[f], k);
        starts[f] = begin;
        ends[f] = textAt;
      }
    }
    f++;
    if (bytes[k] === COMMA) {
      k++;
      continue;
    }
    if (bytes[k] === CR) k++;
    if (k < n && bytes[k] !== LF) return fail(state, f - 1, TEXT_AFTER_QUOTE);
    state[S_TEXT_AT] = textAt;
    state[S_FIELD] = f;
    return k;
  }
}

/**
 * The quoted field opening at k: its content's bounds into starts/ends,
 * or, given `text`, its content unescaped into text from state[S_TEXT_AT]
 * on, with the bounds there. Returns the index after the closing quote, or
 * -1 (state says why).
 */
function quotedField(bytes: Uint8Array, k: number, f: number, starts: Int32Array, ends: Int32Array, text: Uint8Array | null, state: Int32Array): number {
  const n = bytes.length;
  let textAt = state[S_TEXT_AT]!;
  const begin = textAt;
  k++;
  starts[f] = k;
  for (;;) {
    if (text !== null) {
      let b = 0;
      while (k < n && (b = bytes[k]!) !== QUOTE) {
        text[textAt++] = b;
        k++;
      }
    } else {
      while (k < n && bytes[k] !== QUOTE) k++;
    }
    if (k >= n) return fail(state, f, UNTERMINATED);
    if (bytes[k + 1] !== QUOTE) break;
    if (text !== null) text[textAt++] = QUOTE;
    k += 2;
  }
  ends[f] = k;
  if (text !== null) {
    starts[f] = begin;
    ends[f] = textAt;
    state[S_TEXT_AT] = textAt;
  }
  return k + 1;
}

function fail(state: Int32Array, field: number, problem: number): number {
  state[S_FIELD] = field;
  state[S_PROBLEM] = problem;
  return -1;
}

/** The bytes that end an unquoted field. */
const STOPS = new Uint8Array(256);
STOPS[COMMA] = 1;
STOPS[LF] = 1;
STOPS[CR] = 1;

const encoder = new TextEncoder();
/** long, short: in the order of LONG and SHORT. */
const SIDE_WORDS = ['long', 'short'].map((w) => encoder.encode(w));
const REASON_WORDS = EXIT_REASONS.map((w) => encoder.encode(w));

/** Which of `words` bytes[start, end) spells, or -1. */
function matchWord(bytes: Uint8Array, start: number, end: number, words: readonly Uint8Array[]): number {
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    if (word.length !== end - start) continue;
    let k = 0;
    while (k < word.length && word[k] === bytes[start + k]) k++;
    if (k === word.length) return w;
  }
  return -1;
}

/** Whether `key` holds bytes[start, end). */
function sameBytes(key: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let k = key.length - 1; k >= 0; k--) if (key[k] !== bytes[start + k]) return false;
  return true;
}

/** The non-negative integer bytes[start, end) spells (at most 9 digits), or -1. */
function digits(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 9) return -1;
  let value = 0;
  for (let k = start; k < end; k++) {
    const d = bytes[k]! - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
