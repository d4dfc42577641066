/**
 * Python's float formatting, which the reference's CSV and justification
 * strings use. JavaScript differs in three places: it rounds exact ties away
 * from zero (Python: to even), it drops the sign of -0, and its shortest
 * representation switches to exponents at other magnitudes.
 */

/**
 * `TIE_SCALE[d]` is 2^(d+1), exactly. See pyFixedSlow for why. Indexed by the
 * digits argument, which toFixed limits to 0..100.
 */
const TIE_SCALE: readonly number[] = Array.from({ length: 101 }, (_, d) => 2 ** (d + 1));

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
  const c = SPLITTER * a;
  const ah = c - (c - a);
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

/** FRACTIONS[d - 1][f]: f as d digits with leading zeros, for d = 1..4 (the reference uses 1, 2 and 4). */
const FRACTIONS: readonly (readonly string[] | undefined)[] = [1, 2, 3, 4].map((d) =>
  Array.from({ length: 10 ** d }, (_, f) => String(f).padStart(d, '0')),
);

/**
 * Python's `format(x, '.{digits}f')`.
 *
 * For 1 to 4 digits and |x| * 10^digits < 2^52 (every price and
 * percentage the reference prints) the answer is an exact integer count of
 * 10^-digits from roundScaled, split into whole part and a fraction from a
 * table. Everything else takes pyFixedSlow.
 */
export function pyFixed(x: number, digits: number): string {
  const table = FRACTIONS[digits - 1];
  if (table !== undefined) {
    const negative = isNegative(x);
    const n = roundScaled(negative ? -x : x, digits);
    if (n >= 0) {
      const scale = POW10[digits]!;
      const whole = Math.floor(n / scale);
      return `${negative ? '-' : ''}${whole}.${table[n - whole * scale]!}`;
    }
  }
  return pyFixedSlow(x, digits);
}

/**
 * pyFixed by way of `Number#toFixed`, for any digits in 0..100.
 *
 * Both Python and `Number#toFixed` round the exact binary value of x to
 * `digits` decimals (V8's toFixed is exact, not an approximation). They differ
 * only when that exact value is a tie, i.e. when x * 10^digits = n + 1/2 for
 * an integer n: JavaScript then takes n + 1 (away from zero), Python the even
 * one of n and n + 1. Besides that toFixed writes -0 without its sign.
 *
 * The tie test needs no error bound because it is exact. Write d = digits.
 *   x * 10^d = n + 1/2  <=>  x * 10^d * 2 = x * 2^(d+1) * 5^d is an odd integer.
 * x is a dyadic rational, so t = x * 2^(d+1) is one too. If t is not an
 * integer, its reduced denominator is a power of two >= 2, which the odd
 * factor 5^d cannot cancel, so t * 5^d is not an integer either. If t is an
 * integer, t * 5^d is odd exactly when t is. Hence
 *   x is a tie at d decimals  <=>  x * 2^(d+1) is an odd integer.
 * In floating point, |x| * 2^(d+1) is computed exactly: multiplying by a
 * power of two only changes the exponent, and for |x| < 1e21 < 2^70 and
 * d <= 100 the product stays far below the overflow threshold (2^1024) and,
 * since we scale up, cannot underflow. `t % 2` (IEEE fmod) is exact too. So
 * `(|x| * 2^(d+1)) % 2 === 1` is true exactly for the ties, no near-tie
 * needs a slow path, and every other x is returned straight from toFixed.
 * (A double that is a tie has its lowest set bit at 2^-(d+1) and at most 53
 * significant bits, so ties exist only below 2^(52-d); the test is simply
 * false above that: such t are even integers.)
 *
 * Resolving a tie: toFixed printed n + 1 (in magnitude). If n + 1 is even
 * that is Python's answer. If it is odd Python wants n, and since the last
 * printed digit (the units digit of n + 1) is odd, hence >= 1, n is the same
 * string with that digit lowered by one: no borrow, same length, same sign.
 */
export function pyFixedSlow(x: number, digits: number): string {
  const magnitude = x < 0 ? -x : x;
  if (!(magnitude < 1e21)) {
    if (magnitude !== magnitude) return 'nan';
    if (magnitude === Infinity) return x > 0 ? 'inf' : '-inf';
    // toFixed uses exponent notation from 1e21 on; such doubles are integers, so BigInt has every digit
    return `${BigInt(x).toString()}${digits > 0 ? `.${'0'.repeat(digits)}` : ''}`;
  }
  const text = x.toFixed(digits);
  if (x === 0) return 1 / x < 0 ? `-${text}` : text;
  if ((magnitude * (TIE_SCALE[digits] ?? 2 ** (digits + 1))) % 2 !== 1) return text;
  const last = text.length - 1;
  const code = text.charCodeAt(last);
  // '0' is char code 48, so a digit's parity is its char code's parity
  return (code & 1) === 1 ? text.slice(0, last) + String.fromCharCode(code - 1) : text;
}

/** Python's `format(x, '+.{digits}f')`. */
export function pySignedFixed(x: number, digits: number): string {
  const text = pyFixed(x, digits);
  return text.charCodeAt(0) === 45 /* '-' */ ? text : `+${text}`;
}

/**
 * Python's `repr(float)`: shortest round-trip digits in Python's layout.
 *
 * Python's repr and `String(x)` choose the same shortest round-trip digits;
 * only the layout differs. With decpt the position of the decimal point
 * relative to those digits (value = 0.DIGITS * 10^decpt), Python writes an
 * exponent when decpt <= -4 or decpt > 16, JavaScript when decpt <= -6 or
 * decpt > 21. For fixed notation both print the same characters, except that
 * JavaScript leaves off the '.0' of an integer.
 *
 * Fast path 1e-4 <= |x| < 1e16 (comparisons against the doubles 1e-4 and 1e16;
 * 1e16 is exact, 1e-4 is the double nearest to it). The shortest digits D of a
 * double x are a decimal that rounds to x, and rounding is monotonic:
 * - if x >= double(1e-4), then D >= 1e-4, because any decimal below 1e-4
 *   rounds to a double <= double(1e-4), and D = 1e-4 itself rounds to
 *   double(1e-4); either way D >= 1e-4 means decpt >= -3;
 * - if x < 1e16, then D < 1e16, because every decimal >= 1e16 rounds to a
 *   double >= 1e16; so decpt <= 16.
 * Conversely for x < double(1e-4) the digits are < 1e-4 (decpt <= -4) and for
 * x >= 1e16 they are >= 1e16 (decpt >= 17), which take the slow path. So in
 * the fast range Python uses fixed notation, and so does JavaScript (-3 <=
 * decpt <= 16 is inside its range): no 'e' can occur. A double there has a '.'
 * in String(x) exactly when it is not an integer.
 *
 * Inside that range, doubles of at most four decimals (prices, integers)
 * skip String(x) when |x| < 1e11; see shortDecimal.
 */
export function pyRepr(x: number): string {
  const magnitude = x < 0 ? -x : x;
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const n = shortDecimal(magnitude);
    if (n >= 0) {
      const whole = Math.floor(n / 1e4);
      return `${x < 0 ? '-' : ''}${whole}.${SHORT_FRACTIONS[n - whole * 1e4]!}`;
    }
    const text = String(x);
    return Number.isInteger(x) ? `${text}.0` : text;
  }
  return pyReprSlow(x);
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

/** SHORT_FRACTIONS[f]: four-digit f without its trailing zeros ('0' for 0), as repr ends a number. */
const SHORT_FRACTIONS: readonly string[] = Array.from({ length: 10_000 }, (_, f) =>
  f === 0 ? '0' : String(f).padStart(4, '0').replace(/0+$/, ''),
);

/** pyRepr outside 1e-4 <= |x| < 1e16: exponents, zeros, nan, inf. */
function pyReprSlow(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const decpt = Number(exponentText) + 1;
  if (decpt <= -4 || decpt > 16) {
    const exponent = decpt - 1;
    const body = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt < digits.length) return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
}
