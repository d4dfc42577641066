import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { initSchema } from '../../runtime/db/schema.js';

export interface TestDatabase {
  /** Connection string of the new database (pass it as DATABASE_URL to the CLI). */
  readonly url: string;
  readonly pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** BIGINT ids and counts as numbers, as runtime/db/connect.ts sets them for the application's pools. */
const bigintAsNumber = ((oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser;

/**
 * A new database on the test run's server (test/support/global-postgres.ts),
 * one per test file so that files run in parallel: empty, or with the
 * shared schema's six tables when `schema` is set.
 */
export async function freshDatabase(options: { schema?: boolean } = {}): Promise<TestDatabase> {
  const name = `probe_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4, types: { getTypeParser: bigintAsNumber } });
  pool.on('error', () => {});
  if (options.schema) await initSchema(pool);
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      // FORCE: a CLI process the test killed may still hold a connection
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
