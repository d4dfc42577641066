/**
 * The binary layouts index.html carries its trades and bars in, written by
 * the report builder (Node) and read by the page (browser): plain typed
 * arrays, no Node or DOM API, so both sides and the tests share one
 * definition. Each chunk is gzipped and base64'd by the builder; these
 * functions see the raw bytes.
 *
 * Every layout puts its 8-byte columns first, then 4-byte, 2-byte and
 * 1-byte ones, so each column is aligned in the chunk and decodes as a view
 * without copying.
 */
import type { Bars as SeriesBars } from '../../series/bars.js';

/** Trades of one combination. */
export interface ComboTrades {
  readonly count: number;
  readonly pnl: Float64Array;
  readonly entryPrice: Float64Array;
  readonly exitPrice: Float64Array;
  readonly entryTime: Float64Array;
  readonly exitTime: Float64Array;
  /** The bar the trade entered / exited on: the last bar at or before its time (-1 when none). */
  readonly entryBar: Int32Array;
  readonly exitBar: Int32Array;
  readonly barsHeld: Int32Array;
  /** The combination's trades by exit time, then entry time (local indices): the equity curve's order. */
  readonly exitOrder: Int32Array;
  /** LONG 0 / SHORT 1. */
  readonly side: Uint8Array;
  /** Index into EXIT_REASONS. */
  readonly exitReason: Uint8Array;
}

/** What the trade chunk's flags say. */
const TIMES_STORED = 1;
const HEADER = 8;

/** The index of the last time <= t in ascending `times`, -1 when t is before all of them. */
export function barAtOrBefore(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Byte planes: the first byte of every value, then the second, ... Similar
 * numbers share their high bytes (a price's sign and exponent, a small
 * integer's zeros), which then sit together as runs gzip packs to nothing.
 */
export function shuffle(bytes: Uint8Array, width: number): Uint8Array {
  const n = bytes.length / width;
  const out = new Uint8Array(bytes.length);
  for (let j = 0; j < width; j++) for (let i = 0; i < n; i++) out[j * n + i] = bytes[i * width + j]!;
  return out;
}

export function unshuffle(bytes: Uint8Array, width: number): Uint8Array {
  const n = bytes.length / width;
  const out = new Uint8Array(bytes.length);
  for (let j = 0; j < width; j++) for (let i = 0; i < n; i++) out[i * width + j] = bytes[j * n + i]!;
  return out;
}

const asBytes = (a: Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * One combination's trades as bytes. Times become bar indices when every
 * entry and exit time is a bar of the series (the usual case); otherwise
 * the times are stored too, and the bar indices still point the markers at
 * the bar at or before them. Integers are stored as differences that are
 * mostly small or zero (entry bar from the previous one, exit bar from the
 * entry, bars held from their distance, the exit order from the entry
 * order), and every column as byte planes.
 */
export function encodeTrades(trades: Omit<ComboTrades, 'entryBar' | 'exitBar'>, bars: BarPrices): Uint8Array {
  const barTimes = bars.time;
  const n = trades.count;
  const entryBar = new Int32Array(n);
  const exitBar = new Int32Array(n);
  let onBars = true;
  for (let i = 0; i < n; i++) {
    const e = barAtOrBefore(barTimes, trades.entryTime[i]!);
    const x = barAtOrBefore(barTimes, trades.exitTime[i]!);
    entryBar[i] = e;
    exitBar[i] = x;
    if (e < 0 || x < 0 || barTimes[e] !== trades.entryTime[i] || barTimes[x] !== trades.exitTime[i]) onBars = false;
  }
  const ints = new Int32Array(4 * n);
  for (let i = 0; i < n; i++) {
    ints[i] = entryBar[i]! - (i > 0 ? entryBar[i - 1]! : 0);
    ints[n + i] = exitBar[i]! - entryBar[i]!;
    ints[2 * n + i] = trades.barsHeld[i]! - (exitBar[i]! - entryBar[i]!);
    ints[3 * n + i] = trades.exitOrder[i]! - i;
  }
  const floats = new Float64Array((onBars ? 3 : 5) * n);
  const guesses = new Float64Array(3 * n);
  floats.set(trades.pnl, 0);
  floats.set(trades.entryPrice, n);
  floats.set(trades.exitPrice, 2 * n);
  guess(guesses, trades.entryPrice, trades.exitPrice, trades.side, entryBar, exitBar, bars);
  xorInto(floats, guesses, 3 * n);
  if (!onBars) {
    floats.set(trades.entryTime, 3 * n);
    floats.set(trades.exitTime, 4 * n);
  }
  const codes = new Uint8Array(n);
  for (let i = 0; i < n; i++) codes[i] = (trades.side[i]! & 1) | (trades.exitReason[i]! << 1);
  const bytes = new Uint8Array(HEADER + floats.byteLength + ints.byteLength + n);
  const head = new Uint32Array(bytes.buffer, 0, 2);
  head[0] = n;
  head[1] = onBars ? 0 : TIMES_STORED;
  bytes.set(shuffle(asBytes(floats), 8), HEADER);
  bytes.set(shuffle(asBytes(ints), 4), HEADER + floats.byteLength);
  bytes.set(codes, HEADER + floats.byteLength + ints.byteLength);
  return bytes;
}

/** The inverse of encodeTrades, given the same bar times. */
export function decodeTrades(bytes: Uint8Array, bars: BarPrices): ComboTrades {
  const barTimes = bars.time;
  const head = new Uint32Array(bytes.slice(0, HEADER).buffer);
  const n = head[0]!;
  const timesStored = (head[1]! & TIMES_STORED) !== 0;
  const floatBytes = (timesStored ? 5 : 3) * 8 * n;
  const floats = new Float64Array(unshuffle(bytes.subarray(HEADER, HEADER + floatBytes), 8).buffer);
  const ints = new Int32Array(unshuffle(bytes.subarray(HEADER + floatBytes, HEADER + floatBytes + 16 * n), 4).buffer);
  const codes = bytes.subarray(HEADER + floatBytes + 16 * n, HEADER + floatBytes + 17 * n);
  const entryBar = new Int32Array(n);
  const exitBar = new Int32Array(n);
  const barsHeld = new Int32Array(n);
  const exitOrder = new Int32Array(n);
  const side = new Uint8Array(n);
  const exitReason = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    entryBar[i] = ints[i]! + (i > 0 ? entryBar[i - 1]! : 0);
    exitBar[i] = entryBar[i]! + ints[n + i]!;
    barsHeld[i] = ints[2 * n + i]! + exitBar[i]! - entryBar[i]!;
    exitOrder[i] = ints[3 * n + i]! + i;
    side[i] = codes[i]! & 1;
    exitReason[i] = codes[i]! >> 1;
  }
  // the prices first: the pnl's guess is computed from them
  const guesses = new Float64Array(3 * n);
  guess(guesses, null, null, side, entryBar, exitBar, bars);
  xorInto(floats.subarray(n, 3 * n), guesses.subarray(n), 2 * n);
  guess(guesses, floats.subarray(n, 2 * n), floats.subarray(2 * n, 3 * n), side, entryBar, exitBar, bars);
  xorInto(floats, guesses, n);
  let entryTime: Float64Array;
  let exitTime: Float64Array;
  if (timesStored) {
    entryTime = floats.subarray(3 * n, 4 * n);
    exitTime = floats.subarray(4 * n, 5 * n);
  } else {
    entryTime = new Float64Array(n);
    exitTime = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      entryTime[i] = barTimes[entryBar[i]!]!;
      exitTime[i] = barTimes[exitBar[i]!]!;
    }
  }
  return { count: n, pnl: floats.subarray(0, n), entryPrice: floats.subarray(n, 2 * n), exitPrice: floats.subarray(2 * n, 3 * n), entryTime, exitTime, entryBar, exitBar, barsHeld, exitOrder, side, exitReason };
}

/** What the trade prices are guessed from: the bars, exactly. */
export interface BarPrices {
  readonly time: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

/**
 * What a trade's pnl and prices usually are, so that only the difference
 * is stored (the XOR of their bits: zero when the guess is right, so
 * exact either way): the engine enters at the entry bar's open, exits at
 * the exit bar's close unless a stop or target fired, and its pnl is the
 * price move over the entry price (runtime/engine/engine.ts). Without
 * prices (decoding, first pass) only the price guesses are filled.
 */
function guess(
  out: Float64Array,
  entryPrice: ArrayLike<number> | null,
  exitPrice: ArrayLike<number> | null,
  side: ArrayLike<number>,
  entryBar: Int32Array,
  exitBar: Int32Array,
  bars: BarPrices,
): void {
  const n = entryBar.length;
  for (let i = 0; i < n; i++) {
    const e = entryBar[i]!;
    const x = exitBar[i]!;
    out[n + i] = e >= 0 && e < bars.open.length ? bars.open[e]! : 0;
    out[2 * n + i] = x >= 0 && x < bars.close.length ? bars.close[x]! : 0;
    if (entryPrice !== null && exitPrice !== null) {
      const entry = entryPrice[i]!;
      const exit = exitPrice[i]!;
      out[i] = side[i] === 0 ? (exit - entry) / entry : (entry - exit) / entry;
    }
  }
}

/** target[k] ^= bits of mask[k], for the first `count` doubles. */
function xorInto(target: Float64Array, mask: Float64Array, count: number): void {
  const t = new Uint32Array(target.buffer, target.byteOffset, 2 * count);
  const m = new Uint32Array(mask.buffer, mask.byteOffset, 2 * count);
  for (let k = 0; k < 2 * count; k++) t[k] = t[k]! ^ m[k]!;
}

let scratch = new Uint8Array(0);

/** The byte standing for a number in a text's skeleton. */
export const NUMBER = 0;
/** Ends each number in the numbers' stream. */
const END = 0x20;
const OTHER = 0;
const DIGIT = 1;
/** Letters, '_' and '.': a digit after one of them (or a digit) is part of a name (ema_20, EMA50), not a number. */
const WORD = 2;
const BYTE_KIND = new Uint8Array(256);
for (let b = 0x30; b <= 0x39; b++) BYTE_KIND[b] = DIGIT;
for (let b = 0x41; b <= 0x5a; b++) BYTE_KIND[b] = BYTE_KIND[b + 0x20] = WORD;
BYTE_KIND[0x5f] = BYTE_KIND[0x2e] = WORD;

/**
 * One combination's justification strings. They are templates filled with
 * numbers; gzip spends most of its bytes on the short matches between the
 * numbers. Split into skeletons (each number replaced by one NUMBER byte:
 * a combination's skeletons repeat whole) and the numbers' digits in a
 * stream of their own, each kind packs far better. The entries come
 * first, then the exits, so like follows like.
 *
 * The strings are text[starts[k], ends[k]): entry 0, exit 0, entry 1,
 * exit 1, ... A combination whose text holds a NUMBER byte itself is
 * stored as it is (flag 1).
 */
export function encodeTexts(
  text: Uint8Array,
  starts: Uint32Array,
  ends: Uint32Array,
  /** Whether `text` (all of it) holds a NUMBER byte; found here when not given (a caller of many combinations asks once). */
  holdsNumberByte?: boolean,
): Uint8Array {
  const count = starts.length;
  const half = count >>> 1;
  let total = 0;
  for (let k = 0; k < count; k++) total += ends[k]! - starts[k]!;
  let plain = false;
  if (holdsNumberByte ?? text.includes(NUMBER)) {
    for (let k = 0; k < count && !plain; k++) if (text.subarray(starts[k], ends[k]).includes(NUMBER)) plain = true;
  }
  const lengths = new Uint32Array(count);
  // scratch space kept between calls: a report encodes a thousand of these, and fresh buffers cost more in collection than in use
  if (scratch.length < 3 * total) scratch = new Uint8Array(3 * total + 65536);
  const skeleton = scratch.subarray(0, total);
  const numbers = scratch.subarray(total);
  let at = 0;
  let nat = 0;
  for (let q = 0; q < count; q++) {
    // entries first, then exits
    const k = q < half ? 2 * q : 2 * (q - half) + 1;
    const from = starts[k]!;
    const to = ends[k]!;
    const start = at;
    if (plain) {
      skeleton.set(text.subarray(from, to), at);
      at += to - from;
    } else {
      // the class of the previous byte: a digit after a word byte belongs to a name
      let afterWord = false;
      let i = from;
      while (i < to) {
        const b = text[i]!;
        const kind = BYTE_KIND[b]!;
        if (kind === DIGIT && !afterWord) {
          let j = i + 1;
          while (j < to && BYTE_KIND[text[j]!] === DIGIT) j++;
          if (j + 1 < to && text[j] === 0x2e && BYTE_KIND[text[j + 1]!] === DIGIT) {
            j += 2;
            while (j < to && BYTE_KIND[text[j]!] === DIGIT) j++;
          }
          while (i < j) numbers[nat++] = text[i++]!;
          numbers[nat++] = END;
          skeleton[at++] = NUMBER;
          afterWord = true;
        } else {
          skeleton[at++] = b;
          afterWord = kind !== OTHER;
          i++;
        }
      }
    }
    lengths[q] = at - start;
  }
  const bytes = new Uint8Array(12 + 4 * count + at + nat);
  const head = new Uint32Array(bytes.buffer, 0, 3);
  head[0] = count;
  head[1] = plain ? 1 : 0;
  head[2] = at;
  bytes.set(shuffle(asBytes(lengths), 4), 12);
  bytes.set(skeleton.subarray(0, at), 12 + 4 * count);
  bytes.set(numbers.subarray(0, nat), 12 + 4 * count + at);
  return bytes;
}

/** The strings of encodeTexts, in their original order (entry 0, exit 0, entry 1, ...). */
export function decodeTexts(bytes: Uint8Array): string[] {
  const head = new Uint32Array(bytes.slice(0, 12).buffer);
  const count = head[0]!;
  const plain = head[1] === 1;
  const skeletonLength = head[2]!;
  const lengths = new Uint32Array(unshuffle(bytes.subarray(12, 12 + 4 * count), 4).buffer);
  const skeleton = bytes.subarray(12 + 4 * count, 12 + 4 * count + skeletonLength);
  const numbers = bytes.subarray(12 + 4 * count + skeletonLength);
  const decoder = new TextDecoder();
  const half = count >>> 1;
  const out = new Array<string>(count);
  let at = 0;
  let nat = 0;
  let buffer = new Uint8Array(256);
  for (let k = 0; k < count; k++) {
    const piece = skeleton.subarray(at, at + lengths[k]!);
    at += lengths[k]!;
    let text: string;
    if (plain) text = decoder.decode(piece);
    else {
      let o = 0;
      for (let i = 0; i < piece.length; i++) {
        if (o + 64 > buffer.length) {
          const bigger = new Uint8Array(2 * buffer.length + piece.length);
          bigger.set(buffer.subarray(0, o));
          buffer = bigger;
        }
        const b = piece[i]!;
        if (b !== NUMBER) buffer[o++] = b;
        else {
          while (numbers[nat] !== END) {
            if (o + 1 >= buffer.length) {
              const bigger = new Uint8Array(2 * buffer.length);
              bigger.set(buffer.subarray(0, o));
              buffer = bigger;
            }
            buffer[o++] = numbers[nat++]!;
          }
          nat++;
        }
      }
      text = decoder.decode(buffer.subarray(0, o));
    }
    // entries were stored first, then exits
    out[k < half ? 2 * k : 2 * (k - half) + 1] = text;
  }
  return out;
}

/** Bars of one (symbol, timeframe), exact: trade prices are guessed from them. */
export interface Bars extends Omit<SeriesBars, 'length'> {
  readonly count: number;
}

export function encodeBars(bars: Omit<SeriesBars, 'length'>): Uint8Array {
  const n = bars.time.length;
  const columns = new Float64Array(6 * n);
  [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume].forEach((column, k) => columns.set(column, k * n));
  const bytes = new Uint8Array(HEADER + columns.byteLength);
  new Uint32Array(bytes.buffer, 0, 1)[0] = n;
  bytes.set(shuffle(asBytes(columns), 8), HEADER);
  return bytes;
}

export function decodeBars(bytes: Uint8Array): Bars {
  const n = new Uint32Array(bytes.slice(0, 4).buffer)[0]!;
  const columns = new Float64Array(unshuffle(bytes.subarray(HEADER, HEADER + 48 * n), 8).buffer);
  const column = (k: number): Float64Array => columns.subarray(k * n, (k + 1) * n);
  return { count: n, time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
}

/** An indicator column quantised to 16 bits between its finite min and max; NaN (and infinities) as MISSING. */
export interface QuantisedColumn {
  readonly min: number;
  readonly max: number;
  readonly bytes: Uint8Array;
}

const MISSING = 0xffff;
const STEPS = 0xfffe;

/**
 * Overlays are for the eye: 1/65534 of the column's range is far below a
 * pixel. The codes are stored as differences from the previous one (mod
 * 2^16), which turns a smooth indicator into small numbers gzip packs well.
 */
export function quantiseColumn(values: ArrayLike<number>): QuantisedColumn {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) min = max = 0;
  const scale = max > min ? STEPS / (max - min) : 0;
  const codes = new Uint16Array(values.length);
  let previous = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const code = Number.isFinite(v) ? Math.round((v - min) * scale) : MISSING;
    codes[i] = (code - previous) & 0xffff;
    previous = code;
  }
  return { min, max, bytes: shuffle(new Uint8Array(codes.buffer), 2) };
}

export function dequantiseColumn(bytes: Uint8Array, min: number, max: number): Float32Array {
  const deltas = new Uint16Array(unshuffle(bytes, 2).buffer);
  const out = new Float32Array(deltas.length);
  const step = (max - min) / STEPS;
  let code = 0;
  for (let i = 0; i < deltas.length; i++) {
    code = (code + deltas[i]!) & 0xffff;
    out[i] = code === MISSING ? NaN : min + code * step;
  }
  return out;
}
