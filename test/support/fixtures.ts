/** Loaders for the Python parity fixtures (see shared/parity/README.md). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { allocateBars, type Bars } from '../../runtime/series/bars.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fixtures live next to the repository, not inside it. */
export const FIXTURE_DIR = resolve(REPO_ROOT, '..', 'shared', 'parity', 'synth');

export const TIMEFRAMES = ['15Min', '1Hour', '1Day'] as const;

export type Timeframe = (typeof TIMEFRAMES)[number];

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** `timestamp,open,high,low,close,volume`, timestamps ISO UTC -> epoch ms. */
export function loadFixtureBars(tf: Timeframe): Bars {
  const [header, ...rows] = lines(readFileSync(resolve(FIXTURE_DIR, `bars_${tf}.csv`), 'utf8'));
  if (header !== 'timestamp,open,high,low,close,volume') throw new Error(`Unexpected bars header: ${header}`);
  const bars = allocateBars(rows.length);
  rows.forEach((row, i) => {
    const [timestamp, open, high, low, close, volume] = row.split(',');
    const time = Date.parse(timestamp ?? '');
    if (Number.isNaN(time)) throw new Error(`Bad timestamp in bars_${tf}.csv row ${i + 1}: ${row}`);
    bars.time[i] = time;
    bars.open[i] = Number(open);
    bars.high[i] = Number(high);
    bars.low[i] = Number(low);
    bars.close[i] = Number(close);
    bars.volume[i] = Number(volume);
  });
  return bars;
}

/** Every indicator column of `indicators_<tf>.csv.gz`, empty fields as NaN, in file order. */
export function loadFixtureIndicators(tf: Timeframe): Map<string, Float64Array> {
  const text = gunzipSync(readFileSync(resolve(FIXTURE_DIR, `indicators_${tf}.csv.gz`))).toString('utf8');
  const [header, ...rows] = lines(text);
  const names = (header ?? '').split(',').slice(1);
  const columns = names.map(() => new Float64Array(rows.length));
  rows.forEach((row, i) => {
    const fields = row.split(',');
    for (let c = 0; c < names.length; c++) {
      const field = fields[c + 1] ?? '';
      columns[c]![i] = field === '' ? Number.NaN : Number(field);
    }
  });
  return new Map(names.map((name, c) => [name, columns[c]!]));
}
