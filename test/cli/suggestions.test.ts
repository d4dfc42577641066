import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { InputError } from '../../runtime/errors.js';
import { closestName, rejectUnknownOptions } from '../../runtime/cli/suggest.js';
import { probe } from '../support/cli.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

/**
 * A typo in a command or option name gets the name meant, on `error: ` lines
 * with exit code 2, before anything runs (no database, no output), and even
 * when yargs would first have said that a required option is missing.
 */
const out = (): string => join(mkdtempSync(join(tmpdir(), 'probe-suggest-')), 'out');

describe('a mistyped command', () => {
  it.each([
    { name: 'bactest', args: ['bactest', '--data', PARITY_DIR], expected: 'error: unknown command bactest: did you mean backtest?\n' },
    { name: 'db imprt-bars', args: ['db', 'imprt-bars', '--symbol', 'X'], expected: 'error: unknown command imprt-bars: did you mean import-bars?\n' },
    { name: 'strategies shw', args: ['strategies', 'shw', '1'], expected: 'error: unknown command shw: did you mean show?\n' },
    // yargs alone would recommend `run` (3 edits): too far to be a typo of it
    { name: 'xyz', args: ['xyz'], expected: 'error: unknown command xyz (see --help)\n' },
  ])('probe $name', async ({ args, expected }) => {
    const run = await probe(args);
    expect(run.stderr).toBe(expected);
    expect(run.status).toBe(2);
  });
});

describe('a mistyped option', () => {
  it.each([
    {
      name: 'backtest --symbl (a required option)',
      args: ['backtest', '--data', PARITY_DIR, '--symbl', 'SYNTH', '--out', out()],
      expected: ['unknown option --symbl: did you mean --symbol?'],
    },
    {
      name: 'backtest --timeframe',
      args: ['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', out(), '--timeframe', '1Hour'],
      expected: ['unknown option --timeframe: did you mean --timeframes?'],
    },
    {
      name: 'run --symbl and --timeframe',
      args: ['run', '--symbl', 'SYNTH', '--timeframe', '1Hour'],
      expected: ['unknown option --symbl: did you mean --symbols?', 'unknown option --timeframe: did you mean --timeframes?'],
    },
    {
      name: 'run --time-frame (dashed: named once, as typed)',
      args: ['run', '--symbols', 'SYNTH', '--time-frame', '1Hour'],
      expected: ['unknown option --time-frame: did you mean --timeframes?'],
    },
    {
      name: 'db import-bars --symbl and --timeframes',
      args: ['db', 'import-bars', '--symbl', 'SYNTH', '--timeframes', '1Hour', '--csv', join(PARITY_DIR, 'bars_1Hour.csv')],
      expected: ['unknown option --symbl: did you mean --symbol?', 'unknown option --timeframes: did you mean --timeframe?'],
    },
    { name: 'serve --prot', args: ['serve', '--prot', '0'], expected: ['unknown option --prot: did you mean --port?'] },
    { name: 'strategies list --jsn', args: ['strategies', 'list', '--jsn'], expected: ['unknown option --jsn: did you mean --json?'] },
    { name: 'backtest --strat (a prefix)', args: ['backtest', '--data', PARITY_DIR, '--symbol', 'S', '--out', out(), '--strat', '1'], expected: ['unknown option --strat: did you mean --strategies?'] },
    {
      name: 'backtest --json (nothing near)',
      args: ['backtest', '--data', PARITY_DIR, '--symbol', 'S', '--out', out(), '--json'],
      expected: ['unknown option --json (see --help)'],
    },
  ])('$name', async ({ args, expected }) => {
    const run = await probe(args);
    expect(run.stderr).toBe(expected.map((line) => `error: ${line}\n`).join(''));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('is named in every command, whatever its options (--hepl for --help)', async () => {
    // db psql hands the options it does not know to psql (-c, --csv): they are not typos
    const leaves = (await leafCommands([])).filter((command) => command.join(' ') !== 'db psql [args..]');
    expect(leaves.map((c) => c.join(' '))).toEqual(
      expect.arrayContaining(['backtest', 'run', 'serve', 'db init', 'db import-bars', 'strategies list', 'strategies show <strategy>']),
    );
    // a required positional (<strategy>) gets a value, an optional one ([name]) none
    const words = (command: string[]): string[] => command.filter((w) => !w.startsWith('[')).map((w) => (w.startsWith('<') ? '1' : w));
    const runs = await Promise.all(leaves.map((command) => probe([...words(command), '--hepl'])));
    runs.forEach((run, k) => {
      expect({ command: leaves[k]!.join(' '), stderr: run.stderr, status: run.status }).toEqual({
        command: leaves[k]!.join(' '),
        stderr: 'error: unknown option --hepl: did you mean --help?\n',
        status: 2,
      });
    });
  });
});

describe('the check of unknown options', () => {
  /** A yargs command line like probe's: strict, with the check as a global middleware before validation. */
  const cli = (args: string[], seen: unknown[]) =>
    yargs(args)
      .strict()
      .middleware(rejectUnknownOptions, true)
      .command('tight', '', (y) => y.option('symbol', { type: 'string', demandOption: true }), () => {})
      .command('loose', '', (y) => y.strict(false), (argv) => void seen.push(argv.anything))
      .fail((message, error) => {
        throw error ?? new Error(message);
      });

  it('names the option meant before yargs reports the required one missing', async () => {
    // yargs throws a middleware's error from parseAsync() itself, not as a rejection
    const error = await (async (): Promise<unknown> => {
      try {
        await cli(['tight', '--sybmol', 'X'], []).parseAsync();
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems).toEqual(['unknown option --sybmol: did you mean --symbol?']);
  });

  it('leaves alone a command that accepts any option (strict off)', async () => {
    const seen: unknown[] = [];
    await cli(['loose', '--anything', '7'], seen).parseAsync();
    expect(seen).toEqual([7]);
  });

  it.each([
    ['symbl', ['symbol', 'symbols'], 'symbol'],
    ['sybmol', ['symbol'], 'symbol'],
    ['Symbol', ['symbol'], 'symbol'],
    ['symbl', ['symbols'], 'symbols'],
    ['conf', ['config'], 'config'],
    ['xyz', ['run', 'serve'], undefined],
    ['host', ['port'], undefined],
    ['st', ['strategies'], undefined],
  ] as const)('takes %s for one of %j: %s', (typed, known, expected) => {
    expect(closestName(typed, known)).toBe(expected);
  });
});

describe("yargs' own messages", () => {
  it('are one error: line each, also when yargs breaks them over several lines', async () => {
    const run = await probe(['strategies', 'list', '--category', 'trendd']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: Invalid values:\nerror: Argument: category, Given: "trendd", Choices: "trend", "mean_reversion", "breakout", "volume_flow", "pattern", "regime"\n');
  });
});

/**
 * The commands that run something (no subcommands), as their usage line
 * writes them, e.g. ['strategies', 'show', '<strategy>'], found through
 * --help as a user would: commands added later are covered too.
 */
async function leafCommands(command: string[]): Promise<string[][]> {
  const help = await probe([...command, '--help']);
  expect(help.status, help.stderr).toBe(0);
  const section = help.stdout.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  const children = [...section.matchAll(/^ {2}probe ([a-z-]+(?: [a-z-]+)*)/gm)].map((m) => m[1]!.split(' '));
  if (children.length === 0) return [help.stdout.split('\n')[0]!.split(' ').slice(1)];
  return (await Promise.all(children.map(leafCommands))).flat();
}
