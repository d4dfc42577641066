import type { Argv } from 'yargs';
import { CATEGORIES, type Category } from '../../registry/vocabulary.js';

export interface RegistryArgs {
  config?: string;
  /** Refused (hidden from --help): probe lists the strategies compiled into generated/. */
  registry?: string;
  json?: boolean;
}

export interface ListArgs extends RegistryArgs {
  category?: Category;
  never?: boolean;
  duplicates?: boolean;
}

export interface ShowArgs extends RegistryArgs {
  strategy: string;
}

const registryOptions = <T>(y: Argv<T>): Argv<T> =>
  y
    .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of text' })
    .option('registry', { type: 'string', hidden: true })
    .option('config', { type: 'string', describe: 'config.yaml (default: ./config.yaml when present)' }) as unknown as Argv<T>;

/** `probe strategies <list|show>`: the registry, as compiled into generated/. */
export function strategiesCommand(yargs: Argv): Argv {
  return yargs.command('strategies', 'List the strategies of the registry, or show one with its conditions and warnings', (y) =>
    y
      .command<ListArgs>(
        'list',
        'List the strategies: id, name, category, direction, display name, and which can never trade or trade identically to another',
        (b) =>
          registryOptions(
            b
              .option('category', { choices: CATEGORIES, describe: 'only the strategies of this category' })
              .option('never', { type: 'boolean', default: false, describe: 'only the strategies that can never trade' })
              .option('duplicates', { type: 'boolean', default: false, describe: 'only the strategies with the same signals and exits as another' }) as unknown as Argv<ListArgs>,
          ),
        async (args) => {
          const { listStrategies, registryOf } = await import('../actions/strategies.js');
          process.stdout.write(listStrategies(registryOf(args), args));
        },
      )
      .command<ShowArgs>(
        'show <strategy>',
        "Show every registry field of one strategy (by id or name), its conditions as JSON and the compiler's warnings about it",
        (b) =>
          registryOptions(
            b.positional('strategy', { type: 'string', demandOption: true, describe: 'strategy id or name' }) as unknown as Argv<ShowArgs>,
          ),
        async (args) => {
          const { registryOf, showStrategy } = await import('../actions/strategies.js');
          process.stdout.write(showStrategy(registryOf(args), args));
        },
      )
      .demandCommand(1, 'name a strategies command; see probe strategies --help'),
  );
}
