import { loadConfig } from '../../config/config.js';
import { InputError } from '../../io/bars-csv.js';
import { ServeError, startService } from '../../service/serve.js';

import type { ServeArgs } from '../commands/serve.js';

/** Serves until SIGTERM or SIGINT, then finishes the unit in flight. */
export async function serve(args: ServeArgs): Promise<void> {
  const config = loadConfig(args.config);
  if (args.port !== undefined && (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)) {
    throw new InputError([`--port: expected an integer from 0 to 65535, got ${JSON.stringify(args.port)}`]);
  }
  const server = { ...config.server, host: args.host ?? config.server.host, port: args.port ?? config.server.port };
  let service;
  try {
    service = await startService({ ...config, server });
  } catch (error) {
    if (error instanceof ServeError) throw new InputError([error.message]);
    throw error;
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
