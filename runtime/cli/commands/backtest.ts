import type { Argv } from 'yargs';
import { INDICATOR_ENGINES, type IndicatorEngine } from '../../indicators/engines.js';

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
        .option('timeframes', { type: 'string', describe: 'comma-separated timeframes (default: every bars_<TF>.csv in --data: 15Min, 1Hour, 1Day, then any others)' })
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
      const { backtest } = await import('../actions/backtest.js');
      await backtest(args);
    },
  );
}
