import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './cli.js';

/** A `probe serve` process of its own, on a free loopback port. */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

/**
 * A config.yaml for tests: units count as dead after `unitTimeout` seconds
 * and are looked for every second, so a killed instance's unit is retried
 * quickly.
 */
export function serviceConfig(unitTimeoutSeconds = 8): string {
  const dir = mkdtempSync(join(tmpdir(), 'probe-serve-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(
    path,
    [
      'server:',
      '  host: 127.0.0.1',
      '  port: 0',
      `  unit_timeout: ${unitTimeoutSeconds}s`,
      '  queue_maintenance: 1s',
      '  shutdown_timeout: 10s',
      'engine:',
      '  max_workers: 1',
      '  db_batch_size: 500',
      'strategies:',
      `  registry_file: ${resolve(ROOT, 'strategies.json')}`,
      '',
    ].join('\n'),
  );
  return path;
}

export function startServe(databaseUrl: string, config: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'runtime/cli/main.ts'), 'serve', '--config', config], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`probe serve did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done({ url: match[1]!, child, exited, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`probe serve exited with ${code}:\n${output}`));
    });
  });
}

export async function api<T = unknown>(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers ?? {}) },
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Polls a run until it reaches a final status. */
export async function waitForRun(base: string, runId: string, timeoutMs = 180_000): Promise<{ status: string } & Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api<{ status: string } & Record<string, unknown>>(base, `/api/v1/runs/${runId}`);
    if (['completed', 'failed', 'cancelled'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
