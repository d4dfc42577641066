/**
 * ISO-8601 dates and times read strictly: `Date.parse` takes 2023-02-29 for
 * 2023-03-01 and 24:00 for the next midnight, and reads a time without a
 * zone in the machine's local zone. Here every field must exist on the
 * calendar and the clock, and a time without a zone is UTC.
 */

/** A date, or a date and time, read as UTC epoch milliseconds. */
export interface IsoTime {
  readonly ms: number;
  /** Only `YYYY-MM-DD` was given. */
  readonly dateOnly: boolean;
  /** It named a zone (`Z` or an offset); without one it is UTC. */
  readonly zoned: boolean;
}

export type IsoTimeResult =
  | ({ readonly kind: 'time' } & IsoTime)
  /** Not shaped like an ISO-8601 date or time. */
  | { readonly kind: 'malformed' }
  /** Shaped like one, but a field does not exist (`why` says which, e.g. "February 2023 has 28 days"). */
  | { readonly kind: 'impossible'; readonly why: string };

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil; Date.UTC maps years 0-99 to 1900-1999). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * `YYYY-MM-DD`, optionally followed by `THH:MM`, `:SS`, `.fff` (a space may
 * stand for the T; digits past milliseconds are cut off, as Date.parse
 * does) and a zone: `Z`, `+HH:MM` or `+HHMM`.
 */
export function parseIsoTime(text: string): IsoTimeResult {
  const match = PATTERN.exec(text);
  if (match === null) return { kind: 'malformed' };
  const [, y, mo, d, h, mi, s, fraction, zone, sign, zh, zm] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { kind: 'impossible', why: `month ${mo} does not exist` };
  if (day < 1) return { kind: 'impossible', why: `day ${d} does not exist` };
  const days = daysInMonth(year, month);
  if (day > days) return { kind: 'impossible', why: `${MONTHS[month - 1]} ${y} has ${days} days` };
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (hour > 23) return { kind: 'impossible', why: `hour ${h} does not exist (00-23)` };
  if (minute > 59) return { kind: 'impossible', why: `minute ${mi} does not exist (00-59)` };
  if (second > 59) return { kind: 'impossible', why: `second ${s} does not exist (00-59)` };
  let offsetMinutes = 0;
  if (sign !== undefined) {
    if (Number(zh) > 23 || Number(zm) > 59) return { kind: 'impossible', why: `offset ${zone} is out of range` };
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  }
  const ms = Number((fraction ?? '').slice(0, 3).padEnd(3, '0'));
  const epochMs = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + ms;
  return { kind: 'time', ms: epochMs, dateOnly: h === undefined, zoned: zone !== undefined };
}

const digit = (text: string, k: number): number => {
  const d = text.charCodeAt(k) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const twoDigits = (text: string, k: number): number => digit(text, k) * 10 + digit(text, k + 1);

/**
 * `YYYY-MM-DDTHH:MM:SSZ`, the form probe and the reference write, read
 * without a regular expression: UTC epoch milliseconds, or NaN for any
 * other text (parseIsoTime reads those, and names what is wrong).
 */
export function parseIsoSecondsZ(text: string): number {
  if (text.length !== 20 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':' || text[19] !== 'Z') {
    return Number.NaN;
  }
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000;
}
