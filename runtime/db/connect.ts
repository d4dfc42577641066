import pg from 'pg';
import type { Config } from '../config/config.js';
import { type EmbeddedServer, startEmbedded } from './embedded.js';
import { initSchema } from './schema.js';

// BIGINT ids and counts arrive as strings by default; ours fit in a double
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

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

/**
 * DATABASE_URL, else the config's database section, else an embedded
 * PostgreSQL started here (with `db init` run on it) so that nobody needs a
 * server to try probe.
 */
export async function openDatabase(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const configured = env.DATABASE_URL || fromConfig(config);
  let server: EmbeddedServer | undefined;
  const connectionString = configured ?? (server = await startEmbedded()).connectionString;
  const pool = new pg.Pool({
    connectionString,
    max: config.database.pool_max_conns,
    application_name: 'probe',
    // doubles must travel as their shortest exact text on any server version
    options: '-c extra_float_digits=3',
  });
  // an idle client's error (e.g. the server restarting) must not crash the process
  pool.on('error', () => {});
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
