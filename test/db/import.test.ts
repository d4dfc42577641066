import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars, loadBars, tickerExists } from '../../runtime/db/bars.js';
import { initSchema } from '../../runtime/db/schema.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { syntheticBars } from '../../runtime/input/synthetic-bars.js';
import { probe } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

const CSV = join(PARITY_DIR, 'bars_1Hour.csv');
const LINES = readFileSync(CSV, 'utf8').trimEnd().split('\n');

let db: TestDatabase;
const temporary: string[] = [];
const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url });
const barCount = async (timeframe: string): Promise<number> =>
  (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ohlcv_bars WHERE timeframe = $1', [timeframe])).rows[0]!.n;

/** The parity 1Hour file with `edit` applied to its lines, in a temporary folder. */
function editedCsv(edit: (lines: string[]) => void): string {
  const lines = [...LINES];
  edit(lines);
  const dir = mkdtempSync(join(tmpdir(), 'probe-import-'));
  temporary.push(dir);
  const path = join(dir, 'bars.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

beforeAll(async () => {
  db = await freshDatabase();
  await initSchema(db.pool);
});

afterAll(async () => {
  await db?.drop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('probe db import-bars', () => {
  it('imports every bar of the file, once', async () => {
    const first = await probe(['db', 'import-bars', '--symbol', 'synth', '--timeframe', '1Hour', '--csv', CSV], env());
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^SYNTH 1Hour: 2000 bars in .*bars_1Hour\\.csv: 2000 inserted, 0 skipped \\(already stored\\)`));
    expect(LINES).toHaveLength(2001);
    expect(await barCount('1Hour')).toBe(2000);
    const stored = await db.pool.query('SELECT DISTINCT t.symbol, b.source FROM ohlcv_bars b JOIN tickers t ON t.id = b.ticker_id');
    expect(stored.rows).toEqual([{ symbol: 'SYNTH', source: 'probe-import' }]);

    const again = await probe(['db', 'import-bars', '--symbol', 'SYNTH', '--timeframe', '1Hour', '--csv', CSV], env());
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/: 0 inserted, 2000 skipped \(already stored\)/);
    expect(await barCount('1Hour')).toBe(2000);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM tickers')).rows[0]).toEqual({ n: 1 });
  });

  it('loads back exactly the bars of the file, oldest first, with their ids', async () => {
    const expected = readBarsCsv(CSV);
    for (const symbol of ['SYNTH', 'synth']) {
      const { bars, barIds } = await loadBars(db.pool, symbol, '1Hour');
      expect(bars.length).toBe(expected.length);
      for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(bars[column], column).toEqual(expected[column]);
        expect(bars[column].buffer).toBeInstanceOf(SharedArrayBuffer);
      }
      const ids = await db.pool.query<{ id: number }>(`SELECT id FROM ohlcv_bars ORDER BY timestamp`);
      expect([...barIds]).toEqual(ids.rows.map((r) => r.id));
    }
  });

  it('loads an inclusive time range, as Dates or epoch milliseconds', async () => {
    const all = readBarsCsv(CSV);
    const [from, to] = [all.time[100]!, all.time[199]!];
    for (const [start, end] of [[from, to], [new Date(from), new Date(to)]] as const) {
      const { bars, barIds } = await loadBars(db.pool, 'SYNTH', '1Hour', start, end);
      expect(bars.length).toBe(100);
      expect(barIds).toHaveLength(100);
      expect(bars.close).toEqual(all.close.slice(100, 200));
    }
    expect((await loadBars(db.pool, 'SYNTH', '1Hour', from)).bars.length).toBe(1900);
    expect((await loadBars(db.pool, 'SYNTH', '1Hour', undefined, to)).bars.length).toBe(200);
    expect((await loadBars(db.pool, 'SYNTH', '1Day')).bars.length).toBe(0);
    expect((await loadBars(db.pool, 'NOPE', '1Hour')).bars.length).toBe(0);
    expect(await tickerExists(db.pool, 'synth')).toBe(true);
    expect(await tickerExists(db.pool, 'NOPE')).toBe(false);
  });

  it('rejects a file with a bad row, naming file and line, and stores nothing', async () => {
    const bad = editedCsv((lines) => {
      lines[500] = lines[500]!.replace(/,([0-9.]+),([0-9.]+),([0-9.]+),/, ',$1,1.0,$3,'); // high below low
    });
    const run = await probe(['db', 'import-bars', '--symbol', 'OTHER', '--timeframe', '15Min', '--csv', bad], env());
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^error: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:501: high 1 is below low `));
    expect(run.stdout).toBe('');
    expect(await barCount('15Min')).toBe(0);
    expect(await tickerExists(db.pool, 'OTHER')).toBe(false);
  });

  it('rejects a fractional volume (ohlcv_bars.volume is BIGINT) before writing', async () => {
    const bad = editedCsv((lines) => {
      lines[7] = lines[7]!.replace(/,(\d+)$/, ',$1.5');
    });
    const run = await probe(['db', 'import-bars', '--symbol', 'OTHER', '--timeframe', '15Min', '--csv', bad], env());
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: .*bars\.csv:8: volume \d+\.5 is not a whole number \(ohlcv_bars\.volume is BIGINT\)\n$/);
    expect(await barCount('15Min')).toBe(0);
  });

  it('rejects bad arguments and a database without the tables', async () => {
    const symbol = await probe(['db', 'import-bars', '--symbol', 'no spaces', '--timeframe', '1Hour', '--csv', CSV], env());
    expect(symbol.status).toBe(2);
    expect(symbol.stderr).toContain('error: --symbol: "no spaces" is not a ticker symbol');
    const timeframe = await probe(['db', 'import-bars', '--symbol', 'X', '--timeframe', 'hourly', '--csv', CSV], env());
    expect(timeframe.status).toBe(2);
    expect(timeframe.stderr).toContain('error: --timeframe: "hourly" is not a timeframe like 15Min, 1Hour or 1Day');

    const empty = await freshDatabase();
    try {
      const run = await probe(['db', 'import-bars', '--symbol', 'X', '--timeframe', '1Hour', '--csv', CSV], { DATABASE_URL: empty.url });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^error: .*: missing table\(s\) tickers, ohlcv_bars; run probe db init first\n$/);
    } finally {
      await empty.drop();
    }
  });

  it('imports and loads 10,000 bars quickly', async () => {
    const bars = syntheticBars('15Min', 10_000, 7);
    let started = performance.now();
    expect(await importBars(db.pool, 'FAST', '15Min', bars)).toEqual({ inserted: 10_000, skipped: 0 });
    const importMs = performance.now() - started;
    started = performance.now();
    const loaded = await loadBars(db.pool, 'FAST', '15Min');
    const loadMs = performance.now() - started;
    expect(loaded.bars.close).toEqual(bars.close);
    expect(loaded.bars.time).toEqual(bars.time);
    expect(loaded.bars.volume).toEqual(bars.volume);
    console.log(`10,000 bars: import ${importMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms`);
    expect(importMs).toBeLessThan(5000);
    expect(loadMs).toBeLessThan(1000);
  });
});
