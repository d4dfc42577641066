import { spawn } from 'node:child_process';
import { type Stats, existsSync, lstatSync, readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { type Config, loadConfig } from '../../config/config.js';
import { importBars, loadBars, normalizeSymbol, storageProblems, tickerExists } from '../../db/bars.js';
import { type Database, configuredConnection, openDatabase, redact } from '../../db/connect.js';
import {
  type EmbeddedStatus, SERVER_LOG, embeddedConnectionString, embeddedDir, embeddedPort, embeddedStatus, startEmbedded, stopEmbedded,
} from '../../db/embedded.js';
import { seedRow } from '../../db/ensure-strategies.js';
import { storeFeatures } from '../../db/features.js';
import { initSchema } from '../../db/schema.js';
import { seedStrategies } from '../../db/strategies.js';
import { INDICATOR_COLUMNS } from '../../indicators/catalog.js';
import { computeIndicators } from '../../indicators/compute.js';
import { InputError } from '../../errors.js';
import { readBarsCsv } from '../../input/bars-csv.js';
import { REGISTRY_STRATEGIES } from '../../registry/registry.js';
import { isSymbol, isTimeframe } from '../../registry/vocabulary.js';
import type { ComputeFeaturesArgs, DbArgs, ImportBarsArgs, PsqlArgs, SeedStrategiesArgs } from '../commands/db.js';
import { refuseRegistryOption, warnOfRegistryFile } from '../registry-option.js';

export async function dbInit(args: DbArgs): Promise<void> {
  await withDatabase(loadConfig(args.config), async (db) => {
    // opening an embedded database already created what it lacked
    const created = [...db.created, ...(await initSchema(db.pool))];
    if (created.length > 0) console.log(`${db.label}: created ${created.join(', ')}`);
    else console.log(`${db.label}: schema complete: nothing to create`);
  });
}

export async function dbSeedStrategies(args: SeedStrategiesArgs): Promise<void> {
  // the strategies compiled into generated/, as every run seeds the ones it needs (ensureStrategies)
  refuseRegistryOption(args.registry);
  const config = loadConfig(args.config);
  warnOfRegistryFile(config);
  const strategies = REGISTRY_STRATEGIES;
  await withDatabase(config, async (db) => {
    await requireTables(db, ['probe_strategies']);
    const counts = await seedStrategies(db.pool, strategies.map(seedRow));
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

/** The exit code of `probe db status`, `url` and `psql` when the embedded server is not running, as `systemctl status` has it. */
const NOT_RUNNING = 3;

export async function dbStart(args: DbArgs): Promise<void> {
  noteConfigured(loadConfig(args.config), 'start');
  const before = await embeddedStatus();
  const server = await startEmbedded(embeddedDir(), embeddedPort(), { keep: true });
  if (!server.started && (await embeddedStatus()).server === undefined) {
    throw new InputError([
      `the port of the embedded PostgreSQL, ${server.port}, is taken by a program other than the server of ${before.dataDir}: ` +
        'set PROBE_EMBEDDED_PORT to a free port',
    ]);
  }
  const where = `port ${server.port}, data ${server.dataDir}`;
  if (server.started) console.log(`embedded PostgreSQL started (${where}): it keeps running until probe db stop`);
  else if (before.server?.kept) console.log(`embedded PostgreSQL already running (${where})`);
  else console.log(`embedded PostgreSQL already running (${where}), started by another probe command: it now keeps running until probe db stop`);
  console.log(server.connectionString);
}

export async function dbStop(args: DbArgs): Promise<void> {
  noteConfigured(loadConfig(args.config), 'stop');
  const { dataDir, server } = await stopEmbedded();
  if (server === undefined) console.log(`embedded PostgreSQL not running (data ${dataDir}): nothing to stop`);
  else if (server.kept) console.log(`embedded PostgreSQL stopped (port ${server.port}, data ${dataDir})`);
  else console.log(`embedded PostgreSQL stopped (port ${server.port}, data ${dataDir}); the probe command that started it loses its connection`);
}

/** Exits 0 when the embedded server runs, 3 when it does not. */
export async function dbStatus(args: DbArgs): Promise<void> {
  noteConfigured(loadConfig(args.config), 'status');
  const status = await embeddedStatus();
  for (const line of statusLines(status)) console.log(line);
  if (!running(status)) await exitWith(NOT_RUNNING);
}

/** Prints the connection string alone, so that `psql "$(probe db url)"` works; exits 3 when it names the embedded server and that is not running. */
export async function dbUrl(args: DbArgs): Promise<void> {
  console.log(await connectionFor(loadConfig(args.config)));
}

/** Runs psql on the database, with the terminal, and exits with its exit code. */
export async function dbPsql(args: PsqlArgs): Promise<void> {
  const connection = await connectionFor(loadConfig(args.config));
  const { target, password } = splitPassword(connection);
  // the password through the environment: a command line is visible to every user of the machine (ps)
  const env = password === undefined ? process.env : { ...process.env, PGPASSWORD: password };
  // Ctrl-C is psql's (it cancels the query being run): probe only waits for it to end
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  try {
    await exitWith(await runInherited('psql', ['-d', target, ...(args.args ?? []), ...(args['--'] ?? [])], env));
  } finally {
    process.off('SIGINT', ignore);
  }
}

/** The database probe's commands use: the one configured, else the running embedded server (exits 3 when it is not running). */
async function connectionFor(config: Config): Promise<string> {
  const configured = configuredConnection(config);
  if (configured !== undefined) return configured;
  const status = await embeddedStatus();
  if (running(status)) return embeddedConnectionString(status.server.port);
  console.error(
    `error: the embedded PostgreSQL is not running (data ${status.dataDir}): start it with probe db start ` +
      '(or set DATABASE_URL to a server of your own)',
  );
  return exitWith(NOT_RUNNING);
}

/** Running: ready and listening on its port (not starting, nor stopping). */
function running(status: EmbeddedStatus): status is EmbeddedStatus & Required<Pick<EmbeddedStatus, 'server'>> {
  return status.server !== undefined && status.server.status === 'ready' && status.server.listening;
}

function statusLines(status: EmbeddedStatus): string[] {
  const { server, dir, dataDir } = status;
  const size = folderBytes(dataDir);
  const standIn = dataDir === dir ? '' : ` (stands in for ${dir}, which the postgres user cannot reach)`;
  return [
    `embedded PostgreSQL: ${state(status)}`,
    `  port: ${server?.port ?? `${embeddedPort()} when started (PROBE_EMBEDDED_PORT sets it)`}`,
    `  data: ${dataDir}${size === undefined ? ' (not created yet)' : `, ${mebibytes(size)}`}${standIn}`,
    ...(existsSync(join(dataDir, SERVER_LOG)) ? [`  log:  ${join(dataDir, SERVER_LOG)}`] : []),
    ...(server ? [`  url:  ${redact(embeddedConnectionString(server.port))} (probe db url prints it whole, probe db psql opens psql on it)`] : []),
  ];
}

function state(status: EmbeddedStatus): string {
  const { server } = status;
  if (server === undefined) return 'not running (probe db start starts it)';
  if (!running(status)) return server.listening ? server.status : `${server.status}, not listening on its port yet`;
  if (server.kept) return 'running, kept by probe db start (probe db stop stops it)';
  return 'running, started by a probe command that stops it when it ends (probe db start keeps it running)';
}

/** Says on stderr that the user's own server, not the embedded one, is what probe's commands use. */
function noteConfigured(config: Config, command: string): void {
  const configured = configuredConnection(config);
  if (configured === undefined) return;
  const source = process.env.DATABASE_URL ? 'DATABASE_URL' : 'the database section of config.yaml';
  console.error(`note: probe's commands use ${source} (${redact(configured)}); probe db ${command} is about the embedded PostgreSQL only`);
}

/** The disk space a folder takes, as du counts it (allocated blocks); undefined when it does not exist. */
function folderBytes(path: string): number | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    return undefined;
  }
  return entries(path, stats).reduce((sum, name) => sum + (folderBytes(join(path, name)) ?? 0), stats.blocks * 512);
}

/** A folder's entries; none for a file, or for a folder this user may not read. */
function entries(path: string, stats: Stats): string[] {
  if (!stats.isDirectory()) return [];
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

/** A connection string without its password, and the password (undefined when it has none, or is not a URL). */
function splitPassword(connection: string): { target: string; password: string | undefined } {
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    return { target: connection, password: undefined };
  }
  if (url.password === '') return { target: connection, password: undefined };
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { target: url.toString(), password };
}

/** Runs `command` with this process's terminal; its exit code (128 + the signal's number when a signal ended it). */
function runInherited(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') return fail(error);
      fail(
        new InputError([
          `${command} is not installed (not found on PATH): install it, e.g. apt-get install -y postgresql-client on Debian or Ubuntu, ` +
            'or use any PostgreSQL client on the connection string npx probe db url prints',
        ]),
      );
    });
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/**
 * Ends the process with `code`. main() turns a command that returns into
 * exit code 0, and knows only 1 and 2 besides: these codes (3: not running;
 * psql's own) are answers, not failures to report. What was written goes
 * out first (stdout and stderr are asynchronous on some systems, pipes on
 * macOS among them).
 */
async function exitWith(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write('', done))));
  process.exit(code);
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
  if (!isSymbol(symbol)) throw new InputError([`--symbol: ${JSON.stringify(value)} is not a ticker symbol (letters, digits, . - _ ^ =; at most 20)`]);
  return symbol;
}

function parseTimeframe(value: string): string {
  // ohlcv_bars.timeframe is VARCHAR(10)
  if (!isTimeframe(value)) {
    throw new InputError([`--timeframe: ${JSON.stringify(value)} is not a timeframe like 15Min, 1Hour or 1Day`]);
  }
  return value;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(2)} s`;
}
