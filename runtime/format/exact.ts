/**
 * Exact decimal arithmetic on doubles that Python's float formatting needs:
 * rounding a * 10^d to an integer with ties to even, and telling numbers
 * with at most four decimals. See ./python-bytes.ts and ./python.ts.
 */

/** 10^d for d = 0..22: written out, so each is the exact power (every 10^d up to 10^22 is a double). */
export const POW10: readonly number[] = [
  1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Veltkamp's splitter for doubles, 2^27 + 1. */
const SPLITTER = 134_217_729;

/** The high half of Veltkamp's split of v (26 significant bits; v minus it is the low half, exactly). */
function splitHigh(v: number): number {
  const c = SPLITTER * v;
  return c - (c - v);
}

const POW10_HIGH: readonly number[] = POW10.map(splitHigh);
const POW10_LOW: readonly number[] = POW10.map((v, d) => v - POW10_HIGH[d]!);

/** 2^52: from here on a double has no fraction bits left below 1/2. */
const TWO_52 = 4_503_599_627_370_496;
/** 2^-52. */
const EPSILON = 2.220446049250313e-16;

/**
 * Dekker's TwoProduct for a * 10^d: with product = fl(a * 10^d), returns e
 * such that a * 10^d = product + e exactly (d in 0..22). Veltkamp's split
 * cuts a and 10^d into halves of at most 26 significant bits, so each partial
 * product is exact and so is each step of ((ah*sh - p) + ah*sl + al*sh) + al*sl,
 * provided nothing overflows (Veltkamp's split needs |a| < 2^996 or so) and
 * nothing underflows (the terms stay above 2^-1022 when |a * 10^d| >= 2^-900,
 * say). Callers stay far inside both limits.
 */
export function productError(a: number, d: number, product: number): number {
  const ah = splitHigh(a);
  const al = a - ah;
  const sh = POW10_HIGH[d]!;
  const sl = POW10_LOW[d]!;
  return ah * sh - product + ah * sl + al * sh + al * sl;
}

/**
 * The integer nearest to a * 10^d, ties to even, computed exactly: Python's
 * '.{d}f' of a, as an integer count of 10^-d. Returns -1 when a * 10^d is
 * 2^52 or more (or a is nan or infinite): the caller then takes the slow way.
 * a must be >= 0 (or nan), d an integer in 0..22.
 *
 * Why it is exact. Write s = 10^d (a double, exactly, for d <= 22) and
 * y = a * s, the real product. p = fl(a * s) is y rounded to a double.
 * - p < 1/4: then y <= p + ulp(p)/2 < 1/2, so the answer is 0.
 * - Otherwise let n0 = floor(p) and h = n0 + 1/2. The answer is n0 + 1 if
 *   y > h, n0 if y < h, and the even one of them if y = h. Because p < 2^52,
 *   h is a double, and p - h is computed exactly (Sterbenz: h/2 <= p <= 2h,
 *   since p >= 1/4 and n0 <= p < n0 + 1). Dekker's TwoProduct gives the
 *   rounding error e of the product exactly, y = p + e: with Veltkamp's split
 *   a = ah + al and s = sh + sl into halves of at most 26 significant bits,
 *   every partial product ah*sh, ah*sl, al*sh, al*sl is exact and so is each
 *   step of ((ah*sh - p) + ah*sl + al*sh) + al*sl. That takes no overflow
 *   (a < 2^52 here) and no underflow: a >= 1/4 / 10^22, so all the terms are
 *   far above 2^-1022. Then y - h = (p - h) + e, and its sign is the sign of
 *   (p - h) - (-e): an exact comparison of two doubles.
 * - Most of the time |p - h| is larger than any possible e, and e is not
 *   needed: |e| <= ulp(p)/2 <= p * 2^-53, so |p - h| > p * 2^-52 (a power of
 *   two times p, computed exactly) settles it.
 */
export function roundScaled(a: number, d: number): number {
  const p = a * POW10[d]!;
  if (!(p < TWO_52)) return -1;
  if (p < 0.25) return 0;
  const n0 = Math.floor(p);
  const above = p - (n0 + 0.5);
  const margin = p * EPSILON;
  if (above > margin) return n0 + 1;
  if (above < -margin) return n0;
  const e = productError(a, d, p);
  if (above > -e) return n0 + 1;
  if (above < -e) return n0;
  return n0 % 2 === 0 ? n0 : n0 + 1;
}

/** Python writes a minus sign for every negative number, -0 and numbers that round to zero included. */
export function isNegative(x: number): boolean {
  return x < 0 || (x === 0 && 1 / x < 0);
}

/**
 * For 1e-4 <= a < 1e11: the integer n such that repr(a) is n / 10^4 written
 * out (trailing zeros of the fraction dropped), when a has such a short
 * representation; otherwise -1.
 *
 * Any n with n / 10^4 === a will do: that division is the correctly rounded
 * quotient of the real number n * 10^-4, which is what parsing the decimal
 * n * 10^-4 gives, so d = n * 10^-4 lies in a's rounding interval I. It is the
 * shortest decimal in I, which is what repr prints (Python and V8 agree on
 * the digits, see pyRepr):
 * (i) I is at most ulp(a) wide, and ulp(a) <= 2^-16 < 10^-4 for a < 1e11 <
 *   2^37, so d is the only decimal with at most four fraction digits in I.
 * (ii) Let D be the shortest decimal in I, with s significant digits and f
 *   fraction digits (its last nonzero digit at 10^-f); s <= t, the number of
 *   significant digits of d. If f <= 4, D = d by (i). If f > 4, the leading
 *   digit of D sits at 10^(s-f-1), below 10^(t-5) <= 10^L where L is the
 *   place of d's leading digit (d has at most four fraction digits). So D <
 *   10^L <= d, and 10^L is in I too (I is an interval). 10^L has at most four
 *   fraction digits (d >= 10^-4 gives L >= -4), so 10^L = d by (i): d has one
 *   significant digit, so D has one too, D <= 9 * 10^(L-1), and d - D >= d/10,
 *   far wider than I. So f > 4 cannot happen.
 * n = Math.round(a * 10^4) is the natural candidate; when its check fails we
 * answer -1 even if another n might pass, which is merely slower, not wrong.
 */
export function shortDecimal(a: number): number {
  if (!(a < 1e11)) return -1;
  const n = Math.round(a * 1e4);
  return n / 1e4 === a ? n : -1;
}
