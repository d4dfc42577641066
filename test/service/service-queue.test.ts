import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { probe } from '../support/cli.js';
import { freshDatabase } from '../support/database.js';
import { PARITY_DIR, PARITY_TIMEFRAMES, fixtureLines } from '../support/parity-fixtures.js';
import { type ServeProcess, api, serviceConfig, startServe, waitForRun } from '../support/serve.js';

/**
 * `probe serve` instances sharing one real PostgreSQL: runs go through the
 * pg-boss queue in (symbol, timeframe) units, survive a killed instance, are
 * shared by two instances and equal what the CLI writes.
 */
const SYMBOLS = ['SYNTH', 'SYNTHB', 'SYNTHC'];
let db: { url: string; pool: Pool; drop(): Promise<void> };
let config: string;
const running: ServeProcess[] = [];

async function serve(): Promise<ServeProcess> {
  const instance = await startServe(db.url, config);
  running.push(instance);
  return instance;
}

/** A run's result rows without ids and run id, sorted. */
async function rows(runId: string): Promise<string[]> {
  const { rows: found } = await db.pool.query<{ line: string }>(
    `SELECT concat_ws(',', symbol, strategy_id, timeframe, risk_profile, open_day, open_hour, long_short, num_trades,
                      pnl_mean, pnl_std, max_drawdown, max_profit, period_start, period_end) AS line
     FROM strategy_probe_results WHERE run_id = $1`,
    [runId],
  );
  return found.map((r) => r.line).sort();
}

const submit = (base: string, body: Record<string, unknown>) =>
  api<{ run_id: string; status: string; total_combinations: number; estimated_seconds: number }>(base, '/api/v1/runs', {
    method: 'POST',
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  for (const symbol of SYMBOLS) {
    for (const timeframe of PARITY_TIMEFRAMES) {
      await importBars(db.pool, symbol, timeframe, readBarsCsv(resolve(PARITY_DIR, `bars_${timeframe}.csv`)));
    }
  }
  config = serviceConfig(8);
  const cli = await probe(['run', '--symbols', SYMBOLS.join(','), '--run-id', 'cli'], { DATABASE_URL: db.url });
  if (cli.status !== 0) throw new Error(cli.stderr);
});

afterAll(async () => {
  for (const instance of running) instance.child.kill('SIGKILL');
  await Promise.all(running.map((r) => r.exited));
  await db?.drop();
});

describe('probe serve with the PostgreSQL queue', () => {
  it('runs a submitted run to the rows the CLI writes for the same input', async () => {
    const a = await serve();
    const submitted = await submit(a.url, { symbols: ['SYNTH'], run_id: 'api-one' });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ run_id: 'api-one', status: 'queued', total_combinations: 900 });
    expect(submitted.body.estimated_seconds).toBeGreaterThan(0);
    const done = await waitForRun(a.url, 'api-one');
    expect(done.status).toBe('completed');
    const expected = (await rows('cli')).filter((line) => line.startsWith('SYNTH,'));
    expect(await rows('api-one')).toEqual(expected);
    // trades not stored are counted all the same: every trade of the reference
    const referenceTrades = fixtureLines('trades.csv.gz').length - 1;
    expect(done.summary).toMatchObject({ total_combinations: 900, total_result_records: expected.length, total_trades: referenceTrades });

    // resubmitting a completed run changes nothing
    const again = await submit(a.url, { symbols: ['SYNTH'], run_id: 'api-one' });
    expect(again.body.status).toBe('completed');
    expect(await rows('api-one')).toEqual(expected);
  });

  it('shares one run between two instances, each taking some of its units', async () => {
    const [a] = running;
    await serve();
    const submitted = await submit(a!.url, { symbols: SYMBOLS, run_id: 'shared' });
    expect(submitted.body.total_combinations).toBe(2700);
    expect((await waitForRun(a!.url, 'shared')).status).toBe('completed');
    const instances = await db.pool.query<{ instance: string }>(`SELECT DISTINCT instance FROM probe_service_units WHERE run_id = 'shared'`);
    expect(instances.rows.length).toBe(2);
    expect(await rows('shared')).toEqual(await rows('cli'));
  });

  it('completes a run whose instance was killed, with the rows of an uninterrupted run and no duplicate', async () => {
    for (const instance of running.splice(0)) {
      instance.child.kill('SIGKILL');
      await instance.exited;
    }
    const doomed = await serve();
    await submit(doomed.url, { symbols: SYMBOLS, run_id: 'killed', persist_trades: true });
    const stored = async (): Promise<number> =>
      (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'killed'`)).rows[0]!.n;
    for (let k = 0; k < 3000 && (await stored()) === 0; k++) await new Promise((r) => setTimeout(r, 10));
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    running.splice(running.indexOf(doomed), 1);
    const partial = await stored();
    expect(partial).toBeGreaterThan(0);

    const rescuer = await serve();
    const status = await api<{ status: string }>(rescuer.url, '/api/v1/runs/killed');
    expect(status.status).toBe(200);
    expect((await waitForRun(rescuer.url, 'killed')).status).toBe('completed');
    expect(await rows('killed')).toEqual(await rows('cli'));
    const duplicates = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT strategy_probe_result_id, open_timestamp, count(*) FROM strategy_probe_trades t
         JOIN strategy_probe_results r ON r.id = t.strategy_probe_result_id WHERE r.run_id = 'killed'
         GROUP BY 1, 2 HAVING count(*) > 1) d`,
    );
    expect(duplicates.rows[0]!.n).toBe(0);
  });

  it('stops on SIGTERM with exit code 0, handing its unit back, and the run still completes', async () => {
    const [rescuer] = running;
    const leaving = await serve();
    await submit(leaving.url, { symbols: SYMBOLS, run_id: 'terminated' });
    const units = async (): Promise<number> =>
      (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM probe_service_units WHERE run_id = 'terminated' AND instance IS NOT NULL`)).rows[0]!.n;
    for (let k = 0; k < 3000 && (await units()) === 0; k++) await new Promise((r) => setTimeout(r, 10));
    leaving.child.kill('SIGTERM');
    expect(await leaving.exited).toBe(0);
    running.splice(running.indexOf(leaving), 1);
    expect((await waitForRun(rescuer!.url, 'terminated')).status).toBe('completed');
    expect(await rows('terminated')).toEqual(await rows('cli'));
  });

  it('cancels a run: queued units are dropped, what was written stays', async () => {
    const [instance] = running;
    await submit(instance!.url, { symbols: SYMBOLS, run_id: 'cancelled' });
    const cancelled = await api<{ status: string }>(instance!.url, '/api/v1/runs/cancelled', { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 3000));
    const after = await api<{ status: string }>(instance!.url, '/api/v1/runs/cancelled');
    expect(after.body.status).toBe('cancelled');
    const written = await rows('cancelled');
    const cli = await rows('cli');
    // whatever was written belongs to the uninterrupted result
    expect(written.every((line) => cli.includes(line))).toBe(true);
    expect(written.length).toBeLessThan(cli.length);
  });
});
