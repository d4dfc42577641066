/**
 * What the database and API benchmarks share: the bench database, its
 * synthetic bars, fresh `probe` processes, and percentiles.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { importBars, tickerExists } from '../runtime/db/bars.js';
import { redact } from '../runtime/db/connect.js';
import { createDatabaseIfMissing, startEmbedded } from '../runtime/db/embedded.js';
import { initSchema } from '../runtime/db/schema.js';
import { SYNTHETIC_TIMEFRAMES, syntheticBars } from '../runtime/input/synthetic-bars.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist/cli.js');
export const BARS = 10_000;
export const SYMBOLS = Array.from({ length: 10 }, (_, k) => `BENCH${String(k).padStart(2, '0')}`);
/** The embedded server's database for benchmarks: the user's own `probe` database is left alone. */
const BENCH_DATABASE = 'probe_bench';

export interface BenchDatabase {
  /** DATABASE_URL for the `probe` processes under test. */
  readonly url: string;
  /** Where it is, without credentials. */
  readonly label: string;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set (a user's own server, its settings as they are),
 * else the database `probe_bench` in the embedded PostgreSQL that probe
 * itself would start (same data folder, port and settings), created on
 * first use. The shared tables are created when missing.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  const configured = process.env.DATABASE_URL || undefined;
  const server = configured === undefined ? await startEmbedded() : undefined;
  let url = configured ?? '';
  if (server) {
    const admin = new URL(server.connectionString);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await createDatabaseIfMissing(client, BENCH_DATABASE);
    } finally {
      await client.end();
    }
    admin.pathname = `/${BENCH_DATABASE}`;
    url = admin.toString();
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'probe-bench', options: '-c extra_float_digits=3' });
  pool.on('error', () => {});
  try {
    await initSchema(pool);
    const version = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v.split(' ')[0]!;
    const label = `${server ? 'embedded ' : ''}PostgreSQL ${version} (${redact(url)})`;
    return {
      url,
      label,
      pool,
      close: async () => {
        await pool.end();
        await server?.stop();
      },
    };
  } catch (error) {
    await pool.end();
    await server?.stop();
    throw error;
  }
}

/** BENCHnn: 3 timeframes x 10,000 synthetic bars each, imported once (seeded by the symbol's number). */
export async function prepareBars(pool: pg.Pool, symbols: readonly string[]): Promise<void> {
  for (const symbol of symbols) {
    if (await tickerExists(pool, symbol)) continue;
    const seed = SYMBOLS.indexOf(symbol) + 1;
    for (const [k, timeframe] of SYNTHETIC_TIMEFRAMES.entries()) {
      await importBars(pool, symbol, timeframe, syntheticBars(timeframe, BARS, seed * 10 + k, 40 + seed * 7));
    }
  }
}

/** Server settings that decide bulk-write speed, as the server reports them. */
export async function writeSettings(pool: pg.Pool): Promise<string> {
  const names = ['shared_buffers', 'wal_buffers', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit', 'fsync'];
  const { rows } = await pool.query<{ name: string; setting: string }>(
    'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1)',
    [names],
  );
  const byName = new Map(rows.map((r) => [r.name, r.setting]));
  return names.map((n) => `${n}=${byName.get(n) ?? '?'}`).join(' ');
}

/**
 * A checkpoint, so that every timed write starts from the same state (no
 * checkpoint of an earlier measurement's WAL running underneath it). Needs
 * superuser or pg_checkpoint; without, measurements go on without it.
 */
export async function checkpoint(pool: pg.Pool): Promise<void> {
  await pool.query('CHECKPOINT').catch(() => {});
}

/** Removes a run's result rows and vacuums, so that autovacuum does not wake up inside the next measurement. */
export async function dropRuns(pool: pg.Pool, pattern: string): Promise<number> {
  const deleted = await pool.query('DELETE FROM strategy_probe_results WHERE run_id LIKE $1', [pattern]);
  if ((deleted.rowCount ?? 0) > 0) await pool.query('VACUUM (ANALYZE) strategy_probe_results');
  return deleted.rowCount ?? 0;
}

export interface ProcessResult {
  readonly seconds: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fresh `probe` process (the bundle in dist/), timed from spawn to exit; a non-zero exit throws. */
export function probeProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run make build first`);
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', fail);
    child.once('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) done({ seconds, stdout, stderr });
      else fail(new Error(`probe ${args.join(' ')} exited with ${code}:\n${stderr.slice(-4000)}`));
    });
  });
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const seconds = (s: number): string => `${s.toFixed(2)} s`;
export const count = (n: number): string => n.toLocaleString('en');
/** "met" or "NOT met", for a figure printed next to its target. */
export const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
