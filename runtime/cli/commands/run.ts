import type { Argv } from 'yargs';
import { INDICATOR_ENGINES } from '../../indicators/engines.js';

export interface RunArgs {
  symbols: string;
  timeframes?: string;
  'risk-profiles'?: string;
  strategies?: string;
  start?: string;
  end?: string;
  'run-id'?: string;
  'persist-trades'?: boolean;
  config?: string;
  workers?: number;
  indicators?: string;
}

/** `probe run`: the database path (design document, sections 7 and 10.3). */
export function runCommand(yargs: Argv): Argv {
  return yargs.command<RunArgs>(
    'run',
    'Run strategies on bars stored in PostgreSQL and store the results (embedded PostgreSQL when none is configured)',
    (y) =>
      y
        .option('symbols', { type: 'string', demandOption: true, describe: 'comma-separated symbols, e.g. AAPL,SPY' })
        .option('timeframes', { type: 'string', describe: 'comma-separated timeframes (default: config engine.timeframes)' })
        .option('risk-profiles', { type: 'string', describe: 'comma-separated risk profiles (default: config engine.risk_profiles)' })
        .option('strategies', { type: 'string', describe: 'comma-separated strategy ids or names (default: all)' })
        .option('start', { type: 'string', describe: 'first day (YYYY-MM-DD or an ISO time, UTC)' })
        .option('end', { type: 'string', describe: 'last day, inclusive (YYYY-MM-DD or an ISO time, UTC)' })
        .option('run-id', { type: 'string', describe: 'run identifier; rerunning an id resumes it (default: a new id)' })
        .option('persist-trades', { type: 'boolean', default: false, describe: 'also store every trade in strategy_probe_trades' })
        .option('config', { type: 'string', describe: 'config.yaml (default: ./config.yaml when present)' })
        .option('workers', { type: 'number', describe: 'worker threads (default: config engine.max_workers, 0 = one per core)' })
        .option('indicators', { type: 'string', choices: INDICATOR_ENGINES, default: 'port', describe: 'indicator engine' }) as unknown as Argv<RunArgs>,
    async (args) => {
      const { run } = await import('../actions/run.js');
      await run(args);
    },
  );
}
