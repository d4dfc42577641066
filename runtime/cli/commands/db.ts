import type { Argv } from 'yargs';

const configOption = {
  type: 'string',
  describe: 'config.yaml to read (default: ./config.yaml if present); DATABASE_URL overrides its database section',
} as const;

export interface DbArgs {
  config?: string;
}

export interface SeedStrategiesArgs extends DbArgs {
  registry?: string;
}

export interface ImportBarsArgs extends DbArgs {
  symbol: string;
  timeframe: string;
  csv: string;
}

export interface ComputeFeaturesArgs extends DbArgs {
  symbol: string;
  timeframe: string;
}

const actions = (): Promise<typeof import('../actions/db.js')> => import('../actions/db.js');

/** `probe db <init|seed-strategies|import-bars|compute-features>`. */
export function dbCommand(yargs: Argv): Argv {
  return yargs.command('db', 'Database commands: init, seed-strategies, import-bars, compute-features', (y) =>
    y
      .command<DbArgs>(
        'init',
        'Create the missing tables of the shared schema (existing tables are left exactly as they are)',
        (b) => b.option('config', configOption) as unknown as Argv<DbArgs>,
        async (args) => (await actions()).dbInit(args),
      )
      .command<SeedStrategiesArgs>(
        'seed-strategies',
        'Insert or update probe_strategies from the registry, by strategy name (ids stay stable)',
        (b) =>
          b
            .option('config', configOption)
            .option('registry', { type: 'string', describe: 'strategy registry (default: the config\'s strategies.registry_file)' }) as unknown as Argv<SeedStrategiesArgs>,
        async (args) => (await actions()).dbSeedStrategies(args),
      )
      .command<ImportBarsArgs>(
        'import-bars',
        'Import bars from a CSV file (timestamp,open,high,low,close,volume) into ohlcv_bars; bars already stored are skipped',
        (b) =>
          b
            .option('config', configOption)
            .option('symbol', { type: 'string', demandOption: true, describe: 'ticker symbol (stored upper-case)' })
            .option('timeframe', { type: 'string', demandOption: true, describe: 'timeframe such as 15Min, 1Hour or 1Day' })
            .option('csv', { type: 'string', demandOption: true, describe: 'bars file' }) as unknown as Argv<ImportBarsArgs>,
        async (args) => (await actions()).dbImportBars(args),
      )
      .command<ComputeFeaturesArgs>(
        'compute-features',
        'Compute all indicator columns of stored bars and upsert them into computed_features',
        (b) =>
          b
            .option('config', configOption)
            .option('symbol', { type: 'string', demandOption: true, describe: 'ticker symbol' })
            .option('timeframe', { type: 'string', demandOption: true, describe: 'timeframe such as 15Min, 1Hour or 1Day' }) as unknown as Argv<ComputeFeaturesArgs>,
        async (args) => (await actions()).dbComputeFeatures(args),
      )
      .demandCommand(1, 'name a db command; see probe db --help'),
  );
}
