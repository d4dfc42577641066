import type { Pool } from 'pg';
import type { Argv } from 'yargs';
import { type Config, loadConfig } from '../../config/config.js';
import { importBars, loadBars, normalizeSymbol, storageProblems, tickerExists } from '../../db/bars.js';
import { type Database, openDatabase } from '../../db/connect.js';
import { storeFeatures } from '../../db/features.js';
import { initSchema } from '../../db/schema.js';
import { seedStrategies } from '../../db/strategies.js';
import { INDICATOR_COLUMNS } from '../../indicators/catalog.js';
import { computeIndicators } from '../../indicators/compute.js';
import { InputError, readBarsCsv } from '../../io/bars-csv.js';
import { loadRegistry } from '../../registry/load.js';

const configOption = {
  type: 'string',
  describe: 'config.yaml to read (default: ./config.yaml if present); DATABASE_URL overrides its database section',
} as const;

/** `probe db <init|seed-strategies|import-bars|compute-features>`. */
export function dbCommand(yargs: Argv): Argv {
  return yargs.command('db', 'Database commands: init, seed-strategies, import-bars, compute-features', (y) =>
    y
      .command(
        'init',
        'Create the missing tables of the shared schema (existing tables are left exactly as they are)',
        (b) => b.option('config', configOption),
        async (args) => {
          await withDatabase(loadConfig(args.config), async (db) => {
            // opening an embedded database already created what it lacked
            const created = [...db.created, ...(await initSchema(db.pool))];
            if (created.length > 0) console.log(`${db.label}: created ${created.join(', ')}`);
            else console.log(`${db.label}: schema complete: nothing to create`);
          });
        },
      )
      .command(
        'seed-strategies',
        'Insert or update probe_strategies from the registry, by strategy name (ids stay stable)',
        (b) =>
          b.option('config', configOption).option('registry', { type: 'string', describe: 'strategy registry (default: the config\'s strategies.registry_file)' }),
        async (args) => {
          const config = loadConfig(args.config);
          const strategies = loadRegistry(args.registry ?? config.strategies.registry_file);
          await withDatabase(config, async (db) => {
            await requireTables(db, ['probe_strategies']);
            const counts = await seedStrategies(db.pool, strategies);
            console.log(`${strategies.length} strategies: ${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged`);
          });
        },
      )
      .command(
        'import-bars',
        'Import bars from a CSV file (timestamp,open,high,low,close,volume) into ohlcv_bars; bars already stored are skipped',
        (b) =>
          b
            .option('config', configOption)
            .option('symbol', { type: 'string', demandOption: true, describe: 'ticker symbol (stored upper-case)' })
            .option('timeframe', { type: 'string', demandOption: true, describe: 'timeframe such as 15Min, 1Hour or 1Day' })
            .option('csv', { type: 'string', demandOption: true, describe: 'bars file' }),
        async (args) => {
          const symbol = parseSymbol(args.symbol);
          const timeframe = parseTimeframe(args.timeframe);
          // the whole file is checked before the database is even opened: bad input writes nothing
          const config = loadConfig(args.config);
          const bars = readBarsCsv(args.csv);
          const problems = storageProblems(bars, (i) => `${args.csv}:${i + 2}`);
          if (problems.length > 0) throw new InputError(problems);
          await withDatabase(config, async (db) => {
            await requireTables(db, ['tickers', 'ohlcv_bars']);
            const started = performance.now();
            const counts = await importBars(db.pool, symbol, timeframe, bars);
            console.log(
              `${symbol} ${timeframe}: ${bars.length} bars in ${args.csv}: ${counts.inserted} inserted, ` +
                `${counts.skipped} skipped (already stored) (${seconds(started)})`,
            );
          });
        },
      )
      .command(
        'compute-features',
        'Compute all indicator columns of stored bars and upsert them into computed_features',
        (b) =>
          b
            .option('config', configOption)
            .option('symbol', { type: 'string', demandOption: true, describe: 'ticker symbol' })
            .option('timeframe', { type: 'string', demandOption: true, describe: 'timeframe such as 15Min, 1Hour or 1Day' }),
        async (args) => {
          const symbol = parseSymbol(args.symbol);
          const timeframe = parseTimeframe(args.timeframe);
          await withDatabase(loadConfig(args.config), async (db) => {
            await requireTables(db, ['tickers', 'ohlcv_bars', 'computed_features']);
            if (!(await tickerExists(db.pool, symbol))) {
              throw new InputError([`--symbol: unknown symbol ${symbol}: no such ticker in ${db.label} (import bars first: probe db import-bars)`]);
            }
            const started = performance.now();
            const { bars, barIds } = await loadBars(db.pool, symbol, timeframe);
            if (bars.length === 0) throw new InputError([`no ${symbol} ${timeframe} bars in ${db.label} (import them first: probe db import-bars)`]);
            const columns = computeIndicators(bars, INDICATOR_COLUMNS);
            const stored = await storeFeatures(db.pool, symbol, timeframe, barIds, bars, columns);
            console.log(`${symbol} ${timeframe}: ${columns.size} feature columns of ${stored} bars stored in computed_features (${seconds(started)})`);
          });
        },
      )
      .demandCommand(1, 'name a db command; see probe db --help'),
  );
}

/** Opens the database and always closes it (an embedded server is stopped too). */
async function withDatabase(config: Config, work: (db: Database) => Promise<void>): Promise<void> {
  const db = await openDatabase(config);
  try {
    await work(db);
  } finally {
    await db.close();
  }
}

/** A clear message instead of `relation "..." does not exist` halfway through. */
async function requireTables(db: Database, names: readonly string[]): Promise<void> {
  const missing = await missingTables(db.pool, names);
  if (missing.length > 0) throw new InputError([`${db.label}: missing table(s) ${missing.join(', ')}; run probe db init first`]);
}

async function missingTables(pool: Pool, names: readonly string[]): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(quote_ident(name)) IS NULL`,
    [names],
  );
  return rows.map((r) => r.name);
}

function parseSymbol(value: string): string {
  const symbol = normalizeSymbol(value);
  // tickers.symbol is VARCHAR(20)
  if (!/^[A-Z0-9.\-_^=]{1,20}$/.test(symbol)) throw new InputError([`--symbol: ${JSON.stringify(value)} is not a ticker symbol (letters, digits, . - _ ^ =; at most 20)`]);
  return symbol;
}

function parseTimeframe(value: string): string {
  // ohlcv_bars.timeframe is VARCHAR(10)
  if (!/^[0-9]{1,4}(Min|Hour|Day|Week|Month)$/.test(value)) {
    throw new InputError([`--timeframe: ${JSON.stringify(value)} is not a timeframe like 15Min, 1Hour or 1Day`]);
  }
  return value;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(2)} s`;
}
