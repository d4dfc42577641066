import pg from 'pg';
import type { Config } from '../config/config.js';
import { type Logger, createLogger } from '../logger.js';
import { type EmbeddedServer, embeddedDir, embeddedPort, startEmbedded } from './embedded.js';
import { initSchema } from './schema.js';

// BIGINT ids and counts arrive as strings by default; ours fit in a double
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * What a lost or refused connection to PostgreSQL looks like: the socket's
 * errors, the server going down or not accepting connections yet (57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, class 08),
 * and pg's own words for a connection that died under it. Looks through
 * `cause` and an AggregateError's errors (a connection tried on several
 * addresses).
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
]);
const CONNECTION_MESSAGES = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable)/;

export function isConnectionError(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (CONNECTION_MESSAGES.test(error.message)) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isConnectionError(e, depth + 1))) return true;
  return isConnectionError(error.cause, depth + 1);
}

/**
 * A client of `pool` for a transaction of several statements. pg emits
 * 'error' on a checked-out client whose connection dies (the server
 * restarting, the network), and the pool listens only to its idle clients:
 * an 'error' event without a listener crashes the process. The client
 * checked out here has a listener until it is released; the statement in
 * flight fails with the error all the same, and release() hands a broken
 * connection back to be discarded, not reused.
 */
export async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error): void => {
    lost ??= error;
  };
  client.on('error', onError);
  const release = client.release.bind(client);
  client.release = (destroy?: Error | boolean) => {
    client.removeListener('error', onError);
    release(destroy ?? lost);
  };
  return client;
}

export interface Database {
  readonly pool: pg.Pool;
  /** Where it is, without credentials, for messages. */
  readonly label: string;
  readonly embedded: boolean;
  /** Tables created on opening (an embedded database gets its schema at start). */
  readonly created: readonly string[];
  close(): Promise<void>;
}

/** A connection string without its password, for messages and logs. */
export function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable connection string)';
  }
}

function fromConfig(config: Config): string | undefined {
  const db = config.database;
  if (db.url !== '') return db.url;
  if (db.host === '') return undefined;
  const url = new URL('postgres://localhost');
  url.hostname = db.host;
  url.port = String(db.port);
  url.pathname = `/${db.name}`;
  url.username = db.user;
  url.password = db.password;
  if (db.ssl_mode !== 'disable') url.searchParams.set('sslmode', db.ssl_mode);
  return url.toString();
}

/** The server the user named: DATABASE_URL, else the config's database section; undefined for the embedded default. */
export function configuredConnection(config: Config, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.DATABASE_URL || fromConfig(config);
}

/**
 * DATABASE_URL, else the config's database section, else the embedded
 * PostgreSQL (with `db init` run on it) so that nobody needs a server to try
 * probe: the one `probe db start` keeps running, else one started here and
 * stopped on close().
 */
export async function openDatabase(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const configured = configuredConnection(config, env);
  let server: EmbeddedServer | undefined;
  const connectionString = configured ?? (server = await startEmbedded(embeddedDir(env), embeddedPort(env))).connectionString;
  const pool = new pg.Pool({
    connectionString,
    max: config.database.pool_max_conns,
    application_name: 'probe',
    // doubles must travel as their shortest exact text on any server version
    options: '-c extra_float_digits=3',
  });
  // an idle client's error (e.g. the server restarting) must not crash the process: it is logged (as config.logging
  // says, with a logger made on the first one), and the pool drops that client. Nor may a checked-out client's:
  // checkout() listens while it holds one, and so does every client of this pool from its start, for the code that
  // checks one out with pool.connect() (the statement in flight fails with the error all the same)
  let log: Logger | undefined;
  pool.on('error', (error) => {
    log ??= createLogger(config.logging).child({ component: 'database' });
    log.warn(`an idle connection to the database failed: ${error.message}`);
  });
  pool.on('connect', (client) => client.on('error', () => {}));
  let created: string[] = [];
  try {
    if (server) created = await initSchema(pool);
    else await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    await server?.stop();
    throw new Error(`cannot use the database at ${redact(connectionString)}: ${(error as Error).message}`);
  }
  return {
    pool,
    label: server ? `embedded PostgreSQL (${redact(connectionString)})` : redact(connectionString),
    embedded: server !== undefined,
    created,
    close: async () => {
      await pool.end();
      await server?.stop();
    },
  };
}
