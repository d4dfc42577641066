import type { Argv } from 'yargs';

/** `probe db <init|seed-strategies|import-bars|compute-features>`. */
export function dbCommand(yargs: Argv): Argv {
  return yargs.command('db', 'Database commands: init, seed-strategies, import-bars, compute-features', (y) =>
    y.demandCommand(1, 'name a db command; see probe db --help'),
  );
}
