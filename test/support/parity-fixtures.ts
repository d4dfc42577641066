import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseCsvLine } from '../../runtime/input/csv.js';

/** The Python reference's output on synthetic bars (see its README). */
export const PARITY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/parity/synth');
export const PARITY_TIMEFRAMES = ['15Min', '1Hour', '1Day'] as const;

/** Lines of a gzipped fixture CSV, header first, without line ends. */
export function fixtureLines(name: string): string[] {
  const text = gunzipSync(readFileSync(resolve(PARITY_DIR, name))).toString('utf8');
  return text.split(/\r?\n/).filter((line) => line !== '');
}

/** Fixture rows keyed by "timeframe/strategy_id/risk_profile", in file order. */
export function fixtureByCombination(name: string): { header: string[]; rows: Map<string, string[][]> } {
  const [headerLine, ...lines] = fixtureLines(name);
  const header = parseCsvLine(headerLine!);
  const at = (column: string): number => header.indexOf(column);
  const rows = new Map<string, string[][]>();
  for (const line of lines) {
    const fields = parseCsvLine(line);
    const key = `${fields[at('timeframe')]}/${fields[at('strategy_id')]}/${fields[at('risk_profile')]}`;
    const list = rows.get(key);
    if (list) list.push(fields);
    else rows.set(key, [fields]);
  }
  return { header, rows };
}

/**
 * Compares two CSV rows: text fields exactly, numbers within 1e-8 relative.
 * Returns the first differing column with both values, or undefined.
 */
export function firstDifference(header: readonly string[], expected: readonly string[], actual: readonly string[]): string | undefined {
  for (let k = 0; k < header.length; k++) {
    const e = expected[k] ?? '';
    const a = actual[k] ?? '';
    if (e === a) continue;
    const x = Number(e);
    const y = Number(a);
    const numeric = e !== '' && a !== '' && Number.isFinite(x) && Number.isFinite(y);
    if (numeric && Math.abs(x - y) <= 1e-8 * Math.max(Math.abs(x), Math.abs(y))) continue;
    return `${header[k]}: expected ${e}, got ${a}`;
  }
  return undefined;
}
