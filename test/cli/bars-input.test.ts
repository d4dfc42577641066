import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { probe } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

/**
 * Every date probe reads is a real calendar date, in UTC unless it names a
 * zone: bars files (backtest, db import-bars) and --start/--end of `probe run`;
 * a volume too large to store is named as such.
 */
let db: TestDatabase;
const temporary: string[] = [];
const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url });

/**
 * A data folder whose bars_1Hour.csv is the parity file with a 2023-02-29
 * bar between the last of 2023-02-28 and the first of 2023-03-01: read as
 * 2023-03-01T05:00Z it would be in order, so only its date is wrong.
 */
function dataWithFebruary29(): { dir: string; csv: string; line: number } {
  const lines = readFileSync(join(PARITY_DIR, 'bars_1Hour.csv'), 'utf8').trimEnd().split('\n');
  const march = lines.findIndex((l) => l.startsWith('2023-03-01T'));
  expect(lines[march - 1]).toMatch(/^2023-02-28T/);
  expect(lines[march]).toMatch(/^2023-03-01T(0[6-9]|1\d)/);
  lines.splice(march, 0, '2023-02-29T05:00:00Z,30.0,30.5,29.5,30.1,1000');
  const dir = mkdtempSync(join(tmpdir(), 'probe-dates-'));
  temporary.push(dir);
  const csv = join(dir, 'bars_1Hour.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
  return { dir, csv, line: march + 1 };
}

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
});

afterAll(async () => {
  await db?.drop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('an impossible date in a bars file', () => {
  it('is refused by probe backtest, naming file, line and value, writing nothing', async () => {
    const { dir, csv, line } = dataWithFebruary29();
    const out = join(dir, 'out');
    const run = await probe(['backtest', '--data', dir, '--symbol', 'SYNTH', '--out', out, '--timeframes', '1Hour', '--strategies', '1']);
    expect(run.stderr).toBe(`error: ${csv}:${line}: timestamp "2023-02-29T05:00:00Z" is not a valid time: February 2023 has 28 days\n`);
    expect(run.status).toBe(2);
  });

  it('is refused by probe db import-bars, which stores nothing', async () => {
    const { csv, line } = dataWithFebruary29();
    const run = await probe(['db', 'import-bars', '--symbol', 'FEB', '--timeframe', '1Hour', '--csv', csv], env());
    expect(run.stderr).toBe(`error: ${csv}:${line}: timestamp "2023-02-29T05:00:00Z" is not a valid time: February 2023 has 28 days\n`);
    expect(run.status).toBe(2);
    const stored = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ohlcv_bars`);
    expect(stored.rows[0]!.n).toBe(0);
  });
});

describe('a volume beyond what a whole number can hold', () => {
  it('is called out of range by probe db import-bars, which stores nothing', async () => {
    const lines = readFileSync(join(PARITY_DIR, 'bars_1Hour.csv'), 'utf8').trimEnd().split('\n');
    lines[7] = lines[7]!.replace(/,\d+$/, ',1e20');
    const dir = mkdtempSync(join(tmpdir(), 'probe-volume-'));
    temporary.push(dir);
    const csv = join(dir, 'bars.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const run = await probe(['db', 'import-bars', '--symbol', 'VOL', '--timeframe', '1Hour', '--csv', csv], env());
    expect(run.stderr).toBe(`error: ${csv}:8: volume 1e20 is out of range (at most 9007199254740991)\n`);
    expect(run.status).toBe(2);
    const stored = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ohlcv_bars`);
    expect(stored.rows[0]!.n).toBe(0);
  });
});

describe('probe run --start/--end', () => {
  beforeAll(async () => {
    await importBars(db.pool, 'SYNTH', '1Hour', readBarsCsv(join(PARITY_DIR, 'bars_1Hour.csv')));
  });

  it('reads a time without a zone as UTC, whatever the local zone', async () => {
    const run = await probe(
      ['run', '--symbols', 'SYNTH', '--timeframes', '1Hour', '--risk-profiles', 'low', '--run-id', 'utc',
        '--start', '2023-06-01T10:00', '--end', '2023-08-31T10:00'],
      { ...env(), TZ: 'America/New_York' },
    );
    expect(run.status, run.stderr).toBe(0);
    const { rows } = await db.pool.query<{ period_start: string; period_end: string; first_day: string; n: number }>(
      `SELECT to_char(period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS period_start,
              to_char(period_end AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS period_end,
              min(open_day)::text AS first_day, count(*)::int AS n
       FROM strategy_probe_results WHERE run_id = 'utc' GROUP BY 1, 2`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ period_start: '2023-06-01T10:00', period_end: '2023-08-31T10:00' });
    expect(rows[0]!.n).toBeGreaterThan(0);
    expect(rows[0]!.first_day >= '2023-06-01').toBe(true);
  });

  it('refuses an impossible date before any work', async () => {
    const run = await probe(
      ['run', '--symbols', 'SYNTH', '--timeframes', '1Hour', '--strategies', '1', '--risk-profiles', 'low', '--run-id', 'feb30', '--start', '2023-02-30'],
      env(),
    );
    expect(run.stderr).toBe('error: --start: "2023-02-30" is not a valid date: February 2023 has 28 days\n');
    expect(run.status).toBe(2);
  });
});

describe('probe run --workers 0', () => {
  beforeAll(async () => {
    // importing is idempotent: the bars may be there already
    await importBars(db.pool, 'SYNTH', '1Hour', readBarsCsv(join(PARITY_DIR, 'bars_1Hour.csv')));
  });

  it('runs one worker per core, also over a config that sets engine.max_workers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-workers-'));
    temporary.push(dir);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'engine:\n  max_workers: 1\n');
    const run = await probe(
      ['run', '--symbols', 'SYNTH', '--timeframes', '1Hour', '--strategies', '1', '--risk-profiles', 'low', '--run-id', 'workers0', '--workers', '0', '--config', config],
      env(),
    );
    expect(run.status, run.stderr).toBe(0);
    const start = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event?: string; workers?: number })
      .find((line) => line.event === 'run_start');
    expect(availableParallelism()).toBeGreaterThan(1);
    expect(start?.workers).toBe(availableParallelism());
  });
});
