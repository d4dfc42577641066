import type { Argv } from 'yargs';

const configOption = {
  type: 'string',
  describe: 'config.yaml to read (default: ./config.yaml if present); DATABASE_URL overrides its database section',
} as const;

export interface DbArgs {
  config?: string;
}

export interface SeedStrategiesArgs extends DbArgs {
  /** Refused (hidden from --help): the strategies seeded are those compiled into generated/. */
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

export interface PsqlArgs extends DbArgs {
  /** psql's own arguments, as given. */
  args?: string[];
  /** Those after `--` (probe db psql -- --help). */
  '--'?: string[];
}

const actions = (): Promise<typeof import('../actions/db.js')> => import('../actions/db.js');

/** `probe db <init|seed-strategies|import-bars|compute-features|start|stop|status|url|psql>`. */
export function dbCommand(yargs: Argv): Argv {
  return yargs.command('db', 'Database commands: init, seed-strategies, import-bars, compute-features; start, stop, status, url, psql', (y) =>
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
            .option('registry', { type: 'string', hidden: true }) as unknown as Argv<SeedStrategiesArgs>,
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
      .command<DbArgs>(
        'start',
        'Start the embedded PostgreSQL and keep it running after this command, until probe db stop; prints its connection string',
        (b) => b.option('config', configOption) as unknown as Argv<DbArgs>,
        async (args) => (await actions()).dbStart(args),
      )
      .command<DbArgs>(
        'stop',
        'Stop the embedded PostgreSQL (a fast shutdown: sessions end, open transactions roll back)',
        (b) => b.option('config', configOption) as unknown as Argv<DbArgs>,
        async (args) => (await actions()).dbStop(args),
      )
      .command<DbArgs>(
        'status',
        'Whether the embedded PostgreSQL runs, its port, data folder and size; exit code 0 when it runs, 3 when it does not',
        (b) => b.option('config', configOption) as unknown as Argv<DbArgs>,
        async (args) => (await actions()).dbStatus(args),
      )
      .command<DbArgs>(
        'url',
        'Print the connection string of the database probe uses, password included (DATABASE_URL, config.yaml\'s database, ' +
          'else the running embedded PostgreSQL; exit code 3 when it does not run), for any client: psql "$(probe db url)"',
        (b) => b.option('config', configOption) as unknown as Argv<DbArgs>,
        async (args) => (await actions()).dbUrl(args),
      )
      .command<PsqlArgs>(
        'psql [args..]',
        'Run psql on the database probe uses (as probe db url); the arguments after psql go to psql (--help and --version after --): ' +
          'probe db psql -c "SELECT 1"',
        (b) =>
          b
            // psql's options (-c, -X, --csv) are its own: they reach it as given, not as probe's
            .parserConfiguration({ 'unknown-options-as-args': true, 'parse-positional-numbers': false, 'populate--': true })
            .option('config', configOption)
            .positional('args', { type: 'string', array: true, describe: 'arguments for psql' }) as unknown as Argv<PsqlArgs>,
        async (args) => (await actions()).dbPsql(args),
      )
      .demandCommand(1, 'name a db command; see probe db --help'),
  );
}
