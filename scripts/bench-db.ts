/**
 * `make bench`, database part: what a user meets, a fresh `probe run`
 * process from start to exit, against PostgreSQL's own ingest speed.
 *
 *   1. `probe run` of 1 symbol x 900 combinations (3 timeframes x 100
 *      strategies x 3 risk profiles, 10,000 bars per timeframe), cold,
 *      median of 3; next to it, in the same rounds, a single-connection
 *      COPY of the very same rows (as COPY text, in memory) into an empty
 *      strategy_probe_results of the same DDL in the schema bench_copy:
 *      what psql's \copy would take. The target is probe run <= 1.15x COPY.
 *   2. 10 symbols x 9000 combinations, one cold `probe run`: <= 10x the
 *      single symbol's time.
 *   3. A breakdown from the same processes: start-up and connecting vs the
 *      run itself (its own report).
 *
 * Database: DATABASE_URL when set (its settings as they are), else the
 * database probe_bench in the embedded PostgreSQL probe starts itself (with
 * its settings, runtime/db/embedded.ts). Bars are imported once; every
 * timed write starts after a CHECKPOINT, and every run's rows are deleted
 * (and vacuumed) afterwards.
 */
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { STRATEGIES } from '../generated/index.js';
import { TABLES } from '../runtime/db/schema.js';
import { RISK_PROFILE_NAMES } from '../runtime/engine/risk-profiles.js';
import { SYNTHETIC_TIMEFRAMES } from '../runtime/input/synthetic-bars.js';
import {
  BARS, SYMBOLS, type BenchDatabase, type ProcessResult, benchDatabase, checkpoint, count, dropRuns, median, prepareBars,
  probeProcess, seconds, verdict, writeSettings,
} from './bench-support.js';

const ROUNDS = Number(process.env.BENCH_DB_ROUNDS ?? 3);
const COPY_RATIO_TARGET = 1.15;
const SCALE_TARGET = 10;
/** What probe writes per result row; the rest of strategy_probe_results takes its defaults. */
const RESULT_COLUMNS = [
  'run_id', 'symbol', 'strategy_id', 'strategy_version', 'period_start', 'period_end', 'timeframe', 'risk_profile',
  'open_day', 'open_hour', 'long_short', 'num_trades', 'pnl_mean', 'pnl_std', 'max_drawdown', 'max_profit',
].join(', ');
const COPY_SCHEMA = 'bench_copy';
/** COPY data goes to the server in pieces of this size, as a client streaming a file would send it. */
const COPY_CHUNK = 1 << 20;

/**
 * A fresh schema with strategy_probe_results exactly as runtime/db/schema.ts
 * creates it (columns, unique constraint, indexes), its foreign key going to
 * public.probe_strategies (the schema has no probe_strategies of its own).
 */
async function createCopySchema(pool: pg.Pool): Promise<void> {
  const table = TABLES.find((t) => t.name === 'strategy_probe_results')!;
  const client = await pool.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${COPY_SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${COPY_SCHEMA}`);
    await client.query(`SET search_path TO ${COPY_SCHEMA}, public`);
    await client.query(table.create);
    for (const index of table.indexes) await client.query(index);
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = 'strategy_probe_results'`,
      [COPY_SCHEMA],
    );
    if (rows[0]!.n !== table.indexes.length + 2) throw new Error(`${COPY_SCHEMA}.strategy_probe_results has ${rows[0]!.n} indexes`);
  } finally {
    await client.query('RESET search_path').catch(() => {});
    client.release();
  }
}

/** A run's result rows as COPY text, in memory. */
async function exportRows(pool: pg.Pool, runId: string): Promise<Buffer> {
  const client = await pool.connect();
  try {
    const stream = client.query(
      copyTo(`COPY (SELECT ${RESULT_COLUMNS} FROM strategy_probe_results WHERE run_id = ${pg.escapeLiteral(runId)} ORDER BY id) TO STDOUT`),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } finally {
    client.release();
  }
}

/** COPY ... FROM STDIN of `data` on one connection, autocommit, like psql's \copy; timed from the statement to its commit. */
async function copyIn(db: BenchDatabase, data: Buffer): Promise<{ seconds: number; rows: number }> {
  const client = new pg.Client({ connectionString: db.url, application_name: 'probe-bench-copy' });
  await client.connect();
  try {
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < data.length; offset += COPY_CHUNK) chunks.push(data.subarray(offset, offset + COPY_CHUNK));
    const started = performance.now();
    const stream = client.query(copyFrom(`COPY ${COPY_SCHEMA}.strategy_probe_results (${RESULT_COLUMNS}) FROM STDIN`));
    await pipeline(Readable.from(chunks), stream);
    return { seconds: (performance.now() - started) / 1000, rows: stream.rowCount };
  } finally {
    await client.end();
  }
}

/** The run's own seconds (its run_finish log line): what is left of the process's time is start-up, connecting and closing. */
function ownSeconds(run: ProcessResult): number | undefined {
  for (const line of run.stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { event?: string; seconds?: number };
      if (entry.event === 'run_finish' && typeof entry.seconds === 'number') return entry.seconds;
    } catch {
      // a line that is not JSON
    }
  }
  return undefined;
}

const db = await benchDatabase();
const env = { ...process.env, DATABASE_URL: db.url };
const runArgs = (symbols: readonly string[], runId: string): string[] => [
  'run', '--symbols', symbols.join(','), '--timeframes', SYNTHETIC_TIMEFRAMES.join(','),
  '--risk-profiles', RISK_PROFILE_NAMES.join(','), '--run-id', runId,
];
const rowsOf = async (runId: string): Promise<number> =>
  (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = $1', [runId])).rows[0]!.n;
const tag = `bench-${process.pid}`;

try {
  console.log(`probe bench (database): ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), node ${process.version}`);
  console.log(`database: ${db.label}`);
  console.log(`  ${await writeSettings(db.pool)}`);
  await prepareBars(db.pool, SYMBOLS);
  // rows of an interrupted earlier bench would slow every measurement down
  await dropRuns(db.pool, 'bench-%');
  await createCopySchema(db.pool);
  const combinations = SYNTHETIC_TIMEFRAMES.length * STRATEGIES.length * RISK_PROFILE_NAMES.length;
  console.log(`bars: ${SYMBOLS[0]}..${SYMBOLS.at(-1)}, ${SYNTHETIC_TIMEFRAMES.join(',')} x ${count(BARS)} bars each`);
  console.log('');

  console.log(
    `1. 1 symbol x ${count(combinations)} combinations: a cold \`probe run --symbols ${SYMBOLS[0]}\` (start to exit) ` +
      `vs PostgreSQL's single-connection COPY of the same rows into an empty ${COPY_SCHEMA}.strategy_probe_results (same DDL), ${ROUNDS} rounds:`,
  );
  const runs: number[] = [];
  const own: number[] = [];
  const copies: number[] = [];
  let text: Buffer | undefined;
  let rows = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const runId = `${tag}-one-${round}`;
    await checkpoint(db.pool);
    const run = await probeProcess(runArgs([SYMBOLS[0]!], runId), env);
    runs.push(run.seconds);
    const inside = ownSeconds(run);
    if (inside !== undefined) own.push(inside);
    rows = await rowsOf(runId);
    text ??= await exportRows(db.pool, runId);
    await dropRuns(db.pool, runId);

    await db.pool.query(`TRUNCATE ${COPY_SCHEMA}.strategy_probe_results`);
    await checkpoint(db.pool);
    const copy = await copyIn(db, text);
    copies.push(copy.seconds);
    if (copy.rows !== rows) throw new Error(`COPY stored ${copy.rows} rows, probe run ${rows}`);
    // emptied at once: autovacuum must not wake up for it during the next probe run
    await db.pool.query(`TRUNCATE ${COPY_SCHEMA}.strategy_probe_results`);
    console.log(
      `  round ${round + 1}: probe run ${seconds(run.seconds)}${inside === undefined ? '' : ` (its own report: ${seconds(inside)})`}, ` +
        `COPY ${seconds(copy.seconds)}, ${count(rows)} rows`,
    );
  }
  const one = median(runs);
  const copy = median(copies);
  console.log(`  probe run, cold process, start to exit       median ${seconds(one)}  (${count(rows)} result rows)`);
  console.log(`  PostgreSQL COPY of the same rows, 1 conn.    median ${seconds(copy)}  (${(text!.length / 2 ** 20).toFixed(1)} MiB of COPY text)`);
  console.log(`  probe run / COPY                             ${(one / copy).toFixed(2)}x  (target <= ${COPY_RATIO_TARGET}x: ${verdict(one / copy <= COPY_RATIO_TARGET)})`);
  console.log('');

  console.log(`2. ${SYMBOLS.length} symbols x ${count(combinations * SYMBOLS.length)} combinations (${SYMBOLS[0]}..${SYMBOLS.at(-1)}), one cold \`probe run\`:`);
  const manyId = `${tag}-many`;
  await checkpoint(db.pool);
  const many = await probeProcess(runArgs(SYMBOLS, manyId), env);
  const manyRows = await rowsOf(manyId);
  const manyOwn = ownSeconds(many);
  await dropRuns(db.pool, manyId);
  console.log(`  probe run, cold process, start to exit       ${seconds(many.seconds)}  (${count(manyRows)} result rows)`);
  console.log(
    `  / the 1-symbol median                        ${(many.seconds / one).toFixed(2)}x  (target <= ${SCALE_TARGET}x: ${verdict(many.seconds / one <= SCALE_TARGET)})`,
  );
  console.log('');

  console.log('3. breakdown of the cold processes above (not a headline):');
  if (own.length > 0) {
    const inside = median(own);
    console.log(`  1 symbol: the run itself ${seconds(inside)} (its run_finish log line), start-up, connecting and closing ${seconds(one - inside)}`);
  }
  if (manyOwn !== undefined) {
    console.log(`  ${SYMBOLS.length} symbols: the run itself ${seconds(manyOwn)}, start-up, connecting and closing ${seconds(many.seconds - manyOwn)}`);
  }
  console.log(`  COPY: ${count(Math.round(rows / copy))} rows/s, ${(text!.length / 2 ** 20 / copy).toFixed(1)} MiB/s into the table, its indexes and its foreign key`);
} finally {
  await db.pool.query(`DROP SCHEMA IF EXISTS ${COPY_SCHEMA} CASCADE`).catch(() => {});
  await dropRuns(db.pool, `${tag}-%`).catch(() => {});
  await db.close();
}
