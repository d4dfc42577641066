import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';

/**
 * openDatabase's pool listens to its idle clients' errors (a connection the
 * server ends while nobody uses it), so that they do not end the process,
 * and logs each one instead of dropping it. A process holds an idle
 * connection, its backend is terminated, and the warning must appear on
 * stderr (as config.logging says: JSON here) while the process goes on.
 */
let db: TestDatabase;
let folder: string;

beforeAll(async () => {
  db = await freshDatabase();
  folder = mkdtempSync(join(tmpdir(), 'probe-idle-error-'));
});

afterAll(async () => {
  await db?.drop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('openDatabase, an idle connection lost', () => {
  it('logs a warning naming the error and goes on', () => {
    const script = join(folder, 'idle.mts');
    writeFileSync(
      script,
      [
        `import { defaultConfig } from ${JSON.stringify(join(ROOT, 'runtime/config/config.ts'))};`,
        `import { openDatabase } from ${JSON.stringify(join(ROOT, 'runtime/db/connect.ts'))};`,
        `const config = defaultConfig();`,
        `config.logging.format = 'json';`,
        `const db = await openDatabase(config);`,
        `const idle = await db.pool.connect();`,
        `const other = await db.pool.connect();`,
        `const { rows } = await idle.query('SELECT pg_backend_pid() AS pid');`,
        `idle.release();`,
        `await other.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);`,
        `other.release();`,
        `await new Promise((done) => setTimeout(done, 500));`,
        `await db.pool.end();`,
        `console.log('still running');`,
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('still running');
    const warnings = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string; component?: string });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', component: 'database' });
    expect(warnings[0]!.msg).toMatch(/^an idle connection to the database failed: /);
  });
});
