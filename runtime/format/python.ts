/**
 * Python's float formatting, which the reference's CSV and justification
 * strings use. JavaScript differs in three places: it rounds exact ties away
 * from zero (Python: to even), it drops the sign of -0, and its shortest
 * representation switches to exponents at other magnitudes.
 */

/** Python's `format(x, '.{digits}f')`. */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  // toFixed uses exponent notation from 1e21 on; such doubles are integers, so BigInt has every digit
  if (Math.abs(x) >= 1e21) return `${BigInt(x).toString()}${digits > 0 ? `.${'0'.repeat(digits)}` : ''}`;
  const negativeZero = Object.is(x, -0);
  let text = x.toFixed(digits);
  // an exact tie shows as a 5 followed only by zeros in the exact expansion
  const extra = Math.min(100 - digits, 40);
  const exact = x.toFixed(digits + extra);
  const tail = exact.slice(exact.length - extra);
  if (/^50*$/.test(tail)) {
    const truncated = exact.slice(0, exact.length - extra - (digits === 0 ? 1 : 0));
    const lastDigit = Number(truncated[truncated.length - 1]);
    if (lastDigit % 2 === 0) text = truncated;
  }
  return negativeZero ? `-${text}` : text;
}

/** Python's `format(x, '+.{digits}f')`. */
export function pySignedFixed(x: number, digits: number): string {
  const text = pyFixed(x, digits);
  return text.startsWith('-') ? text : `+${text}`;
}

/** Python's `repr(float)`: shortest round-trip digits in Python's layout. */
export function pyRepr(x: number): string {
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

/** ISO-8601 UTC without milliseconds, as the reference writes timestamps. */
export function isoSeconds(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/** `YYYY-MM-DD` of a UTC instant. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
