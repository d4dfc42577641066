import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { INDICATOR_ENGINES, type IndicatorEngine } from '../../indicators/compute.js';
import { InputError, readBarsCsv } from '../../io/bars-csv.js';
import { writeFilesAtomically } from '../../io/atomic-write.js';
import { csvLine } from '../../io/csv.js';
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
        .option('timeframes', { type: 'string', describe: 'comma-separated timeframes', default: '15Min,1Hour,1Day' })
        .option('strategies', { type: 'string', describe: 'comma-separated strategy ids or names (default: all)' })
        .option('risk-profiles', { type: 'string', describe: 'comma-separated risk profiles', default: 'low,medium,high' })
        .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
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
  // every check comes before any work, and nothing is written unless all succeeds
  const timeframes = parseTimeframes(args.timeframes);
  const strategies = parseStrategies(args.strategies);
  const profiles = parseRiskProfiles(args['risk-profiles']);
  const workers = parseWorkers(args.workers);
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

  const pool = new WorkerPool(workers);
  const progress = progressReporter('backtest');
  try {
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
    console.log(
      `${result.combinations.length} combinations: ${trades.length - 1} trades -> ${join(args.out, 'trades.csv')}, ` +
        `${results.length - 1} result rows -> ${join(args.out, 'results.csv')} ` +
        `(indicators ${result.indicatorSeconds.toFixed(2)} s, engine ${result.engineSeconds.toFixed(2)} s, ${pool.size} workers)`,
    );
  } finally {
    await pool.close();
  }
}
