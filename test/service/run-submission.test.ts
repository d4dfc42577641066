import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import { isTimeframe } from '../../runtime/registry/vocabulary.js';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { TIMEFRAME_PATTERN } from '../../runtime/service/http/schemas.js';
import { buildServer } from '../../runtime/service/http/server.js';
import { strategyInfos } from '../../runtime/registry/strategy-info.js';
import { openApiDocument } from '../../runtime/service/openapi.js';
import { PgRunService } from '../../runtime/service/pg-run-service.js';
import { UNIT_QUEUE, startQueue } from '../../runtime/service/queue.js';
import { sameRequest } from '../../runtime/service/submission.js';
import { type RunRequest, type RunService, ServiceError } from '../../runtime/service/types.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { FakeRunService, RecordingLog } from '../support/fake-run-service.js';
import { PARITY_DIR, PARITY_TIMEFRAMES } from '../support/parity-fixtures.js';
import { type ServeProcess, api, serviceConfig, startServe, waitForRun } from '../support/serve.js';

/**
 * POST /api/v1/runs on the real run service (PgRunService, pg-boss, a real
 * PostgreSQL), with no unit worker: runs stay where the test puts them.
 * Resubmissions, identical submissions at once, input the database cannot
 * hold, and a connection dying under a submission.
 */
const DOCUMENT = openApiDocument('0.0.0');
const SUBMIT_RESPONSES = DOCUMENT.paths['/api/v1/runs']!.post!.responses;

let db: TestDatabase;
/** The service's own pool: a plain one, as PgRunService may be given (no error listener on its clients). */
let pool: pg.Pool;
let boss: PgBoss;
let service: PgRunService;
let app: FastifyInstance;
/** What the queue and the service log. */
const log = new RecordingLog();

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function post(body: unknown): Promise<Answer> {
  const r = await app.inject({ method: 'POST', url: '/api/v1/runs', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  // every answer is one the document lists
  expect(SUBMIT_RESPONSES[String(r.statusCode)], `POST /api/v1/runs ${r.statusCode} is not documented: ${r.body}`).toBeDefined();
  return { status: r.statusCode, body: JSON.parse(r.body) as Record<string, unknown> };
}

async function runRow(runId: string): Promise<{ status: string; error: string | null } | undefined> {
  const { rows } = await db.pool.query<{ status: string; error: string | null }>(`SELECT status, error FROM probe_service_runs WHERE run_id = $1`, [runId]);
  return rows[0];
}

/** The run's unit jobs pg-boss holds, by unit (symbol/timeframe). */
async function jobs(runId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ unit: string }>(
    `SELECT data->>'symbol' || '/' || (data->>'timeframe') AS unit FROM probe_boss.job WHERE name = $1 AND data->>'runId' = $2 ORDER BY 1`,
    [UNIT_QUEUE, runId],
  );
  return rows.map((r) => r.unit);
}

async function setStatus(runId: string, status: string): Promise<void> {
  await db.pool.query(
    `UPDATE probe_service_runs SET status = $2::text, error = CASE WHEN $2::text = 'failed' THEN 'worker lost' END,
            started_at = CASE WHEN $2::text = 'queued' THEN NULL ELSE now() END,
            finished_at = CASE WHEN $2::text IN ('completed', 'failed', 'cancelled') THEN now() END
     WHERE run_id = $1`,
    [runId, status],
  );
}

/** The backend of a submission whose INSERT of its run waits for another transaction's row with the same id. */
async function waitingInsert(): Promise<number | undefined> {
  for (let k = 0; k < 500; k++) {
    const waiting = await db.pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO probe_service_runs%'`,
    );
    if (waiting.rows[0] !== undefined) return waiting.rows[0].pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  for (const timeframe of PARITY_TIMEFRAMES) {
    await importBars(db.pool, 'SYNTH', timeframe, readBarsCsv(resolve(PARITY_DIR, `bars_${timeframe}.csv`)));
  }
  pool = new pg.Pool({ connectionString: db.url, max: 8 });
  pool.on('error', () => {});
  boss = await startQueue(pool, { unitTimeoutSeconds: 60, maintenanceSeconds: 60, retries: 0, log });
  service = new PgRunService(pool, boss, STRATEGIES, log);
  app = buildServer({
    service,
    version: '0.0.0',
    bodyLimit: 64 * 1024,
    requestTimeoutMs: 30_000,
    strategies: strategyInfos(),
    logger: false,
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await boss?.stop({ graceful: false, wait: true, close: false });
  await pool?.end();
  await db?.drop();
});

describe('resubmitting a run id', () => {
  const body = {
    symbols: ['synth'],
    timeframes: ['1Day', '15Min'],
    risk_profiles: ['high', 'low'],
    strategy_ids: [3, 1, 2],
    start_date: '1990-01-01',
    end_date: '2099-12-31',
    persist_trades: true,
  };

  it('resumes a failed or cancelled run submitted with the same body (202), its lists in any order', async () => {
    const runId = 'resume-me';
    const first = await post({ ...body, run_id: runId });
    expect(first).toEqual({ status: 202, body: { run_id: runId, status: 'queued', total_combinations: 1 * 2 * 3 * 2, estimated_seconds: expect.any(Number) } });
    expect(await jobs(runId)).toEqual(['SYNTH/15Min', 'SYNTH/1Day']);

    await setStatus(runId, 'failed');
    const again = await post({ ...body, run_id: runId });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ run_id: runId, status: 'queued', total_combinations: 12 });
    expect(await runRow(runId)).toEqual({ status: 'queued', error: null });
    // its unfinished units are queued again
    expect(await jobs(runId)).toEqual(['SYNTH/15Min', 'SYNTH/15Min', 'SYNTH/1Day', 'SYNTH/1Day']);

    await setStatus(runId, 'cancelled');
    const reordered = await post({
      ...body,
      symbols: ['SYNTH', 'synth'],
      timeframes: ['15Min', '1Day', '15Min'],
      risk_profiles: ['low', 'high'],
      strategy_ids: [2, 3, 1, 1],
      run_id: runId,
    });
    expect(reordered.status).toBe(202);
    expect(reordered.body).toMatchObject({ run_id: runId, status: 'queued' });
    expect(await runRow(runId)).toEqual({ status: 'queued', error: null });
  });

  it('answers a queued, running or completed run with 200 and its state, queuing nothing', async () => {
    const runId = 'resubmit-active';
    expect((await post({ ...body, run_id: runId })).status).toBe(202);
    const queued = await post({ ...body, run_id: runId });
    expect(queued).toEqual({ status: 200, body: { run_id: runId, status: 'queued', total_combinations: 12, estimated_seconds: expect.any(Number) } });
    await setStatus(runId, 'running');
    expect(await post({ ...body, strategy_ids: [1, 2, 3], run_id: runId })).toMatchObject({ status: 200, body: { run_id: runId, status: 'running' } });
    await setStatus(runId, 'completed');
    expect(await post({ ...body, run_id: runId })).toMatchObject({ status: 200, body: { run_id: runId, status: 'completed' } });
    expect(await jobs(runId)).toEqual(['SYNTH/15Min', 'SYNTH/1Day']);
  });

  it('refuses the run id with a different request (409), whatever its status', async () => {
    const runId = 'resubmit-other';
    expect((await post({ ...body, run_id: runId })).status).toBe(202);
    for (const status of ['queued', 'running', 'failed', 'cancelled']) {
      await setStatus(runId, status);
      for (const other of [{ timeframes: ['1Hour'] }, { persist_trades: false }, { strategy_ids: [1, 2] }, { end_date: null }, { risk_profiles: ['low'] }]) {
        const conflict = await post({ ...body, ...other, run_id: runId });
        expect(conflict.status, `${status} ${JSON.stringify(other)}`).toBe(409);
        expect(conflict.body).toMatchObject({ error: { code: 'CONFLICT', details: { run_id: runId } } });
      }
      expect((await runRow(runId))!.status).toBe(status);
    }
  });

  it('compares the stored request as values: key order (jsonb\'s) and list order do not matter', () => {
    const request: RunRequest = {
      symbols: ['SYNTH', 'AAPL'],
      timeframes: ['1Day', '15Min'],
      riskProfiles: ['low', 'high'],
      strategyIds: [10, 9, 1],
      startDate: '2024-01-01',
      endDate: null,
      persistTrades: false,
      runId: 'x',
    };
    // as jsonb gives it back: keys by length, then bytes
    const stored = JSON.parse(
      '{"runId":"x","endDate":null,"symbols":["SYNTH","AAPL"],"startDate":"2024-01-01","timeframes":["1Day","15Min"],' +
        '"strategyIds":[10,9,1],"riskProfiles":["low","high"],"persistTrades":false}',
    ) as RunRequest;
    expect(sameRequest(stored, request)).toBe(true);
    expect(sameRequest(stored, { ...request, symbols: ['aapl', 'SYNTH'], strategyIds: [1, 9, 10, 9] })).toBe(true);
    expect(sameRequest(stored, { ...request, strategyIds: [1, 9] })).toBe(false);
    expect(sameRequest(stored, { ...request, strategyIds: null })).toBe(false);
    expect(sameRequest(stored, { ...request, endDate: '2024-12-31' })).toBe(false);
    expect(sameRequest(stored, { ...request, persistTrades: true })).toBe(false);
  });
});

describe('the test double and the real service', () => {
  /** What a submission answered, but its estimate (each estimates with rates of its own), or the ServiceError it refused it with. */
  async function outcome(target: RunService, request: RunRequest): Promise<unknown> {
    try {
      const { estimatedSeconds, ...answer } = await target.submit(request);
      expect(estimatedSeconds).toBeGreaterThanOrEqual(0);
      return answer;
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      return { code: error.code, message: error.message, details: error.details };
    }
  }

  it('answer a run id resubmitted with its lists reordered and repeated alike: as it is, resumed, or a conflict', async () => {
    const fake = new FakeRunService({ symbols: ['SYNTH'], strategyIds: STRATEGIES.map((s) => s.id) });
    const runId = 'fake-and-real';
    const first: RunRequest = {
      symbols: ['synth'],
      timeframes: ['1Day', '15Min'],
      riskProfiles: ['high', 'low'],
      strategyIds: [3, 1, 2],
      startDate: null,
      endDate: null,
      persistTrades: false,
      runId,
    };
    const reordered: RunRequest = { ...first, symbols: ['SYNTH', 'synth'], timeframes: ['15Min', '1Day', '15Min'], riskProfiles: ['low', 'high', 'low'], strategyIds: [2, 3, 1, 1] };
    /** The same submission to both; both must answer it the same. */
    const both = async (request: RunRequest): Promise<unknown> => {
      const real = await outcome(service, request);
      expect(await outcome(fake, request), JSON.stringify(request)).toEqual(real);
      return real;
    };
    const answer = (unchanged: boolean) => ({ runId, status: 'queued', totalCombinations: 1 * 2 * 3 * 2, unchanged });

    expect(await both(first)).toEqual(answer(false));
    expect(await both(reordered)).toEqual(answer(true));
    await setStatus(runId, 'failed');
    fake.fail(runId, 'worker lost');
    expect(await both(reordered)).toEqual(answer(false));
    expect(await both({ ...reordered, strategyIds: [1, 2] })).toMatchObject({ code: 'CONFLICT', details: { run_id: runId } });
    expect(await both({ ...reordered, symbols: ['SYNTH', 'NOPE'] })).toMatchObject({ code: 'INVALID_SYMBOL', details: { symbols: ['NOPE'] } });
  });
});

describe('identical submissions at once', () => {
  const body = { symbols: ['SYNTH'], timeframes: ['1Day', '1Hour'], strategy_ids: [1, 2] };

  it('queues the run once: one 202, the others 200 with the run as it is', async () => {
    const runId = 'at-once';
    const answers = await Promise.all(Array.from({ length: 6 }, () => post({ ...body, run_id: runId })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 202]);
    for (const answer of answers) expect(answer.body).toMatchObject({ run_id: runId, status: 'queued', total_combinations: 2 * 2 * 3 });
    const units = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM probe_service_units WHERE run_id = $1`, [runId]);
    expect(units.rows[0]!.n).toBe(2);
    expect(await jobs(runId)).toEqual(['SYNTH/1Day', 'SYNTH/1Hour']);
  });

  it('answers as a resubmission when its insert meets the same run committed meanwhile (no duplicate key)', async () => {
    const runId = 'raced';
    const request: RunRequest = {
      symbols: ['SYNTH'],
      timeframes: ['1Day'],
      riskProfiles: ['low', 'medium', 'high'],
      strategyIds: [1],
      startDate: null,
      endDate: null,
      persistTrades: false,
      runId,
    };
    // another instance's submission of the same run, inserted and not yet committed: ours looks, finds nothing, inserts and waits
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`INSERT INTO probe_service_runs (run_id, status, request, total_combinations, units_total) VALUES ($1, 'queued', $2, 3, 1)`, [
        runId,
        JSON.stringify(request),
      ]);
      await other.query(`INSERT INTO probe_service_units (run_id, symbol, timeframe, combinations, bars) VALUES ($1, 'SYNTH', '1Day', 3, 1)`, [runId]);
      const answer = post({ symbols: ['SYNTH'], timeframes: ['1Day'], strategy_ids: [1], run_id: runId });
      expect(await waitingInsert()).toBeDefined();
      await other.query('COMMIT');
      expect(await answer).toMatchObject({ status: 200, body: { run_id: runId, status: 'queued', total_combinations: 3 } });
    } finally {
      await other.query('ROLLBACK').catch(() => {});
      await other.end();
    }
    expect(await jobs(runId)).toEqual([]);
  });

  it('resumes a failed run once: one 202, the others 200', async () => {
    const runId = 'at-once-failed';
    expect((await post({ ...body, run_id: runId })).status).toBe(202);
    await setStatus(runId, 'failed');
    const answers = await Promise.all(Array.from({ length: 6 }, () => post({ ...body, run_id: runId })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 202]);
    for (const answer of answers) expect(answer.body).toMatchObject({ run_id: runId, status: 'queued' });
    expect(await jobs(runId)).toEqual(['SYNTH/1Day', 'SYNTH/1Day', 'SYNTH/1Hour', 'SYNTH/1Hour']);
  });
});

describe('input the database and the engine cannot hold', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['a timeframe too long for the column', { timeframes: ['99999999Min', '1Day'] }, 'timeframes[0]', '99999999Min'],
    ['a timeframe of 0 minutes', { timeframes: ['0Min', '1Day'] }, 'timeframes[0]', '0Min'],
    ['a count with a leading zero', { timeframes: ['1Day', '015Min'] }, 'timeframes[1]', '015Min'],
    ['the year 0', { start_date: '0000-01-01' }, 'start_date', '0000-01-01'],
    ['the 29th of February of a common year', { end_date: '2023-02-29' }, 'end_date', '2023-02-29'],
    ['end before start', { start_date: '2024-03-02', end_date: '2024-03-01' }, 'end_date', '2024-03-01'],
  ];

  it.each(cases)('refuses %s with 400 VALIDATION_ERROR naming the field and the value, storing nothing', async (_name, fields, field, value) => {
    const runId = `bad-${field.replace(/\W/g, '')}-${value.replace(/\W/g, '')}`;
    const r = await post({ symbols: ['SYNTH'], ...fields, run_id: runId });
    expect(r.status).toBe(400);
    const error = (r.body as { error: { code: string; message: string; details: Record<string, unknown> } }).error;
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details).toMatchObject({ in: 'body', field });
    expect(error.message).toContain(field);
    expect(error.message).toContain(value);
    expect(await runRow(runId)).toBeUndefined();
  });

  it('takes the widest range of days and the longest timeframe the database holds', async () => {
    const r = await post({ symbols: ['SYNTH'], timeframes: ['9999Month', '1Day'], strategy_ids: [1], start_date: '0001-01-01', end_date: '9999-12-31', run_id: 'widest' });
    expect(r).toMatchObject({ status: 202, body: { run_id: 'widest', status: 'queued', total_combinations: 2 * 3 } });
  });

  it('allows in the schema only timeframes of the runtime\'s form', () => {
    const pattern = new RegExp(TIMEFRAME_PATTERN);
    for (const t of ['1Min', '15Min', '1Hour', '4Hour', '1Day', '1Week', '1Month', '9999Month']) {
      expect(pattern.test(t), t).toBe(true);
      expect(isTimeframe(t), t).toBe(true);
      expect(t.length).toBeLessThanOrEqual(10);
    }
    for (const t of ['0Min', '00Min', '015Min', '10000Min', '99999999Min', '1Year', 'Min', '1min']) expect(pattern.test(t), t).toBe(false);
  });

  it('stores a unit without bars in the range done, with no job, instead of queuing one that would fail the run', async () => {
    const r = await post({ symbols: ['SYNTH'], timeframes: ['5Min', '1Day'], strategy_ids: [1, 2], run_id: 'no-5min' });
    expect(r).toMatchObject({ status: 202, body: { total_combinations: 2 * 2 * 3 } });
    const units = await db.pool.query<{ timeframe: string; done: boolean; completed: number; bars: number }>(
      `SELECT timeframe, done, completed, bars FROM probe_service_units WHERE run_id = 'no-5min' ORDER BY timeframe`,
    );
    expect(units.rows).toEqual([
      { timeframe: '1Day', done: false, completed: 0, bars: expect.any(Number) },
      { timeframe: '5Min', done: true, completed: 6, bars: 0 },
    ]);
    expect(units.rows[0]!.bars).toBeGreaterThan(0);
    expect(await jobs('no-5min')).toEqual(['SYNTH/1Day']);
  });
});

describe('a connection dying under a submission', () => {
  it('fails that submission like any failed statement, and the next one goes through', async () => {
    // an uncommitted run with the same id holds the submission's INSERT in its transaction, on a checked-out client
    const blocker = new pg.Client({ connectionString: db.url });
    blocker.on('error', () => {});
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO probe_service_runs (run_id, status, request, total_combinations, units_total) VALUES ('doomed', 'queued', '{}', 0, 0)`);
      const submitting = service
        .submit({ symbols: ['SYNTH'], timeframes: ['1Day'], riskProfiles: ['low'], strategyIds: [1], startDate: null, endDate: null, persistTrades: false, runId: 'doomed' })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      const pid = await waitingInsert();
      expect(pid).toBeDefined();
      await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      const failure = await submitting;
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/terminat/i);
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      await blocker.end();
    }
    expect(await post({ symbols: ['SYNTH'], timeframes: ['1Day'], strategy_ids: [1], run_id: 'doomed' })).toMatchObject({ status: 202 });
    expect(await post({ symbols: ['SYNTH'], timeframes: ['1Day'], strategy_ids: [1], run_id: 'after-the-loss' })).toMatchObject({ status: 202 });
  });
});

describe('a submission whose transaction fails, and then its ROLLBACK', () => {
  it('fails, logs the failed ROLLBACK and has the pool discard the connection', async () => {
    const broken = new pg.Pool({ connectionString: db.url, max: 2 });
    broken.on('error', () => {});
    const removed: pg.PoolClient[] = [];
    broken.on('remove', (client) => removed.push(client as pg.PoolClient));
    const connect = broken.connect.bind(broken);
    let held: pg.PoolClient | undefined;
    // a client checked out for a transaction refuses the run's INSERT and the ROLLBACK after it (pool.query, which passes a callback, is left alone)
    broken.connect = ((callback?: Parameters<typeof connect>[0]) => {
      if (callback !== undefined) return connect(callback);
      return connect().then((client) => {
        const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<unknown>;
        client.query = ((text: string, values?: unknown[]) =>
          text.startsWith('INSERT INTO probe_service_runs') || text === 'ROLLBACK'
            ? Promise.reject(new Error(`${text.split(' ')[0]} refused`))
            : query(text, values)) as unknown as typeof client.query;
        held = client;
        return client;
      });
    }) as typeof broken.connect;
    const own = new RecordingLog();
    const failing = new PgRunService(broken, boss, STRATEGIES, own);
    try {
      const request: RunRequest = { symbols: ['SYNTH'], timeframes: ['1Day'], riskProfiles: ['low'], strategyIds: [1], startDate: null, endDate: null, persistTrades: false, runId: 'unrolled' };
      await expect(failing.submit(request)).rejects.toThrow('INSERT refused');
      expect(own.events('rollback_failed')).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringContaining('ROLLBACK refused') })]);
      expect(held).toBeDefined();
      // removed (once its connection is closed) rather than kept idle for the next transaction
      await vi.waitFor(() => expect(removed).toContain(held));
      expect(await runRow('unrolled')).toBeUndefined();
    } finally {
      await broken.end();
    }
  });
});

describe('the queue\'s errors', () => {
  it('are logged, a password in them masked', () => {
    boss.emit('error', Object.assign(new Error('connect to postgres://probe:hunter2@db:5432/probe failed'), { queue: UNIT_QUEUE }));
    expect(log.events('queue_error').at(-1)).toMatchObject({
      level: 'error',
      fields: { queue: UNIT_QUEUE, error: 'connect to postgres://probe:***@db:5432/probe failed' },
    });
    expect(JSON.stringify(log.entries)).not.toContain('hunter2');
  });
});

describe('a run with a timeframe that has no bars, on probe serve', () => {
  let other: TestDatabase;
  let serve: ServeProcess | undefined;

  afterAll(async () => {
    serve?.child.kill('SIGKILL');
    await serve?.exited;
    await other?.drop();
  });

  it('completes with the timeframes that have bars', async () => {
    other = await freshDatabase({ schema: true });
    await importBars(other.pool, 'SYNTH', '1Day', readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv')));
    serve = await startServe(other.url, serviceConfig());
    const submitted = await api<{ total_combinations: number }>(serve.url, '/api/v1/runs', {
      method: 'POST',
      body: JSON.stringify({ symbols: ['SYNTH'], timeframes: ['5Min', '1Day'], strategy_ids: [1], run_id: 'partial' }),
    });
    expect(submitted).toMatchObject({ status: 202, body: { total_combinations: 2 * 3 } });
    const done = await waitForRun(serve.url, 'partial');
    expect(done).toMatchObject({ status: 'completed', progress: { completed: 6, total: 6 } });
    const rows = await other.pool.query<{ timeframe: string }>(`SELECT DISTINCT timeframe FROM strategy_probe_results WHERE run_id = 'partial'`);
    expect(rows.rows.map((r) => r.timeframe)).toEqual(['1Day']);
    // each unit records its result rows and trades, counted as the run's totals are
    const stored = await other.pool.query<{ rows: number; trades: number }>(
      `SELECT count(*)::int AS rows, coalesce(sum(num_trades), 0)::int AS trades FROM strategy_probe_results WHERE run_id = 'partial'`,
    );
    const { rows: resultRows, trades } = stored.rows[0]!;
    expect(resultRows).toBeGreaterThan(0);
    expect(done.summary).toMatchObject({ total_result_records: resultRows, total_trades: trades });
    const units = await other.pool.query(`SELECT timeframe, result_rows, trades FROM probe_service_units WHERE run_id = 'partial' ORDER BY timeframe`);
    expect(units.rows).toEqual([
      { timeframe: '1Day', result_rows: resultRows, trades },
      { timeframe: '5Min', result_rows: 0, trades: 0 },
    ]);
  });
});
