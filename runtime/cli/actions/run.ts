import { loadConfig } from '../../config/config.js';
import { openDatabase } from '../../db/connect.js';
import { ensureStrategies } from '../../db/ensure-strategies.js';
import type { IndicatorEngine } from '../../indicators/engines.js';
import type { RunArgs } from '../commands/run.js';
import { InputError } from '../../io/bars-csv.js';
import { createLogger } from '../../log/logger.js';
import { WorkerPool } from '../../pool/pool.js';
import { newRunId, probeRun } from '../../run/probe-run.js';
import { parseRiskProfiles, parseStrategies, parseTimeframes, parseWorkers, splitList } from '../options.js';
import { progressReporter } from '../progress.js';

/** `2025-01-31` is that whole day; an ISO time is taken as is. */
export function parseDate(flag: string, value: string | undefined, endOfDay: boolean): { query: number; stored: number } | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new InputError([`${flag}: ${JSON.stringify(value)} is not a date like 2025-01-31`]);
  // the Python system stores the date as given (midnight) but a user means the whole day
  return { query: dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms, stored: ms };
}

export async function run(args: RunArgs): Promise<void> {
  const config = loadConfig(args.config);
  const symbols = splitList(args.symbols).map((s) => s.toUpperCase());
  if (symbols.length === 0) throw new InputError(['--symbols: no symbol given']);
  const timeframes = parseTimeframes(args.timeframes ?? config.engine.timeframes.join(','));
  const profiles = parseRiskProfiles(args['risk-profiles'] ?? config.engine.risk_profiles.join(','));
  const strategies = parseStrategies(args.strategies);
  const start = parseDate('--start', args.start, false);
  const end = parseDate('--end', args.end, true);
  const runId = args['run-id'] ?? newRunId();
  if (!/^[A-Za-z0-9_.:-]{1,50}$/.test(runId)) throw new InputError([`--run-id: ${JSON.stringify(runId)} must be 1-50 letters, digits or _.:-`]);
  const workers = parseWorkers(args.workers) ?? (config.engine.max_workers > 0 ? config.engine.max_workers : undefined);

  const log = createLogger(config.logging).child({ command: 'run', run_id: runId });
  const counts = {
    symbols: symbols.length,
    timeframes: timeframes.length,
    strategies: strategies.length,
    profiles: profiles.length,
    combinations: symbols.length * timeframes.length * strategies.length * profiles.length,
  };

  const db = await openDatabase(config);
  const pool = new WorkerPool(workers);
  const progress = progressReporter(`run ${runId}`);
  try {
    // db.label is the connection string through redact(): never a password
    log.info(
      { event: 'run_start', ...counts, workers: pool.size, database: db.label },
      `probe run ${runId}: ${symbols.join(', ')} x ${timeframes.join(', ')} x ${strategies.length} strategies x ${profiles.join(', ')} ` +
        `(${counts.combinations} combinations) on ${db.label}`,
    );
    const strategyIds = await ensureStrategies(db.pool, strategies);
    const summary = await probeRun(db.pool, pool, {
      symbols,
      timeframes,
      profiles,
      strategies,
      start: start?.query,
      end: end?.query,
      periodStart: start?.stored,
      periodEnd: end?.stored,
      runId,
      persistTrades: args['persist-trades'] === true,
      batchRows: config.engine.db_batch_size,
      strategyIds,
      indicatorEngine: args.indicators as IndicatorEngine,
      onProgress: progress.update,
      onNote: (message) => log.warn({ event: 'run_note' }, message),
    });
    progress.end();
    log.info(
      {
        event: 'run_finish',
        ...counts,
        combinations_run: summary.combinations,
        resumed: summary.resumed,
        trades: summary.trades,
        persist_trades: args['persist-trades'] === true,
        result_rows: summary.resultRows,
        features_from_database: summary.featuresFromDatabase,
        features_computed: summary.featuresComputed,
        seconds: Number(summary.seconds.toFixed(3)),
      },
      `probe run ${runId} finished: ${summary.combinations} combinations run, ${summary.resumed} resumed, ` +
        `${summary.resultRows} result rows, ${summary.trades} trades stored in ${summary.seconds.toFixed(2)} s`,
    );
    console.log(
      `run ${summary.runId}: ${summary.combinations} combinations run${summary.resumed ? `, ${summary.resumed} already stored (resumed)` : ''}; ` +
        `${summary.resultRows} result rows${args['persist-trades'] ? `, ${summary.trades} trades` : ''} written in ${summary.seconds.toFixed(2)} s ` +
        `(features: ${summary.featuresFromDatabase} from computed_features, ${summary.featuresComputed} computed)`,
    );
  } finally {
    await pool.close();
    await db.close();
  }
}
