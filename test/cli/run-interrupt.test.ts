import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { ROOT, probe } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR, PARITY_TIMEFRAMES } from '../support/parity-fixtures.js';

/**
 * Ctrl-C (SIGINT) or SIGTERM during `probe run`: the batches in flight
 * commit or roll back, the process says how to resume and exits 130 / 143,
 * and resuming writes exactly what an uninterrupted run writes.
 */
let db: TestDatabase;
const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url });

const rowCount = async (runId: string): Promise<number> =>
  (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = $1', [runId])).rows[0]!.n;

/** The run's rows without their run id and ids, as one digest: equal digests, equal rows. */
async function digest(runId: string): Promise<string> {
  const { rows } = await db.pool.query<{ md5: string }>(
    `SELECT md5(string_agg(row_text, E'\\n' ORDER BY row_text)) AS md5 FROM (
       SELECT concat_ws(',', symbol, strategy_id, strategy_version, period_start, period_end, timeframe, risk_profile, open_day,
                        open_hour, long_short, num_trades, pnl_mean, pnl_std, max_drawdown, max_profit) AS row_text
       FROM strategy_probe_results WHERE run_id = $1) r`,
    [runId],
  );
  return rows[0]!.md5;
}

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  for (const timeframe of PARITY_TIMEFRAMES) {
    await importBars(db.pool, 'SYNTH', timeframe, readBarsCsv(resolve(PARITY_DIR, `bars_${timeframe}.csv`)));
  }
  const whole = await probe(['run', '--symbols', 'SYNTH', '--run-id', 'whole'], env());
  if (whole.status !== 0) throw new Error(whole.stderr);
});

afterAll(async () => {
  await db?.drop();
});

/** Connections of probe processes to the test database, once the server has seen closed ones go (a second at most). */
async function probeConnections(): Promise<number> {
  const count = async (): Promise<number> =>
    (await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'probe'`,
    )).rows[0]!.n;
  for (let k = 0; k < 50 && (await count()) > 0; k++) await new Promise((r) => setTimeout(r, 20));
  return count();
}

/** Starts `probe run`, waits until it has committed some rows, then interrupts it with `signal` or `cut`; resolves with its exit. */
async function interrupt(
  runId: string,
  signal: NodeJS.Signals | ((exited: Promise<unknown>) => Promise<void>),
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; seconds: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, 'runtime/cli/main.ts'), 'run', '--symbols', 'SYNTH', '--run-id', runId, '--workers', '1'],
    { cwd: ROOT, env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, sig) => done({ code, signal: sig })),
  );
  try {
    const deadline = Date.now() + 90_000;
    while (!output.includes('"event":"run_start"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(output).toContain('"event":"run_start"');
    // some combinations are committed: the signal arrives in the middle of the run
    while ((await rowCount(runId)) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const sent = performance.now();
    if (typeof signal === 'string') child.kill(signal);
    else await signal(exited);
    const exit = await exited;
    return { ...exit, output, seconds: (performance.now() - sent) / 1000 };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('probe run, interrupted', () => {
  it('on SIGINT finishes the batches in flight, says how to resume, exits 130; the rerun completes the run', async () => {
    const total = await rowCount('whole');
    expect(total).toBe(50108);
    const cut = await interrupt('cut', 'SIGINT');
    expect(cut.signal, cut.output).toBeNull();
    expect(cut.code, cut.output).toBe(130);
    expect(cut.seconds).toBeLessThan(15);
    expect(cut.output).toMatch(/^interrupted: rerun with --run-id cut to resume$/m);
    expect(cut.output).not.toMatch(/\n\s+at /);
    const stored = await rowCount('cut');
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(total);
    // nothing of it is left connected: every transaction committed or rolled back
    expect(await probeConnections()).toBe(0);

    const rerun = await probe(['run', '--symbols', 'SYNTH', '--run-id', 'cut'], env());
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/combinations run, [1-9]\d* already stored \(resumed\)/);
    expect(await rowCount('cut')).toBe(total);
    expect(await digest('cut')).toBe(await digest('whole'));
  });

  it('on SIGTERM does the same and exits 143', async () => {
    const cut = await interrupt('term', 'SIGTERM');
    expect(cut.code, cut.output).toBe(143);
    expect(cut.output).toMatch(/^interrupted: rerun with --run-id term to resume$/m);
    const stored = await rowCount('term');
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(await rowCount('whole'));
  });
});

describe('probe run, its connection lost', () => {
  it('exits 2 with one line naming the write and how to resume; the rerun completes the run', async () => {
    // every connection of the run is ended, again and again, until it gives up: a write in flight meets it
    const cutConnections = async (exited: Promise<unknown>): Promise<void> => {
      let over = false;
      void exited.then(() => (over = true));
      const deadline = Date.now() + 60_000;
      while (!over && Date.now() < deadline) {
        await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'probe'`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const lost = await interrupt('lost', cutConnections);
    expect(lost.code, lost.output).toBe(2);
    expect(lost.output).toMatch(
      /^error: lost the connection to PostgreSQL during the write of SYNTH (15Min|1Hour|1Day)\b.*; rerun with --run-id lost to resume$/m,
    );
    expect(lost.output).not.toMatch(/\n\s+at /);
    expect(lost.output.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
    const stored = await rowCount('lost');
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(await rowCount('whole'));

    const rerun = await probe(['run', '--symbols', 'SYNTH', '--run-id', 'lost'], env());
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(await digest('lost')).toBe(await digest('whole'));
  });
});
