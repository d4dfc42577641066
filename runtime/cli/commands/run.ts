import type { Argv } from 'yargs';

/** `probe run`: the database path. */
export function runCommand(yargs: Argv): Argv {
  return yargs;
}
