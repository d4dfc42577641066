import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { freePort } from '../support/free-port.js';

/**
 * A newcomer's first hour, as the README tells it: a fresh clone of this
 * repository in a new folder, `make setup`, then the commands of the README
 * and of the Python client's README, taken from those files by this test and
 * run as written (only `make setup`, already done, and `make test`, this very
 * suite, are left out). The embedded PostgreSQL gets a free port through the
 * documented PROBE_EMBEDDED_PORT, so nothing here meets another server.
 */
const MAKE_SETUP_MINUTES = 10;
const PYTHON_PORT = 8090;
const DEMO_DISK_LIMIT_MB = 300;

let parent: string;
let clone: string;
let env: NodeJS.ProcessEnv;
let setup: { status: number | null; output: string };
const serves: ChildProcess[] = [];

/**
 * A command line in the clone (or `cwd` below it), as a shell runs it; its output and exit code.
 * Asynchronous: a synchronous child of a minute (make setup) would block this worker past vitest's RPC timeout.
 */
function shell(line: string, cwd = clone, timeoutMs = 300_000): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => (output += String(error)));
    child.once('close', (status) => done({ status, output }));
  });
}

/** The fenced blocks of `language` in `markdown`, between the heading `from` and the next heading of its level. */
function blocks(markdown: string, language: string, from?: string): string[] {
  let text = markdown;
  if (from !== undefined) {
    const start = text.indexOf(`\n${from}\n`);
    if (start < 0) throw new Error(`no heading ${JSON.stringify(from)}`);
    const level = /^#+/.exec(from)![0];
    const rest = text.slice(start + from.length + 2);
    const end = rest.search(new RegExp(`^${level} `, 'm'));
    text = end < 0 ? rest : rest.slice(0, end);
  }
  return [...text.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]!);
}

/** A block's command lines: comments and blank lines dropped, a trailing `# ...` kept off. */
const commands = (block: string): string[] =>
  block
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port }, () => probe.close(() => resolve(true)));
  });

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'probe-fresh-'));
  // as root, the embedded PostgreSQL runs as `postgres`, which must reach the clone (mkdtemp makes 0700)
  chmodSync(parent, 0o755);
  clone = join(parent, 'probe');
  const cloned = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
  if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  env = { ...process.env, PROBE_EMBEDDED_PORT: String(await freePort()) };
  // the clone's own defaults, not this suite's
  for (const name of ['DATABASE_URL', 'PROBE_EMBEDDED_DIR', 'PROBE_API_TOKEN', 'LOG_FORMAT', 'LOG_LEVEL']) delete env[name];
  setup = await shell('make setup', clone, MAKE_SETUP_MINUTES * 60_000);
}, MAKE_SETUP_MINUTES * 60_000 + 60_000);

afterAll(async () => {
  for (const serve of serves) {
    try {
      process.kill(-serve.pid!, 'SIGKILL');
    } catch {
      // the group has ended already
    }
  }
  if (clone !== undefined && existsSync(join(clone, 'dist'))) await shell('npx probe db stop', clone, 60_000);
  if (parent !== undefined) rmSync(parent, { recursive: true, force: true });
}, 120_000);

describe('a fresh clone', () => {
  it('`make setup` succeeds, quietly, and leaves `git status` clean', async () => {
    expect(setup.status, setup.output).toBe(0);
    expect((await shell('git status --porcelain')).output).toBe('');
    // warnings that look like failures are summed up in one line each, npm's own notices stay in its log
    expect(setup.output).not.toMatch(/can never be true/);
    expect(setup.output).not.toMatch(/^npm warn/m);
    expect(setup.output.split('\n').length, setup.output).toBeLessThan(60);
  });

  it('runs the README quick start as written, and its SQL queries answer', async () => {
    const readme = readFileSync(join(clone, 'README.md'), 'utf8');
    const lines = blocks(readme, 'sh', '## Quick start').flatMap(commands);
    // make setup is done, make test is this suite, make demo has a test of its own below
    const toRun = lines.filter((line) => !line.startsWith('make '));
    expect(toRun).toContain('npx probe backtest --data examples/bars --symbol DEMO --out /tmp/probe-out');
    expect(toRun.some((line) => line.includes('npx probe run'))).toBe(true);
    const stop = toRun.findIndex((line) => line.endsWith('db stop'));
    expect(stop).toBeGreaterThan(0);
    for (const line of toRun.slice(0, stop)) {
      const run = await shell(line);
      expect(run.status, `${line}\n${run.output}`).toBe(0);
    }
    expect(readFileSync('/tmp/probe-out/trades.csv', 'utf8').split('\n').length).toBeGreaterThan(1000);

    // "Look at your results": every query runs on the quick start's run and finds rows
    const url = await shell('npx probe db url');
    expect(url.status, url.output).toBe(0);
    const client = new pg.Client({ connectionString: url.output.trim() });
    await client.connect();
    try {
      const queries = blocks(readme, 'sql', '## Look at your results');
      expect(queries).toHaveLength(3);
      for (const query of queries) {
        const result = await client.query(query);
        expect(result.rows.length, query).toBeGreaterThan(0);
      }
    } finally {
      await client.end();
    }

    // the Python client's README, against a real probe serve on its default port
    expect(await portFree(PYTHON_PORT), `port ${PYTHON_PORT} is taken: the Python client's README assumes probe serve there`).toBe(true);
    const python = readFileSync(join(clone, 'clients/python/README.md'), 'utf8');
    const prepare = blocks(python, 'sh')[0]!;
    const serveLine = commands(prepare).find((line) => line.includes('probe serve'))!;
    for (const line of commands(prepare).filter((l) => l !== serveLine)) {
      const run = await shell(line);
      expect(run.status, `${line}\n${run.output}`).toBe(0);
    }
    // a process group of its own: npx runs probe as a child of its own, and the whole group is stopped below
    const serve = spawn('bash', ['-c', `exec ${serveLine}`], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    serves.push(serve);
    let served = '';
    serve.stdout!.on('data', (chunk: Buffer) => (served += chunk.toString()));
    serve.stderr!.on('data', (chunk: Buffer) => (served += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!served.includes(`listening on http://127.0.0.1:${PYTHON_PORT}`) && Date.now() < deadline) {
      expect(serve.exitCode, served).toBeNull();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(served).toContain(`listening on http://127.0.0.1:${PYTHON_PORT}`);

    const snippet = join(parent, 'readme_example.py');
    writeFileSync(snippet, blocks(python, 'python')[0]!);
    const example = await shell(`PYTHONPATH=clients/python python3 ${snippet}`, clone, 120_000);
    expect(example.status, example.output).toBe(0);
    expect(example.output).toMatch(/^6\/6$/m);
    expect(example.output).toContain('404 RUN_NOT_FOUND');

    const program = commands(blocks(python, 'sh').at(-1)!);
    const cd = program.find((line) => line.startsWith('cd '))!;
    const asProgram = await shell(program.filter((line) => line !== cd).join(' && '), join(clone, cd.slice(3)));
    expect(asProgram.status, asProgram.output).toBe(0);
    const rows = asProgram.output.split('\n').filter((line) => line.startsWith('{'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((line) => (JSON.parse(line) as { symbol: string }).symbol === 'DEMO')).toBe(true);
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    process.kill(-serve.pid!, 'SIGTERM');
    await exited;

    for (const line of toRun.slice(stop)) {
      const run = await shell(line);
      expect(run.status, `${line}\n${run.output}`).toBe(0);
    }
  }, 600_000);

  it(`\`make demo\` leaves at most ${DEMO_DISK_LIMIT_MB} MB in .probe/`, async () => {
    const demo = await shell('make demo', clone, 600_000);
    expect(demo.status, demo.output).toBe(0);
    const du = await shell('du -sm .probe');
    expect(du.status, du.output).toBe(0);
    const megabytes = Number(du.output.split(/\s/)[0]);
    expect(megabytes, du.output).toBeLessThanOrEqual(DEMO_DISK_LIMIT_MB);
  }, 600_000);
});
