import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../../runtime/db/embedded.js';
import { readPostmaster } from '../../runtime/db/postmaster.js';
import { type ProbeResult, probe } from '../support/cli.js';
import { freePort } from '../support/free-port.js';

/**
 * `probe db start | stop | status | url | psql` on an embedded server of
 * their own: a temporary data folder and a free port, never the shared test
 * server nor .probe/. The folder is opened to others (mode 755) so that, as
 * root, the `postgres` user that runs the server keeps its data right there.
 */
let top: string;
let dataDir: string;
let port: number;
let url: string;

/** No DATABASE_URL: probe's commands use the embedded server of the test's folder. */
const env = (): NodeJS.ProcessEnv => ({ PROBE_EMBEDDED_DIR: dataDir, PROBE_EMBEDDED_PORT: String(port), DATABASE_URL: '' });
const db = (args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<ProbeResult> => probe(['db', ...args], { ...env(), ...extra });

async function query(connectionString: string, text: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows[0]!;
  } finally {
    await client.end();
  }
}

/** The folder's size as du counts it, in MiB. */
const duMebibytes = (path: string): number => Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]) / 1024;

const which = (command: string): string | undefined => {
  try {
    return execFileSync('which', [command], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

/** A `psql` that records its arguments and PGPASSWORD, one per line, and exits with FAKE_PSQL_EXIT. */
function fakePsql(folder: string): { bin: string; recorded: () => string[] } {
  const bin = join(folder, 'bin');
  const record = join(folder, 'psql-args');
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(
    join(bin, 'psql'),
    `#!/bin/sh\n: > "${record}"\nfor a in "$@"; do printf '%s\\n' "$a" >> "${record}"; done\nprintf 'PGPASSWORD=%s\\n' "$PGPASSWORD" >> "${record}"\nexit "\${FAKE_PSQL_EXIT:-0}"\n`,
  );
  chmodSync(join(bin, 'psql'), 0o755);
  return { bin, recorded: () => readFileSync(record, 'utf8').trimEnd().split('\n') };
}

beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'probe-db-commands-'));
  chmodSync(top, 0o755);
  dataDir = join(top, 'postgres');
  port = await freePort();
  url = `postgres://postgres:probe-embedded@127.0.0.1:${port}/probe`;
});

afterAll(async () => {
  await probe(['db', 'stop'], env());
  rmSync(top, { recursive: true, force: true });
});

describe('probe db start, status, url, psql, stop', () => {
  it('keeps a server running between commands, which other commands use and leave running, until db stop', async () => {
    // a command that needs the database and finds none running starts one, and stops it when it ends
    const init = await db(['init']);
    expect(init.status, init.stderr).toBe(0);
    expect(readPostmaster(dataDir)).toBeUndefined();
    const before = await db(['status']);
    expect(before.status, before.stderr).toBe(3);
    expect(before.stdout).toMatch(/^embedded PostgreSQL: not running/);
    expect(before.stdout).toContain(`data: ${dataDir}, `);

    const start = await db(['start']);
    expect(start.status, start.stderr).toBe(0);
    expect(start.stdout).toBe(`embedded PostgreSQL started (port ${port}, data ${dataDir}): it keeps running until probe db stop\n${url}\n`);
    // the server outlived the command that started it
    expect(await query(url, `SELECT current_setting('data_directory') AS data`)).toEqual({ data: dataDir });
    const server = readPostmaster(dataDir)!;

    const again = await db(['start']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(`embedded PostgreSQL already running (port ${port}, data ${dataDir})\n${url}\n`);

    const status = await db(['status']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^embedded PostgreSQL: running, kept by probe db start/);
    expect(status.stdout).toContain(`  port: ${port}\n`);
    const size = Number(/ {2}data: .*, ([0-9.]+) MiB/.exec(status.stdout)?.[1]);
    expect(Math.abs(size - duMebibytes(dataDir)), status.stdout).toBeLessThan(2 + 0.05 * size);

    const printed = await db(['url']);
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(`${url}\n`);
    expect(await query(printed.stdout.trim(), 'SELECT 6 * 7 AS answer')).toEqual({ answer: 42 });

    // a command that opens the database uses the kept server, on its port whatever PROBE_EMBEDDED_PORT says, and leaves it running
    const other = await db(['init'], { PROBE_EMBEDDED_PORT: String(await freePort()) });
    expect(other.status, other.stderr).toBe(0);
    expect(other.stdout).toContain(`127.0.0.1:${port}/probe`);
    expect(readPostmaster(dataDir)).toEqual(server);

    const stop = await db(['stop']);
    expect(stop.status, stop.stderr).toBe(0);
    expect(stop.stdout).toBe(`embedded PostgreSQL stopped (port ${port}, data ${dataDir})\n`);
    expect(readPostmaster(dataDir)).toBeUndefined();
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    const after = await db(['status']);
    expect(after.status).toBe(3);
    expect(after.stdout).toMatch(/^embedded PostgreSQL: not running/);
    const stopAgain = await db(['stop']);
    expect(stopAgain.status, stopAgain.stderr).toBe(0);
    expect(stopAgain.stdout).toBe(`embedded PostgreSQL not running (data ${dataDir}): nothing to stop\n`);
    const noUrl = await db(['url']);
    expect(noUrl.status).toBe(3);
    expect(noUrl.stdout).toBe('');
    expect(noUrl.stderr).toContain(`the embedded PostgreSQL is not running (data ${dataDir}): start it with probe db start`);
  });

  it('runs psql on the running server, with the arguments given and its exit code', async (context) => {
    const start = await db(['start']);
    expect(start.status, start.stderr).toBe(0);
    try {
      if (which('psql') === undefined) {
        context.skip('no psql on PATH (apt-get install -y postgresql-client): the fake psql test below covers the arguments');
      }
      const answer = await db(['psql', '-X', '-At', '-c', 'SELECT 40 + 2']);
      expect(answer.status, answer.stderr).toBe(0);
      expect(answer.stdout).toBe('42\n');
      const failing = await db(['psql', '-X', '-c', 'SELECT * FROM no_such_table']);
      expect(failing.status).toBe(1);
      expect(failing.stderr).toContain('relation "no_such_table" does not exist');
    } finally {
      await db(['stop']);
    }
  });

  it('keeps a server a probe command started when db start asks, instead of that command stopping it at its end', async () => {
    const server = await startEmbedded(dataDir, port);
    expect(server.started).toBe(true);
    const running = readPostmaster(dataDir)!;
    try {
      const start = await db(['start']);
      expect(start.status, start.stderr).toBe(0);
      expect(start.stdout).toBe(
        `embedded PostgreSQL already running (port ${port}, data ${dataDir}), started by another probe command: ` +
          `it now keeps running until probe db stop\n${url}\n`,
      );
      await server.stop();
      expect(readPostmaster(dataDir)).toEqual(running);
      expect((await db(['status'])).status).toBe(0);
    } finally {
      await db(['stop']);
    }
    expect(readPostmaster(dataDir)).toBeUndefined();
  });
});

describe('probe db url and psql with DATABASE_URL', () => {
  const external = 'postgres://alice:s%40cret@127.0.0.1:1/shop?sslmode=disable';

  it('prints DATABASE_URL as it is', async () => {
    const printed = await db(['url'], { DATABASE_URL: external });
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(`${external}\n`);
  });

  it('passes psql its arguments as given, the password through PGPASSWORD, and exits with its exit code', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'probe-fake-psql-'));
    try {
      const psql = fakePsql(folder);
      const run = await db(['psql', '-c', 'SELECT 1', '--csv', '-v', 'x=01', '--', '--help'], {
        DATABASE_URL: external,
        PATH: `${psql.bin}${delimiter}${process.env.PATH ?? ''}`,
        FAKE_PSQL_EXIT: '7',
      });
      expect(run.status, run.stderr).toBe(7);
      expect(psql.recorded()).toEqual([
        '-d', 'postgres://alice@127.0.0.1:1/shop?sslmode=disable', '-c', 'SELECT 1', '--csv', '-v', 'x=01', '--help', 'PGPASSWORD=s@cret',
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('says how to get psql when it is not on PATH, and exits 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'probe-no-psql-'));
    try {
      const run = await db(['psql'], { DATABASE_URL: external, PATH: empty });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(
        'error: psql is not installed (not found on PATH): install it, e.g. apt-get install -y postgresql-client on Debian or Ubuntu, ' +
          'or use any PostgreSQL client on the connection string npx probe db url prints\n',
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('says that db status is about the embedded server only, when DATABASE_URL names another', async () => {
    const run = await db(['status'], { DATABASE_URL: external });
    expect(run.status).toBe(3);
    expect(run.stderr).toBe(
      "note: probe's commands use DATABASE_URL (postgres://alice:***@127.0.0.1:1/shop?sslmode=disable); probe db status is about the embedded PostgreSQL only\n",
    );
  });
});

describe('PROBE_EMBEDDED_PORT', () => {
  it('is refused, named with its value, when it is not a port', async () => {
    const run = await db(['status'], { PROBE_EMBEDDED_PORT: '54x' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: PROBE_EMBEDDED_PORT: "54x" is not a port (a whole number from 1 to 65535)\n');
  });
});
