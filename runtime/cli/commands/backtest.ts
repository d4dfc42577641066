import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { INDICATOR_ENGINES, type IndicatorEngine } from '../../indicators/compute.js';
import { loadConfig } from '../../config/config.js';
import { InputError, readBarsCsv } from '../../io/bars-csv.js';
import { writeFilesAtomically } from '../../io/atomic-write.js';
import { csvLine } from '../../io/csv.js';
import { createLogger } from '../../log/logger.js';
import { RESULT_COLUMNS, TRADE_COLUMNS, resultFields, tradeFields } from '../../io/records.js';
import { WorkerPool } from '../../pool/pool.js';
import { runBacktest } from '../../run/backtest.js';
import { parseRiskProfiles, parseStrategies, parseTimeframes, parseWorkers } from '../options.js';
import { progressReporter } from '../progress.js';

export interface BacktestArgs {
  data: string;
  symbol: string;
  out: string;
  timeframes?: string;
  strategies?: string;
  'risk-profiles'?: string;
  workers?: number;
  indicators?: IndicatorEngine;
  config?: string;
}

export function backtestCommand(yargs: Argv): Argv {
  return yargs.command<BacktestArgs>(
    'backtest',
    'Backtest strategies on CSV bars (DIR/bars_<TF>.csv); write OUT/trades.csv and OUT/results.csv',
    (y) =>
      y
        .option('data', { type: 'string', demandOption: true, describe: 'folder holding bars_<TF>.csv files' })
        .option('symbol', { type: 'string', demandOption: true, describe: 'symbol written to the output rows' })
        .option('out', { type: 'string', demandOption: true, describe: 'output folder (created if missing)' })
        .option('timeframes', { type: 'string', describe: 'comma-separated timeframes (default: config engine.timeframes, 15Min,1Hour,1Day)' })
        .option('strategies', { type: 'string', describe: 'comma-separated strategy ids or names (default: all)' })
        .option('risk-profiles', { type: 'string', describe: 'comma-separated risk profiles (default: config engine.risk_profiles, low,medium,high)' })
        .option('workers', { type: 'number', describe: 'worker threads (default: config engine.max_workers, 0 = one per core)' })
        .option('config', { type: 'string', describe: 'config.yaml (default: ./config.yaml when present): engine defaults and logging' })
        .option('indicators', {
          choices: INDICATOR_ENGINES,
          default: 'port' as IndicatorEngine,
          describe: 'indicator engine: TypeScript ports of TA-Lib 0.6.0 (fast, verified bit-identical) or the talib package itself',
        }) as unknown as Argv<BacktestArgs>,
    async (args) => {
      await backtest(args);
    },
  );
}

export async function backtest(args: BacktestArgs): Promise<void> {
  // every check comes before any work, and nothing is written unless all succeeds; flags override the config
  const config = loadConfig(args.config);
  const timeframes = parseTimeframes(args.timeframes ?? config.engine.timeframes.join(','));
  const strategies = parseStrategies(args.strategies);
  const profiles = parseRiskProfiles(args['risk-profiles'] ?? config.engine.risk_profiles.join(','));
  const workers = parseWorkers(args.workers) ?? (config.engine.max_workers > 0 ? config.engine.max_workers : undefined);
  const indicatorEngine = args.indicators ?? 'port';
  if (!INDICATOR_ENGINES.includes(indicatorEngine)) {
    throw new InputError([`--indicators: unknown indicator engine ${JSON.stringify(indicatorEngine)} (expected ${INDICATOR_ENGINES.join(', ')})`]);
  }
  const symbol = args.symbol.trim();
  if (!/^[A-Za-z0-9.\-_^=]{1,32}$/.test(symbol)) throw new InputError([`--symbol: ${JSON.stringify(args.symbol)} is not a ticker symbol`]);
  if (!existsSync(args.data) || !statSync(args.data).isDirectory()) throw new InputError([`--data: ${args.data} is not a folder`]);
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

  const log = createLogger(config.logging).child({ command: 'backtest', symbol });
  const counts = {
    symbols: 1,
    timeframes: timeframes.length,
    strategies: strategies.length,
    profiles: profiles.length,
    combinations: timeframes.length * strategies.length * profiles.length,
  };
  const started = performance.now();
  const pool = new WorkerPool(workers);
  const progress = progressReporter('backtest');
  try {
    log.info(
      { event: 'run_start', ...counts, workers: pool.size, indicators: indicatorEngine, data: args.data, out: args.out },
      `backtest ${symbol}: ${timeframes.join(', ')} x ${strategies.length} strategies x ${profiles.join(', ')} (${counts.combinations} combinations)`,
    );
    const result = await runBacktest({
      datasets,
      strategies,
      profiles,
      pool,
      indicatorEngine,
      onProgress: progress.update,
    });
    progress.end();
    const trades = [csvLine(TRADE_COLUMNS)];
    const results = [csvLine(RESULT_COLUMNS)];
    for (const c of result.combinations) {
      const key = { symbol, timeframe: c.timeframe, strategy: c.strategy, profile: c.profile };
      for (const t of c.trades()) trades.push(csvLine(tradeFields(key, t, c.series)));
      for (const r of c.rows()) results.push(csvLine(resultFields(key, r)));
    }
    writeFilesAtomically([
      { path: join(args.out, 'trades.csv'), text: trades.join('') },
      { path: join(args.out, 'results.csv'), text: results.join('') },
    ]);
    const seconds = (performance.now() - started) / 1000;
    log.info(
      {
        event: 'run_finish',
        ...counts,
        combinations: result.combinations.length,
        trades: trades.length - 1,
        result_rows: results.length - 1,
        indicator_seconds: Number(result.indicatorSeconds.toFixed(3)),
        engine_seconds: Number(result.engineSeconds.toFixed(3)),
        seconds: Number(seconds.toFixed(3)),
      },
      `backtest ${symbol} finished: ${result.combinations.length} combinations, ${trades.length - 1} trades, ` +
        `${results.length - 1} result rows in ${seconds.toFixed(2)} s`,
    );
    console.log(
      `${result.combinations.length} combinations: ${trades.length - 1} trades -> ${join(args.out, 'trades.csv')}, ` +
        `${results.length - 1} result rows -> ${join(args.out, 'results.csv')} ` +
        `(indicators ${result.indicatorSeconds.toFixed(2)} s, engine ${result.engineSeconds.toFixed(2)} s, ${pool.size} workers)`,
    );
  } finally {
    await pool.close();
  }
}
