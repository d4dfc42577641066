import type { Pool } from 'pg';
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
import type { ComputeFeaturesArgs, DbArgs, ImportBarsArgs, SeedStrategiesArgs } from '../commands/db.js';

export async function dbInit(args: DbArgs): Promise<void> {
  await withDatabase(loadConfig(args.config), async (db) => {
    // opening an embedded database already created what it lacked
    const created = [...db.created, ...(await initSchema(db.pool))];
    if (created.length > 0) console.log(`${db.label}: created ${created.join(', ')}`);
    else console.log(`${db.label}: schema complete: nothing to create`);
  });
}

export async function dbSeedStrategies(args: SeedStrategiesArgs): Promise<void> {
  const config = loadConfig(args.config);
  const strategies = loadRegistry(args.registry ?? config.strategies.registry_file);
  await withDatabase(config, async (db) => {
    await requireTables(db, ['probe_strategies']);
    const counts = await seedStrategies(db.pool, strategies);
    console.log(`${strategies.length} strategies: ${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged`);
  });
}

export async function dbImportBars(args: ImportBarsArgs): Promise<void> {
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
}

export async function dbComputeFeatures(args: ComputeFeaturesArgs): Promise<void> {
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
