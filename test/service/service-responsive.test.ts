import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { estimateSeconds, unitsWork } from '../../runtime/service/estimate.js';
import { learnedRates } from '../../runtime/service/learned-rates.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR, PARITY_TIMEFRAMES } from '../support/parity-fixtures.js';
import { type ServeProcess, api, serviceConfig, startServe, waitForRun } from '../support/serve.js';

/**
 * `probe serve` on a real PostgreSQL: /health reports the event loop's lag,
 * the units log it, and a small run's estimated_seconds is honest.
 */
let db: TestDatabase;
let serve: ServeProcess;

interface Lag {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  for (const timeframe of PARITY_TIMEFRAMES) {
    await importBars(db.pool, 'SYNTH', timeframe, readBarsCsv(resolve(PARITY_DIR, `bars_${timeframe}.csv`)));
  }
  serve = await startServe(db.url, serviceConfig());
});

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  await db?.drop();
});

/** The JSON log lines of the serve process with this event. */
function logged(event: string): Record<string, unknown>[] {
  return serve
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === event);
}

function expectLag(value: unknown): void {
  expect(value).toEqual({ p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) });
  const lag = value as Lag;
  for (const figure of [lag.p50, lag.p99, lag.max]) {
    expect(Number.isFinite(figure)).toBe(true);
    expect(figure).toBeGreaterThanOrEqual(0);
  }
  expect(lag.p50).toBeLessThanOrEqual(lag.max);
}

describe('probe serve stays observable', () => {
  it('reports the event loop lag on /health, in milliseconds', async () => {
    const health = await api<{ status: string; event_loop_lag_ms: unknown }>(serve.url, '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expectLag(health.body.event_loop_lag_ms);
  });

  it('estimates a small run within a factor of 2 of what it takes, and logs each unit with the lag', async () => {
    // 1 symbol x 3 timeframes (3000, 2000, 1500 bars) x 1 strategy x 3 risk profiles: mostly fixed per-unit costs
    const submitted = await api<{ total_combinations: number; estimated_seconds: number }>(serve.url, '/api/v1/runs', {
      method: 'POST',
      body: JSON.stringify({ symbols: ['SYNTH'], strategy_ids: [1], run_id: 'small' }),
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body.total_combinations).toBe(9);
    expect((await waitForRun(serve.url, 'small')).status).toBe('completed');

    // submission to completion, as the database recorded them (no polling in it)
    const run = await db.pool.query<{ seconds: number }>(
      `SELECT extract(epoch FROM finished_at - created_at)::float8 AS seconds FROM probe_service_runs WHERE run_id = 'small'`,
    );
    const actual = run.rows[0]!.seconds;
    const units = await db.pool.query<{ timeframe: string; combinations: number; bars: number; timed: boolean }>(
      `SELECT timeframe, combinations, bars, finished_at >= started_at AS timed FROM probe_service_units WHERE run_id = 'small' ORDER BY bars DESC`,
    );
    expect(units.rows).toEqual([
      { timeframe: '15Min', combinations: 3, bars: 3000, timed: true },
      { timeframe: '1Hour', combinations: 3, bars: 2000, timed: true },
      { timeframe: '1Day', combinations: 3, bars: 1500, timed: true },
    ]);

    // what the defaults said at submission; the machine's load moves `actual`, so a failure here prints both
    const estimate = submitted.body.estimated_seconds;
    expect(estimate / actual, `estimated ${estimate} s, took ${actual.toFixed(3)} s`).toBeGreaterThanOrEqual(0.5);
    expect(estimate / actual, `estimated ${estimate} s, took ${actual.toFixed(3)} s`).toBeLessThanOrEqual(2);
    // what the rates learned from this run's own units say of the same work
    const learned = estimateSeconds(unitsWork(units.rows), { persistTrades: false, queued: true }, await learnedRates(db.pool));
    expect(learned / actual, `learned ${learned.toFixed(3)} s, took ${actual.toFixed(3)} s`).toBeGreaterThanOrEqual(0.5);
    expect(learned / actual, `learned ${learned.toFixed(3)} s, took ${actual.toFixed(3)} s`).toBeLessThanOrEqual(2);

    // the last unit's line may trail the run's completion by a moment
    for (let k = 0; k < 50 && logged('unit_finish').length < 3; k++) await new Promise((r) => setTimeout(r, 100));
    const lines = logged('unit_finish');
    expect(lines.map((l) => l.timeframe).sort()).toEqual(['15Min', '1Day', '1Hour']);
    for (const line of lines) {
      expect(line).toMatchObject({ run_id: 'small', symbol: 'SYNTH', combinations_run: 3 });
      expectLag(line.event_loop_lag_ms);
    }
  });
});
