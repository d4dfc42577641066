import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a PostgreSQL server says of itself in its data folder's
 * postmaster.pid: the file exists while it runs, and holds its pid, start
 * time, port and state (lines 1, 3, 4 and 8). Reading it needs no
 * connection and no password, and it names the port the server really
 * listens on, whatever port the reader would have chosen.
 */
export interface Postmaster {
  readonly pid: number;
  /** Seconds since the epoch: with the pid, tells this server from a later one that got the same pid. */
  readonly startedAt: number;
  readonly port: number;
  /** `starting`, `ready`, `stopping` or `standby`; `starting` until the server has written it. */
  readonly status: string;
}

/** The server running on `dataDir`, or undefined when none is (no postmaster.pid, or one left by a server that is gone). */
export function readPostmaster(dataDir: string): Postmaster | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  // the server writes the file in steps: a half-written one is of a server starting
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  if (!processExists(pid)) return undefined;
  return { pid, startedAt: Number(lines[2]), port, status: lines[7]?.trim() || 'starting' };
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's (a server run as `postgres`, read by a user who is not root)
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops the server on `dataDir` with a fast shutdown (SIGINT: sessions are
 * ended, open transactions roll back, a checkpoint is written) and waits
 * until it is gone. False when none was running.
 */
export async function stopPostmaster(dataDir: string, timeoutMs = 60_000): Promise<boolean> {
  const running = readPostmaster(dataDir);
  if (running === undefined) return false;
  try {
    process.kill(running.pid, 'SIGINT');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  const deadline = Date.now() + timeoutMs;
  // the file goes as the server exits (a server that was this process's child lingers as a zombie until reaped)
  while (readPostmaster(dataDir)?.pid === running.pid) {
    if (Date.now() > deadline) {
      throw new Error(`the PostgreSQL server on ${dataDir} (pid ${running.pid}) is still shutting down after ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  forgetKept(dataDir);
  return true;
}

/**
 * `probe db start` marks the server it keeps running, so that a probe
 * command that started the same server (and would stop it at its end)
 * leaves it running instead. The mark names the server by pid and start
 * time: one left by a server that has since stopped marks no other.
 */
const KEEP_FILE = 'probe-keep';

const keepMark = (server: Postmaster): string => `${server.pid} ${server.startedAt}\n`;

export function markKept(dataDir: string, server: Postmaster): void {
  writeFileSync(join(dataDir, KEEP_FILE), keepMark(server));
}

export function isKept(dataDir: string, server: Postmaster): boolean {
  try {
    return readFileSync(join(dataDir, KEEP_FILE), 'utf8') === keepMark(server);
  } catch {
    return false;
  }
}

export function forgetKept(dataDir: string): void {
  rmSync(join(dataDir, KEEP_FILE), { force: true });
}
