/**
 * Writes examples/bars/: the sample bars the README's commands run on,
 * from the same seeded generator as `make demo` and `make bench`, so they
 * can be made again byte for byte (`npx tsx scripts/make-examples.ts`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatBarsCsv } from '../runtime/input/bars-csv.js';
import { syntheticBars } from '../runtime/input/synthetic-bars.js';

export const EXAMPLE_SYMBOL = 'DEMO';
/** About 77 sessions of 15-minute bars, 143 of hourly bars and two years of daily bars. */
export const EXAMPLE_BARS: Readonly<Record<string, number>> = { '15Min': 2000, '1Hour': 1000, '1Day': 500 };
const SEED = 8;
const START_PRICE = 120;

const dir = resolve(import.meta.dirname, '..', 'examples', 'bars');
mkdirSync(dir, { recursive: true });
for (const [timeframe, count] of Object.entries(EXAMPLE_BARS)) {
  const path = join(dir, `bars_${timeframe}.csv`);
  writeFileSync(path, formatBarsCsv(syntheticBars(timeframe, count, SEED, START_PRICE)));
  console.log(`${path}: ${count} bars`);
}
