import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INDICATOR_ENGINES } from '../../indicators/engines.js';
import type { BacktestArgs } from '../commands/backtest.js';
import { loadConfig } from '../../config/config.js';
import { isSymbol } from '../../registry/vocabulary.js';
import { InputError, StagedFileError } from '../../errors.js';
import { readBarsCsv } from '../../input/bars-csv.js';
import { StagedFiles } from '../../output/staged-files.js';
import { RUN_MANIFEST_FILE, type RunManifest, formatRunManifest } from '../../output/run-manifest.js';
import { REGISTRY_HASH } from '../../registry/registry.js';
import { isoSeconds } from '../../format/time.js';
import { probeVersion } from '../../version.js';
import { createLogger } from '../../logger.js';
import { RESULT_COLUMNS, TRADE_COLUMNS, headerLine } from '../../output/csv-rows.js';
import { WorkerPool } from '../../run/pool.js';
import { backtestCsv } from '../../run/backtest.js';
import { isTimeframe, orderTimeframes, parseRiskProfiles, parseStrategies, parseTimeframes, workerCount } from '../options.js';
import { progressReporter } from '../progress.js';

const BARS_FILE = /^bars_(.*)\.csv$/;

/**
 * The default --timeframes: those of the bars_<TF>.csv files in `dir`, the
 * usual ones first (15Min, 1Hour, 1Day), so a folder holding only some of
 * them is backtested on what it has.
 */
export function timeframesInFolder(dir: string): string[] {
  const named = readdirSync(dir).flatMap((file) => BARS_FILE.exec(file)?.[1] ?? []);
  const timeframes = named.filter(isTimeframe);
  if (timeframes.length > 0) return orderTimeframes(timeframes);
  const ignored = named.length > 0 ? ` (${named.map((t) => `bars_${t}.csv`).join(', ')}: not named after a timeframe)` : '';
  throw new InputError([
    `--data: ${dir} holds no bars file: expected files named bars_<TF>.csv such as bars_15Min.csv, bars_1Hour.csv or bars_1Day.csv${ignored}`,
  ]);
}

export async function backtest(args: BacktestArgs): Promise<void> {
  // every check comes before any work, and nothing is written unless all succeeds; flags override the config
  const config = loadConfig(args.config);
  const named = args.timeframes === undefined ? undefined : parseTimeframes(args.timeframes);
  const strategies = parseStrategies(args.strategies);
  const profiles = parseRiskProfiles(args['risk-profiles'] ?? config.engine.risk_profiles.join(','));
  const workers = workerCount(args.workers, config.engine.max_workers);
  const indicatorEngine = args.indicators ?? 'port';
  if (!INDICATOR_ENGINES.includes(indicatorEngine)) {
    throw new InputError([`--indicators: unknown indicator engine ${JSON.stringify(indicatorEngine)} (expected ${INDICATOR_ENGINES.join(', ')})`]);
  }
  const symbol = args.symbol.trim();
  if (!isSymbol(symbol)) throw new InputError([`--symbol: ${JSON.stringify(args.symbol)} is not a ticker symbol`]);
  if (!existsSync(args.data) || !statSync(args.data).isDirectory()) throw new InputError([`--data: ${args.data} is not a folder`]);
  const timeframes = named ?? timeframesInFolder(args.data);
  const problems: string[] = [];
  const datasets = timeframes.flatMap((timeframe) => {
    try {
      return [{ timeframe, bars: readBarsCsv(join(args.data, `bars_${timeframe}.csv`)) }];
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
      return [];
    }
  });
  if (problems.length > 0) throw new InputError(problems);

  // chosen from the folder, not by the user: say which, before the work
  if (named === undefined) console.log(`timeframes: ${timeframes.join(', ')} (from bars_*.csv in ${args.data})`);
  const log = createLogger(config.logging).child({ command: 'backtest', symbol });
  const counts = {
    symbols: 1,
    timeframes: timeframes.length,
    strategies: strategies.length,
    profiles: profiles.length,
    combinations: timeframes.length * strategies.length * profiles.length,
  };
  const started = performance.now();
  const tradesPath = join(args.out, 'trades.csv');
  const resultsPath = join(args.out, 'results.csv');
  const manifestPath = join(args.out, RUN_MANIFEST_FILE);
  // what `probe report --from` needs to know about this run: every combination, and where its bars are
  const manifest: RunManifest = {
    probe_version: probeVersion(),
    registry_hash: REGISTRY_HASH,
    symbol,
    data: resolve(args.data),
    timeframes,
    strategies: strategies.map((s) => s.id).sort((a, b) => a - b),
    risk_profiles: [...profiles],
    indicators: indicatorEngine,
    bars: Object.fromEntries(
      datasets.map(({ timeframe, bars }) => [
        timeframe,
        {
          file: resolve(args.data, `bars_${timeframe}.csv`),
          count: bars.length,
          first: bars.length > 0 ? isoSeconds(bars.time[0]!) : null,
          last: bars.length > 0 ? isoSeconds(bars.time[bars.length - 1]!) : null,
        },
      ]),
    ),
  };
  // both files grow as combinations finish, under temporary names until all succeeded
  let files: StagedFiles;
  try {
    files = new StagedFiles([tradesPath, resultsPath, manifestPath]);
  } catch (error) {
    if (error instanceof StagedFileError) throw new InputError([`--out: ${error.message}`]);
    throw error;
  }
  // an interrupted run leaves the output folder as it was, without temporary files
  const interrupted = (signal: NodeJS.Signals, code: number) => (): void => {
    files.abort();
    console.error(`${signal}: backtest interrupted; ${args.out} left as it was`);
    process.exit(code);
  };
  const onInt = interrupted('SIGINT', 130);
  const onTerm = interrupted('SIGTERM', 143);
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  const pool = new WorkerPool(workers);
  const progress = progressReporter('backtest', log);
  let committed = false;
  let replacedRemoved: Promise<void> = Promise.resolve();
  try {
    log.info(
      { event: 'run_start', ...counts, workers: pool.size, indicators: indicatorEngine, data: args.data, out: args.out },
      `backtest ${symbol}: ${timeframes.join(', ')} x ${strategies.length} strategies x ${profiles.join(', ')} (${counts.combinations} combinations)`,
    );
    const encoder = new TextEncoder();
    files.write(0, encoder.encode(headerLine(TRADE_COLUMNS)));
    files.write(1, encoder.encode(headerLine(RESULT_COLUMNS)));
    let trades = 0;
    let rows = 0;
    const timing = await backtestCsv(
      { datasets, strategies, profiles, pool, symbol, indicatorEngine, onProgress: progress.update },
      (done) => {
        files.write(0, done.trades);
        files.write(1, done.results);
        trades += done.tradeCount;
        rows += done.rowCount;
      },
    );
    files.write(2, encoder.encode(formatRunManifest(manifest)));
    replacedRemoved = files.commit();
    committed = true;
    progress.end();
    const seconds = (performance.now() - started) / 1000;
    log.info(
      {
        event: 'run_finish',
        ...counts,
        trades,
        result_rows: rows,
        indicator_seconds: Number(timing.indicatorSeconds.toFixed(3)),
        engine_seconds: Number(timing.engineSeconds.toFixed(3)),
        seconds: Number(seconds.toFixed(3)),
        // the whole process, workers included: what the machine had to give this run
        peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      `backtest ${symbol} finished: ${counts.combinations} combinations, ${trades} trades, ${rows} result rows in ${seconds.toFixed(2)} s`,
    );
    console.log(
      `${counts.combinations} combinations: ${trades} trades -> ${tradesPath}, ${rows} result rows -> ${resultsPath} ` +
        `(indicators ${timing.indicatorSeconds.toFixed(2)} s, engine and output ${timing.engineSeconds.toFixed(2)} s, ${pool.size} workers)`,
    );
  } finally {
    // a failed run's error starts on a line of its own, not on the bar's (end() twice is harmless)
    progress.end();
    if (!committed) files.abort();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    await pool.close();
    await replacedRemoved;
  }
}
