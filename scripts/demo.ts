/**
 * `make demo`: the main job end to end on the embedded default. Generates
 * sample bars for two symbols, imports them, runs every strategy x risk
 * profile x timeframe through `probe run` and prints the best and worst
 * strategies per timeframe by mean P&L, and how to look at the results
 * (the embedded server stops with the demo unless `probe db start` keeps it).
 */
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

const SYMBOLS = [
  { symbol: 'DEMOA', seed: 11, price: 180 },
  { symbol: 'DEMOB', seed: 23, price: 450 },
];
const BARS = 3000;

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

  const ranked = await db.pool.query<{ timeframe: string; name: string; trades: number; mean: number; rank_best: number; rank_worst: number }>(
    `WITH per_strategy AS (
       SELECT r.timeframe, s.name, sum(r.num_trades)::int AS trades,
              sum(r.pnl_mean * r.num_trades) / sum(r.num_trades) AS mean
       FROM strategy_probe_results r JOIN probe_strategies s ON s.id = r.strategy_id
       WHERE r.run_id = $1 GROUP BY r.timeframe, s.name HAVING sum(r.num_trades) >= 10)
     SELECT *, rank() OVER (PARTITION BY timeframe ORDER BY mean DESC) AS rank_best,
               rank() OVER (PARTITION BY timeframe ORDER BY mean ASC) AS rank_worst
     FROM per_strategy ORDER BY timeframe, mean DESC`,
    [runId],
  );
  for (const timeframe of SYNTHETIC_TIMEFRAMES) {
    const rows = ranked.rows.filter((r) => r.timeframe === timeframe);
    const line = (r: (typeof rows)[number]): string =>
      `    ${r.name.padEnd(34)} ${(r.mean * 100).toFixed(3).padStart(8)} % mean P&L over ${String(r.trades).padStart(5)} trades`;
    console.log(`\n${timeframe}: ${rows.reduce((n, r) => n + r.trades, 0)} trades by ${rows.length} strategies with 10 or more trades`);
    console.log('  best');
    rows.filter((r) => r.rank_best <= 3).forEach((r) => console.log(line(r)));
    console.log('  worst');
    rows.filter((r) => r.rank_worst <= 3).reverse().forEach((r) => console.log(line(r)));
  }
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
