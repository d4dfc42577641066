import type { Argv } from 'yargs';
import { loadConfig } from '../../config/config.js';
import { InputError } from '../../io/bars-csv.js';
import { ServeError, startService } from '../../service/serve.js';

interface ServeArgs {
  config?: string;
  host?: string;
  port?: number;
}

/** `probe serve`: the HTTP API and a queue worker (design document, section 6). */
export function serveCommand(yargs: Argv): Argv {
  return yargs.command<ServeArgs>(
    'serve',
    'Serve the HTTP API and take queued work units (any number of instances may share the database)',
    (y) =>
      y
        .option('config', { type: 'string', describe: 'config.yaml (default: ./config.yaml when present)' })
        .option('host', { type: 'string', describe: 'listen address (default: config server.host, 127.0.0.1)' })
        .option('port', { type: 'number', describe: 'listen port (default: config server.port, 8090; 0 = any free port)' }) as unknown as Argv<ServeArgs>,
    async (args) => {
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
    },
  );
}
