import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../runtime/db/bars.js';
import { checkout, isConnectionError } from '../../runtime/db/connect.js';
import { ConnectionLostError } from '../../runtime/errors.js';
import { storeFeatures } from '../../runtime/db/features.js';
import { ResultWriter } from '../../runtime/db/results.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

/**
 * pg emits 'error' on a checked-out client whose connection dies (the
 * server restarting: 57P01 admin_shutdown), and the pool listens only to its
 * idle clients: without a listener of the code holding the client, the
 * event ends the process. Each writer here is made to hold a client
 * (blocked on a table lock this test holds), its backend is terminated, and
 * it must fail with the connection error while the process goes on.
 *
 * The pool is a plain pg.Pool (as a caller of these functions may pass),
 * not openDatabase's, whose clients all get a listener as they connect.
 */
let db: TestDatabase;
let pool: pg.Pool;
let locker: pg.PoolClient | undefined;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown): void => {
  uncaught.push(error);
};

const BARS = readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv'));

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => {});
  await importBars(db.pool, 'LOCKED', '1Day', BARS);
  process.on('uncaughtException', onUncaught);
});

afterEach(async () => {
  await locker?.query('ROLLBACK');
  locker?.release();
  locker = undefined;
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await pool?.end();
  await db?.drop();
});

/** Holds `table` locked until the test ends: whoever writes to it waits. */
async function lock(table: string): Promise<void> {
  locker = await db.pool.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
}

/** Terminates the backend of `pool` waiting for a lock, once there is one. */
async function terminateWaiter(): Promise<void> {
  const name = new URL(db.url).pathname.slice(1);
  for (let k = 0; k < 500; k++) {
    const { rows } = await db.pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      [name],
    );
    if (rows.length > 0) {
      for (const { pid } of rows) await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no backend waited for the lock');
}

async function failsWithConnectionError(work: Promise<unknown>): Promise<void> {
  const [outcome] = await Promise.allSettled([work, terminateWaiter()]);
  expect(outcome.status).toBe('rejected');
  const reason = (outcome as PromiseRejectedResult).reason as Error;
  expect(isConnectionError(reason), String(reason)).toBe(true);
  // give a late 'error' event the time to surface
  await new Promise((r) => setTimeout(r, 100));
  expect(uncaught).toEqual([]);
}

describe('a checked-out client whose connection dies', () => {
  it('checkout(): the statement fails, the event has a listener, the broken client leaves the pool', async () => {
    const client = await checkout(pool);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await expect(client.query('SELECT 1')).rejects.toSatisfy(isConnectionError);
    await new Promise((r) => setTimeout(r, 100));
    expect(uncaught).toEqual([]);
    client.release();
    expect(pool.totalCount).toBe(0);
    // and the pool goes on with a new connection
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
  });

  it('ResultWriter: the batch fails with the connection error, naming what it was writing', async () => {
    await lock('strategy_probe_results');
    const writer = new ResultWriter(pool, { runId: 'dies', persistTrades: false, batchRows: 1 });
    const finished = [{ symbol: 'DIES', strategyId: 1, timeframe: '1Hour', profile: 'low', trades: 0 }];
    writer.add({ results: new TextEncoder().encode('x\n'), trades: null, rowCount: 1, tradeCount: 0, finished });
    const finishing = writer.finish();
    await failsWithConnectionError(finishing);
    const failure: unknown = await finishing.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionLostError);
    expect((failure as ConnectionLostError).during).toBe('the write of DIES 1Hour');
  });

  it('importBars: the import fails with the connection error', async () => {
    await lock('ohlcv_bars');
    await failsWithConnectionError(importBars(pool, 'DIES', '1Day', BARS));
  });

  it('storeFeatures: the store fails with the connection error', async () => {
    const ids = await db.pool.query<{ id: number }>(
      `SELECT b.id FROM ohlcv_bars b JOIN tickers t ON t.id = b.ticker_id WHERE t.symbol = 'LOCKED' ORDER BY b.timestamp`,
    );
    await lock('computed_features');
    const close = Float64Array.from(BARS.close);
    await failsWithConnectionError(storeFeatures(pool, 'LOCKED', '1Day', ids.rows.map((r) => r.id), BARS, new Map([['close', close]])));
  });
});
