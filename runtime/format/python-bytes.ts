/**
 * pyRepr and pyFixed written as ASCII bytes into a caller's buffer, without
 * a string in between: output writes a dozen numbers per trade line, and
 * String(x) (a call into the runtime, a string, its copy into the output)
 * was the largest single cost of it. Each function returns the position
 * after what it wrote, or -1 when the number is left to the string functions
 * of ./python.ts (nan, infinities, huge and tiny numbers, and the cases
 * named below); bytes written before a -1 are to be ignored. The caller
 * makes room for MAX_NUMBER_BYTES.
 */
import { POW10, isNegative, productError, roundScaled, shortDecimal } from './exact.js';

/** The most bytes reprInto and fixedInto write: a sign, 16 integer digits, '.', 22 fraction digits. */
export const MAX_NUMBER_BYTES = 40;

const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;

/** The bits of a double, read through a Float64Array and a Uint32Array over the same 8 bytes. */
const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);
/** Which of the two words holds sign, exponent and the top of the mantissa (index 1 on little-endian machines). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/** log10(2), for the decimal exponent from the binary one. */
const LOG10_2 = 0.30102999566398119;
/** 2^53: from here on every double is an integer. */
const TWO_53 = 9_007_199_254_740_992;
const E9 = 1e9;

/** 2^(e - 1076), half an ulp of a double with biased exponent e, for e in 0..2047 (a table: no bit fiddling per call). */
const HALF_ULP = new Float64Array(2048);
{
  let v = 1;
  for (let e = 1076; e < 2048; e++, v *= 2) HALF_ULP[e] = v;
  v = 1;
  for (let e = 1076; e >= 0; e--, v /= 2) HALF_ULP[e] = v;
}

/** PAIRS[2v] and PAIRS[2v + 1]: the two digits of 0 <= v < 100, as char codes. */
const PAIRS = new Uint8Array(200);
for (let v = 0; v < 100; v++) {
  PAIRS[2 * v] = ZERO + Math.floor(v / 10);
  PAIRS[2 * v + 1] = ZERO + (v % 10);
}

/** Writes 0 <= v < 10^4 (an integer) as four digits at out[at..at + 3]. */
function fourDigits(v: number, out: Uint8Array, at: number): void {
  const q = (v / 100) | 0;
  const high = q << 1;
  const low = (v - q * 100) << 1;
  out[at] = PAIRS[high]!;
  out[at + 1] = PAIRS[high + 1]!;
  out[at + 2] = PAIRS[low]!;
  out[at + 3] = PAIRS[low + 1]!;
}

/**
 * Writes 0 <= v < 10^width (an integer, width <= 9) as exactly `width`
 * digits, leading zeros included, at out[at]; returns the end. Four digits
 * at a time in int32 arithmetic, which V8 divides by a constant with a
 * multiplication.
 */
function smallPadded(v: number, width: number, out: Uint8Array, at: number): number {
  let rest = v | 0;
  let end = at + width;
  const stop = end;
  while (end - at >= 4) {
    const q = (rest / 10_000) | 0;
    fourDigits(rest - q * 10_000, out, end - 4);
    rest = q;
    end -= 4;
  }
  if (end - at >= 2) {
    const q = (rest / 100) | 0;
    const pair = (rest - q * 100) << 1;
    out[end - 2] = PAIRS[pair]!;
    out[end - 1] = PAIRS[pair + 1]!;
    rest = q;
    end -= 2;
  }
  if (end > at) out[at] = ZERO + rest;
  return stop;
}

/**
 * The fraction digits of repr: 0 <= v < 10^width (width <= 9) as `width`
 * digits with leading zeros and without trailing zeros, or '0' for 0.
 */
function fractionInto(v: number, width: number, out: Uint8Array, at: number): number {
  if (v === 0) {
    out[at] = ZERO;
    return at + 1;
  }
  let rest = v | 0;
  let digits = width;
  for (let q = (rest / 10) | 0; rest === q * 10; q = (rest / 10) | 0) {
    rest = q;
    digits--;
  }
  return smallPadded(rest, digits, out, at);
}

/** What moves from L into H (-1, 0 or 1) to bring L, at most one 10^9 off, back into 0 .. 10^9 - 1. */
function carryOf(low: number): number {
  return low < 0 ? -1 : low >= E9 ? 1 : 0;
}

/** The number of decimal digits of an integer 0 <= n < 10^16. */
function digitCount(n: number): number {
  let width = 1;
  while (width < 16 && n >= POW10[width]!) width++;
  return width;
}

/** Writes a non-negative integer below 2^53 at out[at]; returns the end. */
export function uintInto(n: number, out: Uint8Array, at: number): number {
  if (n < 10) {
    out[at] = ZERO + n;
    return at + 1;
  }
  const width = digitCount(n);
  if (width <= 9) return smallPadded(n, width, out, at);
  // the top digits, then the last nine
  const top = Math.floor(n / 1e9);
  smallPadded(top, width - 9, out, at);
  return smallPadded(n - top * 1e9, 9, out, at + width - 9);
}

/** Writes 0 <= n < 10^width (an integer, width <= 22) with exactly `width` digits (leading zeros) at out[at]; returns the end. */
function paddedInto(n: number, width: number, out: Uint8Array, at: number): number {
  if (width <= 9) return smallPadded(n, width, out, at);
  const end = at + width;
  let rest = n;
  for (let k = end - 1; k >= at; k--) {
    const q = Math.floor(rest / 10);
    out[k] = ZERO + rest - q * 10;
    rest = q;
  }
  return end;
}

/**
 * Python's `format(x, '.{digits}f')` (with `signed`, '+.{digits}f'), as
 * pyFixed and pySignedFixed, where roundScaled has the answer (|x| * 10^digits
 * < 2^52, digits in 0..22); -1 elsewhere.
 */
export function fixedInto(x: number, digits: number, signed: boolean, out: Uint8Array, at: number): number {
  if (!(digits >= 0 && digits <= 22)) return -1;
  const negative = isNegative(x);
  const n = roundScaled(negative ? -x : x, digits);
  if (n < 0) return -1;
  let k = at;
  if (negative) out[k++] = MINUS;
  else if (signed) out[k++] = PLUS;
  const scale = POW10[digits]!;
  // exact: n / scale is at least 1/scale away from the next integer, more than its rounding error
  const whole = Math.floor(n / scale);
  k = uintInto(whole, out, k);
  if (digits === 0) return k;
  out[k++] = DOT;
  return paddedInto(n - whole * scale, digits, out, k);
}

/**
 * Python's `repr(float)`, as pyRepr, for zeros and 1e-4 <= |x| < 1e16 (the
 * range where it writes no exponent); -1 elsewhere and in the rare cases
 * noted below.
 *
 * Numbers with at most four decimals below 1e11 (prices, integers) come from
 * shortDecimal. For the others this finds the shortest decimal that reads
 * back as x, the closest to x among those of that length, ties to an even
 * last digit: the digits V8's String(x) (and Python's repr) choose. It works
 * on exact integers, scaled by 10^p:
 *
 * 1. p = 16 - E for E = floor(log10(a)), so that Y = floor(y) for
 *    y = a * 10^p has 17 digits (1e16 <= Y < 1e17, checked). E comes from
 *    the binary exponent, and is one too small when a * 10^p reaches 1e17.
 *    Every decimal of at most 17 significant digits near y is an integer in
 *    these units, and one of at most 17 digits always reads back as a.
 * 2. y is exact as hi + lo, hi = fl(a * 10^p) and lo from Dekker's
 *    TwoProduct (10^p is exact, p <= 20). hi >= 2^53 is an integer; split as
 *    Y = H * 10^9 + L (0 <= L < 10^9, exact: H * 10^9 < 2^53 is a double,
 *    hi - H * 10^9 is exact, and floor(lo) is carried into L) and y = Y + f
 *    with the fraction f = lo - floor(lo) in [0, 1), exact.
 * 3. a reads back from every number within half an ulp of it: above, u =
 *    ulp(a)/2 * 10^p (a power of two times 10^p: exact); below, the same, or
 *    half of it when a's mantissa is a power of two (the ulp below is half as
 *    big). The ends count when a's mantissa is even (a tie at the end reads
 *    back to the even mantissa). So the integers that read back as a are Y + t
 *    for t from `first` = ceil(f - below) to `last` = floor(f + above), ends
 *    moved in when excluded. u <= y * 2^-53 < 12, and f, u and their sums are
 *    multiples of 2^-48 (y = a's mantissa * 5^p * 2^k with the mantissa below
 *    2^53 and y >= 1e16 make 2^k >= 2^-46 for p <= 20) below 32 in size, so
 *    every one of these sums is exact.
 * 4. The shortest of those integers is the one with the most trailing zeros.
 *    There are at most 25 of them, so at most one multiple of 100: with two
 *    trailing zeros or more there is no choice. With one (multiples of 10) or
 *    none, the one nearest to y wins, and an exact tie goes to the even
 *    digit, as in V8's bignum-dtoa. Distances such as (L - c) + f are small
 *    exact sums again. A multiple of 10^9 in the range carries into H.
 * The unit tests check this against String(x) on a million doubles and
 * against python3. -1 (String(x) takes over) where the argument above does
 * not reach: hi rounding up to 1e17 when y is just below it (then Y < 1e16
 * in step 1), an empty range in step 3 (conceivable only for a mantissa that
 * is a power of two, whose range is narrower), a carry to 18 digits.
 */
export function reprInto(x: number, out: Uint8Array, at: number): number {
  const a = x < 0 ? -x : x;
  let k = at;
  if (!(a >= 1e-4 && a < 1e16)) {
    if (x !== 0) return -1;
    if (1 / x < 0) out[k++] = MINUS;
    out[k] = ZERO;
    out[k + 1] = DOT;
    out[k + 2] = ZERO;
    return k + 3;
  }
  if (x < 0) out[k++] = MINUS;

  const short = shortDecimal(a);
  if (short >= 0) {
    const whole = Math.floor(short / 1e4);
    k = uintInto(whole, out, k);
    out[k++] = DOT;
    return fractionInto(short - whole * 1e4, 4, out, k);
  }

  // 1. and 2.: y = a * 10^p = H * 10^9 + L + f
  FLOAT[0] = a;
  const highWord = WORDS[HIGH]!;
  const lowWord = WORDS[LOW]!;
  const exponent = highWord >>> 20;
  let p = 16 - Math.floor((exponent - 1023) * LOG10_2);
  let hi = a * POW10[p]!;
  if (hi >= 1e17) hi = a * POW10[--p]!;
  if (!(hi >= TWO_53 && p <= 20)) return -1;
  const lo = productError(a, p, hi);
  const loFloor = Math.floor(lo);
  const f = lo - loFloor;
  let high = Math.floor(hi / E9);
  let low = hi - high * E9;
  let carry = carryOf(low);
  high += carry;
  low -= carry * E9;
  low += loFloor;
  carry = carryOf(low);
  high += carry;
  low -= carry * E9;
  if (!(high >= 1e7 && high < 1e8)) return -1;

  // 3. the integers Y + first .. Y + last read back as a
  const above = HALF_ULP[exponent]! * POW10[p]!;
  const below = (highWord & 0xfffff) === 0 && lowWord === 0 ? above / 2 : above;
  const inclusive = (lowWord & 1) === 0;
  let first = Math.ceil(f - below);
  if (!inclusive && first === f - below) first++;
  let last = Math.floor(f + above);
  if (!inclusive && last === f + above) last--;
  if (first > last) return -1;

  // 4. the one with the most trailing zeros, then the nearest
  const from = low + first;
  const to = low + last;
  let chosen: number;
  if (from <= 0 && to >= 0) {
    chosen = 0;
  } else if (from <= E9 && to >= E9) {
    high++;
    chosen = 0;
  } else {
    // 0 < from <= to < 10^9 here, as from <= low + 1 and to >= low: int32 arithmetic
    let zeros = 0;
    if (((to / 10) | 0) * 10 >= from) {
      zeros = 1;
      if (((to / 100) | 0) * 100 >= from) {
        zeros = 2;
        while (zeros < 8 && Math.floor(to / POW10[zeros + 1]!) * POW10[zeros + 1]! >= from) zeros++;
      }
    }
    if (zeros >= 2) {
      chosen = Math.floor(to / POW10[zeros]!) * POW10[zeros]!;
    } else {
      const step = zeros === 1 ? 10 : 1;
      const down = zeros === 1 ? ((low / 10) | 0) * 10 : low;
      const up = down + step;
      const downIn = down >= from;
      const upIn = up <= to;
      if (!downIn && !upIn) return -1; // cannot happen: y lies between down and up, and so does some integer of the range
      if (downIn && upIn) {
        const toDown = low - down + f;
        const toUp = up - low - f;
        chosen = toDown < toUp ? down : toUp < toDown ? up : ((down / step) & 1) === 0 ? down : up;
      } else {
        chosen = downIn ? down : up;
      }
    }
  }

  // The digits are high's 8 and chosen's 9 (a carry to high = 10^8 would make 18: only for
  // powers of ten, which shortDecimal takes). value = 0.DIGITS * 10^point; trailing zeros go.
  if (high >= 1e8) return -1;
  const point = 17 - p;
  if (point <= 0) {
    out[k++] = ZERO;
    out[k++] = DOT;
    for (let z = point; z < 0; z++) out[k++] = ZERO;
    if (chosen === 0) return fractionInto(high, 8, out, k);
    k = smallPadded(high, 8, out, k);
    return fractionInto(chosen, 9, out, k);
  }
  if (point <= 8) {
    const scale = POW10[8 - point]!;
    const whole = (high / scale) | 0;
    k = smallPadded(whole, point, out, k);
    out[k++] = DOT;
    const rest = high - whole * scale;
    if (chosen === 0) return fractionInto(rest, 8 - point, out, k);
    k = smallPadded(rest, 8 - point, out, k);
    return fractionInto(chosen, 9, out, k);
  }
  // point is 9..16: all of high, then chosen split
  const scale = POW10[17 - point]!;
  const whole = (chosen / scale) | 0;
  k = smallPadded(high, 8, out, k);
  k = smallPadded(whole, point - 8, out, k);
  out[k++] = DOT;
  return fractionInto(chosen - whole * scale, 17 - point, out, k);
}
