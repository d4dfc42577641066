import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../runtime/db/bars.js';
import { type EmbeddedServer, startEmbedded } from '../../runtime/db/embedded.js';
import { initSchema } from '../../runtime/db/schema.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { freePort } from '../support/free-port.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';
import { type ServeProcess, api, serviceConfig, startServe, waitForRun } from '../support/serve.js';

/**
 * `probe serve` while its PostgreSQL restarts in the middle of a unit: the
 * process survives (a checked-out client's connection dying must not be an
 * unhandled 'error' event, nor pg-boss's failing of the unit an unhandled
 * rejection), /health answers 503 while the database is down and 200 once
 * it is back, and the unit, retried by pg-boss, completes the run with the
 * rows of an uninterrupted run.
 *
 * The shared test server must not be restarted under the other test files:
 * this file starts a PostgreSQL of its own, in a temporary folder under /tmp
 * (reachable by the `postgres` user that runs it when the tests run as root).
 */
const SYMBOL = 'SYNTH';
/** Two units of a few seconds each: the restart meets one of them writing. */
const TIMEFRAMES = ['15Min', '1Hour'] as const;
let dir: string;
/** Where the server keeps its data: `dir`, or a stand-in startEmbedded chose (see its reachableDataDir). */
let dataDir: string | undefined;
let port: number;
let server: EmbeddedServer | undefined;
let pool: pg.Pool;
let url: string;
let serve: ServeProcess | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls /health until it answers `status`. */
async function healthBecomes(status: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    try {
      last = (await api(serve!.url, '/health')).status;
    } catch (error) {
      throw new Error(`/health did not answer (probe serve exited with ${serve!.child.exitCode}): ${String(error)}\n${serve!.output()}`);
    }
    if (last === status) return;
    await sleep(50);
  }
  throw new Error(`/health still answers ${last}, not ${status}, after ${timeoutMs} ms`);
}

async function resultRows(runId: string): Promise<string[]> {
  const { rows } = await pool.query<{ line: string }>(
    `SELECT concat_ws(',', symbol, strategy_id, timeframe, risk_profile, open_day, open_hour, long_short, num_trades,
                      pnl_mean, pnl_std, max_drawdown, max_profit) AS line
     FROM strategy_probe_results WHERE run_id = $1`,
    [runId],
  );
  return rows.map((r) => r.line).sort();
}

async function tradeCount(runId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM strategy_probe_trades t JOIN strategy_probe_results r ON r.id = t.strategy_probe_result_id WHERE r.run_id = $1`,
    [runId],
  );
  return rows[0]!.n;
}

const submit = (runId: string) =>
  api<{ run_id: string; status: string }>(serve!.url, '/api/v1/runs', {
    method: 'POST',
    body: JSON.stringify({ symbols: [SYMBOL], timeframes: TIMEFRAMES, run_id: runId, persist_trades: true }),
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'probe-restart-postgres-'));
  port = await freePort();
  server = await startEmbedded(dir, port);
  dataDir = (server as { dataDir?: string }).dataDir;
  url = server.connectionString;
  pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  await initSchema(pool);
  for (const timeframe of TIMEFRAMES) {
    await importBars(pool, SYMBOL, timeframe, readBarsCsv(resolve(PARITY_DIR, `bars_${timeframe}.csv`)));
  }
  serve = await startServe(url, serviceConfig(20));
});

afterAll(async () => {
  serve?.child.kill('SIGKILL');
  await serve?.exited;
  await pool?.end().catch(() => {});
  await server?.stop();
  for (const folder of new Set([dir, dataDir])) if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('probe serve while PostgreSQL restarts', () => {
  it('survives, answers 503 on /health while the database is down, and completes the run as an uninterrupted one', async () => {
    // the reference: the same run, uninterrupted
    expect((await submit('calm')).status).toBe(202);
    expect((await waitForRun(serve!.url, 'calm', 40_000)).status).toBe('completed');
    const expected = await resultRows('calm');
    expect(expected.length).toBeGreaterThan(0);

    expect((await submit('restarted')).status).toBe(202);
    // restart as soon as the unit writes: a batch is then in flight on a checked-out client
    const stored = async (): Promise<number> =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'restarted'`)).rows[0]!.n;
    for (let k = 0; k < 2000 && (await stored()) === 0; k++) await sleep(5);
    expect(await stored()).toBeGreaterThan(0);
    await server!.stop();
    server = undefined;

    await healthBecomes(503, 5_000);
    const down = await api<{ error: { code: string; details: { database: string } } }>(serve!.url, '/health');
    expect(down.status).toBe(503);
    expect(down.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { database: 'unreachable' } });
    // an API call that needs the database: 503, not 500
    const status = await api<{ error: { code: string } }>(serve!.url, '/api/v1/runs/restarted');
    expect(status.status).toBe(503);
    expect(status.body.error.code).toBe('SERVICE_UNAVAILABLE');
    await sleep(500);
    expect(serve!.child.exitCode).toBeNull();

    server = await startEmbedded(dir, port);
    await healthBecomes(200, 10_000);

    const done = await waitForRun(serve!.url, 'restarted', 40_000);
    expect(serve!.child.exitCode, serve!.output()).toBeNull();
    expect(serve!.output()).not.toMatch(/Unhandled|ECONNRESET.*\n\s+at /);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(await resultRows('restarted')).toEqual(expected);
    expect(await tradeCount('restarted')).toBe(await tradeCount('calm'));
    // the unit met the restart and was retried
    const attempts = await pool.query<{ retry_count: number }>(
      `SELECT retry_count FROM probe_boss.job WHERE name = 'probe-unit' AND data->>'runId' = 'restarted' ORDER BY retry_count DESC LIMIT 1`,
    );
    expect(attempts.rows[0]!.retry_count).toBeGreaterThanOrEqual(1);
    // the queue said that it waited for the database, and when it came back
    expect(serve!.output()).toMatch(/"event":"queue_database_down"[^\n]*\n(.*\n)*.*"event":"queue_database_back"/);
  }, 60_000);
});
