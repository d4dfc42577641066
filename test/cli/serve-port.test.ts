import { spawn } from 'node:child_process';
import { type Server, createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { serviceConfig } from '../support/serve.js';

/** `probe serve` on a port it cannot have: one line naming it, exit 2, nothing left running. */
let db: TestDatabase;
let occupied: Server;
let port: number;

beforeAll(async () => {
  db = await freshDatabase();
  occupied = createServer();
  await new Promise<void>((done, fail) => {
    occupied.once('error', fail);
    occupied.listen(0, '127.0.0.1', () => done());
  });
  port = (occupied.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((done) => (occupied ? occupied.close(() => done()) : done()));
  await db?.drop();
});

function serve(args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'runtime/cli/main.ts'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // one that keeps running is stopped after 30 s, and shows as killed
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((done) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    }),
  );
}

describe('probe serve on a port in use', () => {
  it('says so in one line naming the port and exits 2, without a stack trace, having stopped all it started', async () => {
    const run = await serve(['--config', serviceConfig(), '--host', '127.0.0.1', '--port', String(port)]);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toBe(`error: port ${port} on 127.0.0.1 is in use: stop what listens there, or choose another port with --port\n`);
    expect(run.stdout).not.toContain('listening on');
    // refused before the database, the queue and the workers start
    expect(run.seconds).toBeLessThan(10);
    const left = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IS NOT NULL
         AND application_name = 'probe'`,
    );
    expect(left.rows[0]!.n).toBe(0);
  });
});
