import { Buffer } from 'node:buffer';
import { MAX_NUMBER_BYTES, fixedInto, reprInto, uintInto } from '../format/python-bytes.js';
import { pyFixedSlow, pyReprFallback, pySignedFixedSlow } from '../format/python.js';

const MINUS = 45;

/**
 * Text encoded once and written many times: its UTF-8 bytes packed
 * little-endian into 32-bit words from index 1 on, the byte count at index 0
 * (see `chunk`). The sink copies it a word at a time.
 */
export type Chunk = Uint32Array;

/** `text` as a Chunk. */
export function chunk(text: string): Chunk {
  const bytes = Buffer.from(text, 'utf8');
  const words = new Uint32Array(1 + Math.ceil(bytes.length / 4));
  words[0] = bytes.length;
  const view = new DataView(words.buffer);
  bytes.forEach((b, k) => view.setUint8(4 + k, b));
  // the words are little-endian whatever the platform, as the sink writes them
  for (let k = 1; k < words.length; k++) words[k] = view.getUint32(4 * k, true);
  return words;
}

/** Bytes of room a chunk may overshoot by: its last word is written whole. */
const CHUNK_SLACK = 4;

/**
 * A growable byte buffer that CSV lines are written into piece by piece:
 * numbers as digits straight into the bytes, constant text as chunks encoded
 * once, and nothing in between as a string. Building each line as a string
 * and encoding it cost more in string concatenation, flattening and garbage
 * collection than the digits themselves.
 *
 * Every writer makes room for what it writes itself.
 */
export class ByteSink {
  private bytes: Buffer = Buffer.allocUnsafeSlow(1 << 16);
  private view: DataView = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  private length = 0;

  /** Any text, as UTF-8. */
  append(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.room(text.length * 3);
    this.length += this.bytes.write(text, this.length, 'utf8');
  }

  /** Text known to be ASCII (every char code below 128), e.g. a number's digits. */
  ascii(text: string): void {
    const n = text.length;
    this.room(n);
    const bytes = this.bytes;
    let at = this.length;
    for (let k = 0; k < n; k++) bytes[at++] = text.charCodeAt(k);
    this.length = at;
  }

  /**
   * A chunk, four bytes per store (a byte loop takes about twice as long). Its last
   * word may write up to three bytes past the chunk: room is made for them,
   * and whatever comes next overwrites them.
   */
  chunk(c: Chunk): void {
    this.room(c[0]! + CHUNK_SLACK);
    const view = this.view;
    const at = this.length;
    for (let k = 1, o = at; k < c.length; k++, o += 4) view.setUint32(o, c[k]!, true);
    this.length = at + c[0]!;
  }

  /** `count` bytes packed as in a chunk, from `words[start]` on (e.g. one of many fixed-size records). */
  words(words: Uint32Array, start: number, count: number): void {
    this.room(count + CHUNK_SLACK);
    const view = this.view;
    const at = this.length;
    for (let k = start, o = at, end = start + Math.ceil(count / 4); k < end; k++, o += 4) view.setUint32(o, words[k]!, true);
    this.length = at + count;
  }

  /** One byte (a char code below 128, or any byte of encoded text). */
  byte(code: number): void {
    this.room(1);
    this.bytes[this.length++] = code;
  }

  /** Two bytes, e.g. ',' after a quote or CRLF. */
  bytes2(first: number, second: number): void {
    this.room(2);
    const bytes = this.bytes;
    bytes[this.length] = first;
    bytes[this.length + 1] = second;
    this.length += 2;
  }

  /** A number as JavaScript's `String(value)` writes it, i.e. what a template literal prints. */
  jsNumber(value: number): void {
    if (Number.isSafeInteger(value)) {
      this.room(MAX_NUMBER_BYTES);
      let at = this.length;
      if (value < 0) this.bytes[at++] = MINUS;
      this.length = uintInto(value < 0 ? -value : value, this.bytes, at);
    } else {
      this.ascii(String(value));
    }
  }

  /** Python's `repr(float)`, as pyRepr. */
  pyRepr(x: number): void {
    this.room(MAX_NUMBER_BYTES);
    const end = reprInto(x, this.bytes, this.length);
    if (end >= 0) this.length = end;
    else this.ascii(pyReprFallback(x));
  }

  /**
   * A double as PostgreSQL's float8 input reads it back exactly: the
   * shortest round-trip digits (repr's), and NaN and the infinities in
   * PostgreSQL's spelling.
   */
  float8(x: number): void {
    if (x !== x) this.ascii('NaN');
    else if (x === Infinity) this.ascii('Infinity');
    else if (x === -Infinity) this.ascii('-Infinity');
    else this.pyRepr(x);
  }

  /** Python's `format(x, '.{digits}f')`, as pyFixed. */
  pyFixed(x: number, digits: number): void {
    this.room(MAX_NUMBER_BYTES);
    const end = fixedInto(x, digits, false, this.bytes, this.length);
    if (end >= 0) this.length = end;
    else this.ascii(pyFixedSlow(x, digits));
  }

  /** Python's `format(x, '+.{digits}f')`, as pySignedFixed. */
  pySignedFixed(x: number, digits: number): void {
    this.room(MAX_NUMBER_BYTES);
    const end = fixedInto(x, digits, true, this.bytes, this.length);
    if (end >= 0) this.length = end;
    else this.ascii(pySignedFixedSlow(x, digits));
  }

  get size(): number {
    return this.length;
  }

  /**
   * The bytes so far in a buffer of their own (safe to transfer); the sink
   * starts over. A buffer at least half full is handed over whole (its
   * ArrayBuffer goes along when transferred) and replaced by a new one of the
   * same size: no copy, and at most twice the bytes in flight. A less full
   * one is copied.
   */
  take(): Uint8Array {
    const length = this.length;
    this.length = 0;
    if (length * 2 < this.bytes.length) {
      const out = new Uint8Array(length);
      out.set(this.bytes.subarray(0, length));
      return out;
    }
    const out = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, length);
    this.replace(Buffer.allocUnsafeSlow(this.bytes.length));
    return out;
  }

  /** The bytes so far as text; the sink starts over. */
  takeText(): string {
    const text = this.bytes.toString('utf8', 0, this.length);
    this.length = 0;
    return text;
  }

  private room(count: number): void {
    if (this.length + count > this.bytes.length) this.grow(this.length + count);
  }

  private grow(needed: number): void {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.bytes.copy(grown, 0, 0, this.length);
    this.replace(grown);
  }

  private replace(bytes: Buffer): void {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
}

