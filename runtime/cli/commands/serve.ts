import type { Argv } from 'yargs';

export interface ServeArgs {
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
      const { serve } = await import('../actions/serve.js');
      await serve(args);
    },
  );
}
