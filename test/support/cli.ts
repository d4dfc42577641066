import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ProbeResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `probe` from the TypeScript sources as a separate process. It is
 * asynchronous on purpose: a synchronous spawn would block the test worker,
 * whose runner then times out talking to it.
 */
export function probe(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProbeResult> {
  // progress lines only where a test asks for them (every 10 s, a loaded machine would add them to any long run)
  return tsxScript('runtime/cli/main.ts', args, { PROBE_PROGRESS_INTERVAL_MS: '3600000', ...env });
}

/** A TypeScript entry point of the repository (`runtime/cli/main.ts`, `compiler/main.ts`) run through tsx, from ROOT. */
export function tsxScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProbeResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ status: code ?? -1, stdout, stderr }));
  });
}
