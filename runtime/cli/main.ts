#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError } from '../config/error.js';
import { InputError } from '../io/bars-csv.js';
import { backtestCommand } from './commands/backtest.js';
import { dbCommand } from './commands/db.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { strategiesCommand } from './commands/strategies.js';

/** The `probe` command line. */
export async function main(argv: string[]): Promise<number> {
  const base = yargs(argv).scriptName('probe').usage('$0 <command> [options]').strict().demandCommand(1, 'name a command; see --help');
  const cli = [backtestCommand, runCommand, serveCommand, dbCommand, strategiesCommand]
    .reduce((y, command) => command(y), base)
    .help()
    .fail((message, error) => {
      throw error ?? new InputError([message]);
    });
  try {
    await cli.parseAsync();
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.message.split('\n')) console.error(`error: ${line}`);
      return 2;
    }
    if (error instanceof InputError) {
      for (const p of error.problems) console.error(`error: ${p}`);
      return 2;
    }
    console.error(error instanceof Error ? error.stack ?? error.message : String(error));
    return 1;
  }
}

process.exitCode = await main(hideBin(process.argv));
