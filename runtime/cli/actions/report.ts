import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../config/config.js';
import { type Database, openDatabase } from '../../db/connect.js';
import { InputError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import { loadBacktestReport } from '../../report/from-backtest.js';
import { formatLeaderboards } from '../../report/leaderboard.js';
import type { ReportData, SummaryRow } from '../../report/model.js';
import { summarize } from '../../report/summary.js';
import { type WrittenReport, writeReport } from '../../report/write-report.js';
import { isRunId } from '../../registry/vocabulary.js';
import { WorkerPool } from '../../run/pool.js';
import type { ReportArgs } from '../commands/report.js';
import { splitList, workerCount } from '../options.js';
import { progressReporter } from '../progress.js';

export async function report(args: ReportArgs): Promise<void> {
  const config = loadConfig(args.config);
  if ((args.from === undefined) === (args['run-id'] === undefined)) {
    throw new InputError(['name what to report: --from OUT (a probe backtest output folder) or --run-id ID (a database run), one of them']);
  }
  if (args.from !== undefined && args.symbols !== undefined) throw new InputError(['--symbols: only with --run-id (a backtest folder holds one symbol)']);
  if (args['run-id'] !== undefined && args.data !== undefined) throw new InputError(['--data: only with --from (a database run reads its bars from the database)']);
  const runId = args['run-id'];
  if (runId !== undefined && !isRunId(runId)) throw new InputError([`--run-id: ${JSON.stringify(runId)} must be 1-50 letters, digits or _.:-`]);
  const workers = workerCount(args.workers, config.engine.max_workers);
  const log = createLogger(config.logging).child({ command: 'report' });
  const started = performance.now();

  // one worker: it computes the indicator columns (for the overlays) while this thread reads trades.csv, and
  // encodes the justification texts for index.html while this thread encodes the rest; a second would only
  // compete with this thread for one of the two cores such a machine has
  const pool = new WorkerPool(1);
  let data: ReportData;
  let summary: SummaryRow[];
  let written: WrittenReport;
  try {
    if (args.from !== undefined) {
      data = await loadBacktestReport(args.from, { data: args.data, pool });
    } else {
      const symbols = args.symbols === undefined ? undefined : splitList(args.symbols).map((s) => s.toUpperCase());
      if (symbols !== undefined && symbols.length === 0) throw new InputError(['--symbols: no symbol given']);
      const { loadDatabaseReport } = await import('../../report/from-db.js');
      let db: Database | undefined;
      const progress = progressReporter(`report ${runId}: recomputing trades`, log);
      try {
        db = await openDatabase(config);
        data = await loadDatabaseReport(db.pool, { runId: runId!, symbols, workers, onProgress: progress.update });
      } finally {
        progress.end();
        await db?.close();
      }
    }
    summary = summarize(data);
    written = await writeReport(data, summary, args.out, pool);
  } finally {
    await pool.close();
  }
  console.log(formatLeaderboards(summary));
  if (data.run.verification !== null) console.log(`trades recomputed: ${data.run.verification}`);
  const seconds = (performance.now() - started) / 1000;
  log.info(
    { event: 'report_finish', combinations: summary.length, trades: data.trades.count, html_bytes: written.htmlBytes, seconds: Number(seconds.toFixed(3)) },
    `report: ${summary.length} rows -> ${written.summaryPath}, ${written.htmlPath} (${(written.htmlBytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s`,
  );
  console.log(`${summary.length} rows -> ${written.summaryPath}; report -> ${written.htmlPath} (${(written.htmlBytes / 1e6).toFixed(1)} MB)`);
}
