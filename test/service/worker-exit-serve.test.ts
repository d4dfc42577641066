import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';
import { type ServeProcess, api, serviceConfig, startServe, waitForRun } from '../support/serve.js';

/**
 * `probe serve` whose worker thread dies in the middle of a unit (the
 * worker's test hook PROBE_TEST_WORKER_EXIT, runtime/run/worker.ts): the
 * death is logged, the worker replaced, the unit completes with the rows it
 * would have had, /health counts the restart, and the next run works.
 */
let db: TestDatabase;
let serve: ServeProcess | undefined;

async function resultRows(runId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ line: string }>(
    `SELECT concat_ws(',', symbol, strategy_id, timeframe, risk_profile, open_day, open_hour, long_short, num_trades,
                      pnl_mean, pnl_std, max_drawdown, max_profit) AS line
     FROM strategy_probe_results WHERE run_id = $1`,
    [runId],
  );
  return rows.map((r) => r.line).sort();
}

const submit = (runId: string) =>
  api(serve!.url, '/api/v1/runs', { method: 'POST', body: JSON.stringify({ symbols: ['SYNTH'], timeframes: ['1Hour'], run_id: runId }) });

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  await importBars(db.pool, 'SYNTH', '1Hour', readBarsCsv(resolve(PARITY_DIR, 'bars_1Hour.csv')));
  // the service's one worker thread exits as its 40th task arrives (a unit here is 100 tasks)
  serve = await startServe(db.url, serviceConfig(30), { PROBE_TEST_WORKER_EXIT: '40' });
});

afterAll(async () => {
  serve?.child.kill('SIGKILL');
  await serve?.exited;
  await db?.drop();
});

describe('probe serve when a worker thread dies', () => {
  it('logs it, replaces the worker, completes the unit, and /health counts the restart', async () => {
    expect((await api<{ worker_restarts: number }>(serve!.url, '/health')).body.worker_restarts).toBe(0);
    expect((await submit('hooked')).status).toBe(202);
    expect((await waitForRun(serve!.url, 'hooked', 40_000)).status).toBe('completed');
    const health = await api<{ status: string; worker_restarts: number }>(serve!.url, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', worker_restarts: 1 });
    const exits = serve!.output().split('\n').filter((line) => line.includes('"event":"worker_exit"'));
    expect(exits).toHaveLength(1);
    expect(JSON.parse(exits[0]!)).toMatchObject({ level: 'warn', component: 'pool', code: 1, restarts: 1, failed: 0 });

    // the next run, on the replacement, and the rows of both are those of a run without deaths
    expect((await submit('after')).status).toBe(202);
    expect((await waitForRun(serve!.url, 'after', 40_000)).status).toBe('completed');
    const rows = await resultRows('after');
    expect(rows.length).toBeGreaterThan(0);
    expect(await resultRows('hooked')).toEqual(rows);
    expect((await api<{ worker_restarts: number }>(serve!.url, '/health')).body.worker_restarts).toBe(1);
  }, 60_000);
});
