import { createServer } from 'node:net';
import { loadConfig } from '../../config/config.js';
import { InputError } from '../../errors.js';
import { scrubSecrets } from '../../logger.js';
import { ServeError, startService } from '../../service/serve.js';

import type { ServeArgs } from '../commands/serve.js';
import { warnOfRegistryFile } from '../registry-option.js';

/** Why the HTTP server could not listen on host:port, in one line; undefined for any other error. */
function listenProblem(error: unknown, host: string, port: number): string | undefined {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is in use: stop what listens there, or choose another port with --port`;
    case 'EACCES':
      return `no permission to listen on port ${port} on ${host}${port < 1024 ? ' (ports below 1024 need privileges)' : ''}: choose another port with --port`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${host}: no such address on this machine (--host)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${host}: no such host (--host)`;
    default:
      return undefined;
  }
}

/** The error listening on host:port meets now, if any: the server itself listens only once the database and the queue run. */
function tryListen(host: string, port: number): Promise<Error | undefined> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', done);
    probe.listen({ host, port }, () => probe.close(() => done(undefined)));
  });
}

/** The SQLSTATE of an error PostgreSQL reported: five digits or capitals, some digits (not EPIPE, a system error's code). */
const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /[0-9]/.test(code) ? code : undefined;
};

/** Serves until SIGTERM or SIGINT, then finishes the unit in flight. */
export async function serve(args: ServeArgs): Promise<void> {
  const config = loadConfig(args.config);
  // the API lists and runs the strategies compiled into generated/: say so when the config's registry file holds others
  warnOfRegistryFile(config);
  if (args.port !== undefined && (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)) {
    throw new InputError([`--port: expected an integer from 0 to 65535, got ${JSON.stringify(args.port)}`]);
  }
  const server = { ...config.server, host: args.host ?? config.server.host, port: args.port ?? config.server.port };
  // a port in use (or not permitted) is refused before anything starts
  if (server.port !== 0) {
    const refused = listenProblem(await tryListen(server.host, server.port), server.host, server.port);
    if (refused !== undefined) throw new InputError([refused]);
  }
  let service;
  try {
    service = await startService({ ...config, server });
  } catch (error) {
    if (error instanceof ServeError) throw new InputError([error.message]);
    // e.g. the port taken since the check above. startService has closed the database (stopping an embedded
    // server it started) and the workers, but not the queue it started before listening: pg-boss's timers
    // would hold the process open, without a server, so it ends here
    const problem = listenProblem(error, server.host, server.port);
    if (problem !== undefined) console.error(`error: ${problem}`);
    else if (sqlState(error) !== undefined) console.error(`error: probe serve could not start: PostgreSQL says ${scrubSecrets((error as Error).message)} (SQLSTATE ${sqlState(error)})`);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(problem === undefined ? 1 : 2);
  }
  console.log(`probe serve listening on ${service.url}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      console.log(`${signal}: finishing the unit in flight (at most ${config.server.shutdown_timeout / 1000} s), then stopping`);
      service.shutdown().then(resolve, (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
