import { Buffer } from 'node:buffer';
import { POW10, isNegative, pyFixedSlow, pyRepr, roundScaled, shortDecimal } from '../format/python.js';
import { isoDay, isoDayInto, isoSeconds, isoSecondsInto } from '../format/time.js';

/** Char codes. */
const MINUS = 45;
const DOT = 46;
const ZERO = 48;

/** The most bytes any fast-path number writer below adds: sign, 16 digits, '.', 22 digits. */
const NUMBER_ROOM = 48;

/**
 * A growable byte buffer that CSV lines are written into piece by piece:
 * numbers as digits straight into the bytes, constant text as bytes encoded
 * once, and nothing in between as a string. Building each line as a string
 * and encoding it cost more in string concatenation, flattening and garbage
 * collection than the digits themselves.
 *
 * Every writer makes room for what it writes itself.
 */
export class ByteSink {
  private bytes = Buffer.allocUnsafeSlow(1 << 16);
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

  /** Bytes encoded beforehand (see `utf8`). */
  raw(source: Uint8Array): void {
    this.rawRange(source, 0, source.length);
  }

  /** `count` bytes of `source` from `start`. */
  rawRange(source: Uint8Array, start: number, count: number): void {
    this.room(count);
    const bytes = this.bytes;
    let at = this.length;
    // short copies (most are under 40 bytes) are quicker by hand than through set()
    if (count > 64) {
      bytes.set(source.subarray(start, start + count), at);
      at += count;
    } else {
      for (let k = start, end = start + count; k < end; k++) bytes[at++] = source[k]!;
    }
    this.length = at;
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
      this.room(NUMBER_ROOM);
      if (value < 0) this.bytes[this.length++] = MINUS;
      this.digits(value < 0 ? -value : value);
    } else {
      this.ascii(String(value));
    }
  }

  /** Python's `repr(float)`, as pyRepr. */
  pyRepr(x: number): void {
    const magnitude = x < 0 ? -x : x;
    if (magnitude >= 1e-4) {
      // shortDecimal is -1 for magnitudes of 1e11 and above, nan and inf included
      const n = shortDecimal(magnitude);
      if (n >= 0) {
        this.room(NUMBER_ROOM);
        const bytes = this.bytes;
        if (x < 0) bytes[this.length++] = MINUS;
        const whole = Math.floor(n / 1e4);
        this.digits(whole);
        let fraction = n - whole * 1e4;
        let at = this.length;
        bytes[at++] = DOT;
        if (fraction === 0) {
          bytes[at++] = ZERO;
        } else {
          // the four fraction digits without trailing zeros
          let width = 4;
          while (fraction % 10 === 0) {
            fraction /= 10;
            width--;
          }
          at += width;
          for (let k = at - 1; k >= at - width; k--) {
            const q = Math.floor(fraction / 10);
            bytes[k] = ZERO + fraction - q * 10;
            fraction = q;
          }
        }
        this.length = at;
        return;
      }
    }
    if (x === 0) {
      if (1 / x < 0) this.ascii('-0.0');
      else this.ascii('0.0');
      return;
    }
    this.ascii(pyRepr(x));
  }

  /** Python's `format(x, '.{digits}f')`, as pyFixed. */
  pyFixed(x: number, digits: number): void {
    const negative = isNegative(x);
    const n = digits >= 0 && digits <= 22 ? roundScaled(negative ? -x : x, digits) : -1;
    if (n < 0) {
      this.ascii(pyFixedSlow(x, digits));
      return;
    }
    this.room(NUMBER_ROOM);
    if (negative) this.bytes[this.length++] = MINUS;
    this.fixedDigits(n, digits);
  }

  /** Python's `format(x, '+.{digits}f')`, as pySignedFixed. */
  pySignedFixed(x: number, digits: number): void {
    const negative = isNegative(x);
    const n = digits >= 0 && digits <= 22 ? roundScaled(negative ? -x : x, digits) : -1;
    if (n < 0) {
      const text = pyFixedSlow(x, digits);
      if (text.charCodeAt(0) !== MINUS) this.byte(43 /* '+' */);
      this.ascii(text);
      return;
    }
    this.room(NUMBER_ROOM);
    this.bytes[this.length++] = negative ? MINUS : 43;
    this.fixedDigits(n, digits);
  }

  /** ISO-8601 UTC without milliseconds, as isoSeconds. */
  isoSeconds(epochMs: number): void {
    this.room(20);
    if (isoSecondsInto(epochMs, this.bytes, this.length)) this.length += 20;
    else this.ascii(isoSeconds(epochMs));
  }

  /** `YYYY-MM-DD` of a day number, as isoDay. */
  isoDay(days: number): void {
    this.room(10);
    if (isoDayInto(days, this.bytes, this.length)) this.length += 10;
    else this.ascii(isoDay(days));
  }

  get size(): number {
    return this.length;
  }

  /** The bytes so far in a buffer of their own (safe to transfer); the sink starts over. */
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.bytes.subarray(0, this.length));
    this.length = 0;
    return out;
  }

  /** The bytes so far as text; the sink starts over. */
  takeText(): string {
    const text = this.bytes.toString('utf8', 0, this.length);
    this.length = 0;
    return text;
  }

  /** n / 10^digits with exactly `digits` fraction digits (n < 2^52, digits <= 22); room already made. */
  private fixedDigits(n: number, digits: number): void {
    const scale = POW10[digits]!;
    // exact: n / scale is at least 1/scale away from the next integer, more than its rounding error
    const whole = Math.floor(n / scale);
    this.digits(whole);
    if (digits === 0) return;
    let fraction = n - whole * scale;
    const bytes = this.bytes;
    const dot = this.length;
    bytes[dot] = DOT;
    for (let k = dot + digits; k > dot; k--) {
      const q = Math.floor(fraction / 10);
      bytes[k] = ZERO + fraction - q * 10;
      fraction = q;
    }
    this.length = dot + digits + 1;
  }

  /** A non-negative integer up to 2^53 in decimal; room already made. */
  private digits(n: number): void {
    let width = 1;
    while (width < 16 && n >= POW10[width]!) width++;
    const bytes = this.bytes;
    const end = this.length + width;
    let rest = n;
    for (let k = end - 1; k >= this.length; k--) {
      const q = Math.floor(rest / 10);
      bytes[k] = ZERO + rest - q * 10;
      rest = q;
    }
    this.length = end;
  }

  private room(count: number): void {
    if (this.length + count > this.bytes.length) this.grow(this.length + count);
  }

  private grow(needed: number): void {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }
}

/** Text as UTF-8 bytes, to write with `ByteSink#raw` many times over. */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
