#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, InputError } from '../errors.js';
import { probeVersion } from '../version.js';
import { backtestCommand } from './commands/backtest.js';
import { dbCommand } from './commands/db.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { strategiesCommand } from './commands/strategies.js';
import { rejectUnknownOptions, unknownCommandProblem } from './suggest.js';

/** The `probe` command line. */
export async function main(argv: string[]): Promise<number> {
  const base = yargs(argv)
    .scriptName('probe')
    .usage('$0 <command> [options]')
    // yargs would look for a package.json from the working directory: probe's own, wherever it runs from
    .version(probeVersion())
    // the fail handler below reads yargs' English "Did you mean ...?", and probe's own messages are English
    .detectLocale(false)
    .strict()
    .recommendCommands()
    // global, so it runs in every command with that command's options
    .middleware(rejectUnknownOptions, true)
    .demandCommand(1, 'name a command; see --help');
  const cli = [backtestCommand, runCommand, reportCommand, serveCommand, dbCommand, strategiesCommand]
    .reduce((y, command) => command(y), base)
    .help()
    .fail((message, error) => {
      // yargs' own errors (YError: a flag without its value, ...) are the user's input, like its messages
      if (error && error.name !== 'YError') throw error;
      const text = message ?? error?.message ?? 'invalid command line';
      const words = cli.parsed ? cli.parsed.argv._.map(String) : [];
      // one `error: ` line each: yargs breaks some messages ("Invalid values:") over several lines
      const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
      const command = unknownCommandProblem(text, words);
      throw new InputError(command === undefined ? lines : [command]);
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
