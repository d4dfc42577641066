import { loadConfig } from '../../config/config.js';
import { type Database, isConnectionError, openDatabase } from '../../db/connect.js';
import { ensureStrategies } from '../../db/ensure-strategies.js';
import type { IndicatorEngine } from '../../indicators/engines.js';
import type { RunArgs } from '../commands/run.js';
import { ConnectionLostError, InputError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import { WorkerPool } from '../../run/pool.js';
import { registryFileWarning } from '../../registry/registry-file.js';
import { isRunId } from '../../registry/vocabulary.js';
import { newRunId, probeRun } from '../../run/probe-run.js';
import { parseDate, parseRiskProfiles, parseStrategies, parseTimeframes, splitList, workerCount } from '../options.js';
import { progressReporter } from '../progress.js';

/** How long an interrupted run waits for the batches it is writing to commit or roll back, and for an embedded server it started to stop. */
const INTERRUPT_GRACE_MS = 10_000;

/** The shell's code for a process ended by the signal: 128 + its number. */
const exitCode = (signal: NodeJS.Signals): number => (signal === 'SIGINT' ? 130 : 143);

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
  if (!isRunId(runId)) throw new InputError([`--run-id: ${JSON.stringify(runId)} must be 1-50 letters, digits or _.:-`]);
  const workers = workerCount(args.workers, config.engine.max_workers);

  const log = createLogger(config.logging).child({ command: 'run', run_id: runId });
  // the strategies run are those compiled into generated/: say so when the config's registry file holds others
  const registryWarning = registryFileWarning(config.strategies.registry_file);
  if (registryWarning !== undefined) log.warn({ event: 'registry_file_differs' }, registryWarning);
  const counts = {
    symbols: symbols.length,
    timeframes: timeframes.length,
    strategies: strategies.length,
    profiles: profiles.length,
    combinations: symbols.length * timeframes.length * strategies.length * profiles.length,
  };

  const progress = progressReporter(`run ${runId}`, log);
  let db: Database | undefined;
  let pool: WorkerPool | undefined;
  let closing: Promise<void> | undefined;
  // the worker pool first: no new combinations; then the database: pool.end() waits for the batches
  // being written to commit (or roll back), and close() stops an embedded server started here
  const closeAll = (): Promise<void> =>
    (closing ??= (async () => {
      await pool?.close();
      await db?.close();
    })());

  // SIGINT (Ctrl-C) and SIGTERM stop the run where it is: every batch is one transaction of whole
  // combinations, so what is stored is complete and a rerun with the run id does the rest
  let received: NodeJS.Signals | undefined;
  let stopping: Promise<never> | undefined;
  const resumeLine = `interrupted: rerun with --run-id ${runId} to resume`;
  const stop = async (signal: NodeJS.Signals): Promise<never> => {
    progress.end();
    log.warn({ event: 'run_interrupted', signal }, `${signal}: stopping run ${runId}; batches being written commit or roll back`);
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      closeAll().then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), INTERRUPT_GRACE_MS))),
    ]);
    clearTimeout(timer);
    if (!closed) log.warn({ event: 'run_interrupted', signal }, `still closing after ${INTERRUPT_GRACE_MS / 1000} s: what is not committed rolls back`);
    console.error(resumeLine);
    process.exit(exitCode(signal));
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      // a second Ctrl-C does not wait: uncommitted batches roll back as the connections drop
      console.error(resumeLine);
      process.exit(exitCode(signal));
    }
    received = signal;
    // before the database is open, the run stops as soon as it is (an embedded server being started is then stopped)
    if (db !== undefined) stopping = stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    db = await openDatabase(config);
    if (received !== undefined) stopping = stop(received);
    if (stopping) await stopping;
    pool = new WorkerPool(workers);
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
        skipped_no_bars: summary.skipped,
        trades: summary.engineTrades,
        trades_stored: summary.trades,
        persist_trades: args['persist-trades'] === true,
        result_rows: summary.resultRows,
        features_from_database: summary.featuresFromDatabase,
        features_computed: summary.featuresComputed,
        seconds: Number(summary.seconds.toFixed(3)),
      },
      `probe run ${runId} finished: ${summary.combinations} combinations run, ${summary.resumed} resumed, ` +
        `${summary.resultRows} result rows, ${summary.engineTrades} trades${args['persist-trades'] ? ' (stored)' : ''} in ${summary.seconds.toFixed(2)} s`,
    );
    console.log(
      `run ${summary.runId}: ${summary.combinations} combinations run${summary.resumed ? `, ${summary.resumed} already stored (resumed)` : ''}` +
        `${summary.skipped ? `, ${summary.skipped} skipped (no bars in the range)` : ''}; ` +
        `${summary.engineTrades} trades; ${summary.resultRows} result rows${args['persist-trades'] ? ` and ${summary.trades} trades` : ''} written in ${summary.seconds.toFixed(2)} s ` +
        `(features: ${summary.featuresFromDatabase} from computed_features, ${summary.featuresComputed} computed)`,
    );
  } catch (error) {
    // the run fails because it is being stopped (its workers are gone, its database closed): the stop ends the process
    if (stopping) await stopping;
    progress.end();
    // every committed batch holds whole combinations: nothing is half-written, and a rerun does the rest
    if (isConnectionError(error)) {
      const during = error instanceof ConnectionLostError ? error.during : 'the run';
      const cause = error instanceof ConnectionLostError ? error.cause : error;
      const reason = cause instanceof Error && cause.message !== '' ? ` (${cause.message})` : '';
      throw new InputError([`lost the connection to PostgreSQL during ${during}${reason}; rerun with --run-id ${runId} to resume`]);
    }
    throw error;
  } finally {
    if (stopping) await stopping;
    await closeAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
