/**
 * Python's float formatting, which the reference's CSV and justification
 * strings use. JavaScript differs in three places: it rounds exact ties away
 * from zero (Python: to even), it drops the sign of -0, and its shortest
 * representation switches to exponents at other magnitudes.
 */
import { Buffer } from 'node:buffer';
import { MAX_NUMBER_BYTES, fixedInto, reprInto } from './python-bytes.js';

/**
 * `TIE_SCALE[d]` is 2^(d+1), exactly. See pyFixedSlow for why. Indexed by the
 * digits argument, which toFixed limits to 0..100.
 */
const TIE_SCALE: readonly number[] = Array.from({ length: 101 }, (_, d) => 2 ** (d + 1));

/** Scratch for the byte writers whose output the string functions decode. */
const TEXT = Buffer.alloc(MAX_NUMBER_BYTES);

/**
 * Python's `format(x, '.{digits}f')`: the byte writer's digits where it has
 * them (|x| * 10^digits < 2^52, digits 0..22), else pyFixedSlow.
 */
export function pyFixed(x: number, digits: number): string {
  const end = fixedInto(x, digits, false, TEXT, 0);
  return end >= 0 ? TEXT.toString('latin1', 0, end) : pyFixedSlow(x, digits);
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
  const end = fixedInto(x, digits, true, TEXT, 0);
  return end >= 0 ? TEXT.toString('latin1', 0, end) : pySignedFixedSlow(x, digits);
}

/** pySignedFixed by way of pyFixedSlow. */
export function pySignedFixedSlow(x: number, digits: number): string {
  const text = pyFixedSlow(x, digits);
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
 * Inside that range the byte writer reprInto (./python-bytes.ts) finds the
 * same digits without String(x), and String(x) is what remains for the
 * cases it leaves.
 */
export function pyRepr(x: number): string {
  const end = reprInto(x, TEXT, 0);
  return end >= 0 ? TEXT.toString('latin1', 0, end) : pyReprFallback(x);
}

/** pyRepr where the byte writer leaves it: String(x) in the fast range (see pyRepr), else pyReprSlow. */
export function pyReprFallback(x: number): string {
  const magnitude = x < 0 ? -x : x;
  if (!(magnitude >= 1e-4 && magnitude < 1e16)) return pyReprSlow(x);
  const text = String(x);
  return Number.isInteger(x) ? `${text}.0` : text;
}

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
