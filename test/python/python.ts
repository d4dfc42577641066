import { spawn } from 'node:child_process';
import { ROOT } from '../support/cli.js';

/** The interpreter the Python tests run (standard library only). */
export const PYTHON = process.env.PYTHON ?? 'python3';

export interface PythonResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs python3 asynchronously (a synchronous spawn would block the test
 * worker, whose runner then times out talking to it), from the project root
 * unless `cwd` says otherwise.
 */
export function runPython(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<PythonResult> {
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', ...options.env },
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

/** Runs python3 and parses its stdout as JSON; a non-zero exit fails with its stderr. */
export async function pythonJson<T>(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<T> {
  const result = await runPython(args, options);
  if (result.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
