/**
 * UTC timestamps as the reference writes them, without a Date per call:
 * output formats two per trade, and `toISOString` was a visible share of it.
 * Each is written as bytes into a caller's buffer; the string forms decode
 * those bytes, so there is one implementation of each.
 */

const DAY_SECONDS = 86_400;
/** 0000-01-01 .. 9999-12-31: where `toISOString` has four-digit years and these formatters agree with it. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_800_000;

/** Year, month and day of days since 1970-01-01 (Howard Hinnant's civil_from_days), in `scratch`. */
const scratch = [0, 0, 0];
function civilInto(days: number): void {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  scratch[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  scratch[1] = month;
  scratch[2] = day;
}

/** Writes 0 <= v < 100 as two ASCII digits at out[at]. */
function two(out: Uint8Array, at: number, v: number): void {
  const tens = Math.floor(v / 10);
  out[at] = 48 + tens;
  out[at + 1] = 48 + v - tens * 10;
}

/** Writes `YYYY-MM-DD` of days since the epoch, 10 bytes at out[at]; the day must be inside MIN_MS..MAX_MS. */
function civilBytes(days: number, out: Uint8Array, at: number): void {
  civilInto(days);
  const year = scratch[0]!;
  const century = Math.floor(year / 100);
  two(out, at, century);
  two(out, at + 2, year - century * 100);
  out[at + 4] = 45; // '-'
  two(out, at + 5, scratch[1]!);
  out[at + 7] = 45;
  two(out, at + 8, scratch[2]!);
}

/**
 * isoSeconds as 20 ASCII bytes at out[at] (room for them is the caller's
 * business). Returns false, writing nothing, outside years 0000..9999 (and
 * for nan): there the string form has another length.
 */
export function isoSecondsInto(epochMs: number, out: Uint8Array, at: number): boolean {
  if (!(epochMs >= MIN_MS && epochMs < MAX_MS)) return false;
  const seconds = Math.floor(epochMs / 1000);
  const days = Math.floor(seconds / DAY_SECONDS);
  let rest = seconds - days * DAY_SECONDS;
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const minute = Math.floor(rest / 60);
  civilBytes(days, out, at);
  out[at + 10] = 84; // 'T'
  two(out, at + 11, hour);
  out[at + 13] = 58; // ':'
  two(out, at + 14, minute);
  out[at + 16] = 58;
  two(out, at + 17, rest - minute * 60);
  out[at + 19] = 90; // 'Z'
  return true;
}

/** isoDay as 10 ASCII bytes at out[at]; false, writing nothing, where isoDay takes another length. */
export function isoDayInto(days: number, out: Uint8Array, at: number): boolean {
  const ms = days * DAY_SECONDS * 1000;
  if (!(ms >= MIN_MS && ms < MAX_MS)) return false;
  civilBytes(days, out, at);
  return true;
}

const TEXT = new Uint8Array(20);
const latin1 = (length: number): string => String.fromCharCode(...TEXT.subarray(0, length));

/** ISO-8601 UTC without milliseconds (`2024-01-02T14:30:00Z`). */
export function isoSeconds(epochMs: number): string {
  return isoSecondsInto(epochMs, TEXT, 0) ? latin1(20) : `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/** `YYYY-MM-DD` of a day number (days since the epoch, UTC). */
export function isoDay(days: number): string {
  return isoDayInto(days, TEXT, 0) ? latin1(10) : new Date(days * DAY_SECONDS * 1000).toISOString().slice(0, 10);
}
