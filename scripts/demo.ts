/**
 * `make demo`: the main job end to end on the embedded default. Generates
 * sample bars for two symbols, imports them, runs every strategy x risk
 * profile x timeframe through `probe run`, then reports the run as
 * `probe report --run-id` does (the trades recomputed and verified against
 * the stored rows; .probe/demo-report/index.html and summary.csv) and prints
 * the leaderboard, and how to look at the results (the embedded server stops
 * with the demo unless `probe db start` keeps it).
 */
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { STRATEGIES } from '../generated/index.js';
import { loadConfig } from '../runtime/config/config.js';
import { importBars } from '../runtime/db/bars.js';
import { type Database, openDatabase } from '../runtime/db/connect.js';
import { embeddedStatus } from '../runtime/db/embedded.js';
import { ensureStrategies } from '../runtime/db/ensure-strategies.js';
import { RISK_PROFILE_NAMES } from '../runtime/engine/risk-profiles.js';
import { WorkerPool } from '../runtime/run/pool.js';
import { newRunId, probeRun } from '../runtime/run/probe-run.js';
import { SYNTHETIC_TIMEFRAMES, syntheticBars } from '../runtime/input/synthetic-bars.js';
import { loadDatabaseReport } from '../runtime/report/from-db.js';
import { formatLeaderboards } from '../runtime/report/leaderboard.js';
import { summarize } from '../runtime/report/summary.js';
import { writeReport } from '../runtime/report/write-report.js';

const SYMBOLS = [
  { symbol: 'DEMOA', seed: 11, price: 180 },
  { symbol: 'DEMOB', seed: 23, price: 450 },
];
const BARS = 3000;
const REPORT_DIR = join(resolve(import.meta.dirname, '..'), '.probe', 'demo-report');

const started = performance.now();
const config = loadConfig(undefined);
const db = await openDatabase(config);
const workers = new WorkerPool();
const runId = `demo-${newRunId()}`;
try {
  console.log(`database: ${db.label}`);
  for (const { symbol, seed, price } of SYMBOLS) {
    for (const timeframe of SYNTHETIC_TIMEFRAMES) {
      const { inserted } = await importBars(db.pool, symbol, timeframe, syntheticBars(timeframe, BARS, seed, price));
      console.log(`imported ${symbol} ${timeframe}: ${inserted} new bars`);
    }
  }
  const strategyIds = await ensureStrategies(db.pool, STRATEGIES);
  const summary = await probeRun(db.pool, workers, {
    symbols: SYMBOLS.map((s) => s.symbol),
    timeframes: SYNTHETIC_TIMEFRAMES,
    profiles: RISK_PROFILE_NAMES,
    strategies: STRATEGIES,
    runId,
    persistTrades: false,
    batchRows: config.engine.db_batch_size,
    strategyIds,
  });
  console.log(`run ${runId}: ${summary.combinations} combinations, ${summary.resultRows} result rows in ${summary.seconds.toFixed(2)} s`);


  // what a quant looks at next: the report of the run (its trades were not stored, so they are recomputed and checked)
  const report = await loadDatabaseReport(db.pool, { runId, workerPool: workers });
  const rows = summarize(report);
  const written = await writeReport(report, rows, REPORT_DIR);
  console.log(`\n${formatLeaderboards(rows)}`);
  console.log(`trades recomputed: ${report.run.verification}`);
  console.log(`report: ${written.htmlPath} (open it in a browser), ${written.summaryPath}`);
} finally {
  await workers.close();
  await db.close();
}
console.log(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(await whereToLook(db, runId));

/** Where the run's rows are and the commands that reach them, once the database is closed (an embedded server started here has stopped). */
async function whereToLook(database: Database, run: string): Promise<string> {
  const query = `  npx probe db psql -c "SELECT count(*) AS result_rows, sum(num_trades) AS trades FROM strategy_probe_results WHERE run_id = '${run}'"`;
  const stored = `run ${run} is in strategy_probe_results`;
  if (!database.embedded) return `${stored} of ${database.label}; to look at it:\n${query}`;
  const { dataDir, server } = await embeddedStatus();
  if (server?.kept) {
    return [`${stored} of the embedded PostgreSQL (data ${dataDir}), which keeps running (probe db start); to look at it:`, query, '  npx probe db stop    # when done'].join('\n');
  }
  return [
    `${stored} of the embedded PostgreSQL (data ${dataDir}), which stopped with the demo; to look at it:`,
    '  npx probe db start   # starts it and keeps it running',
    query,
    '  npx probe db stop    # when done',
  ].join('\n');
}
