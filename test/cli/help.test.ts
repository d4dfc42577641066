import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, probe } from '../support/cli.js';

/**
 * README.md's "## CLI reference" holds the `--help` output of probe and of
 * every command, each in a fenced block: this test checks it is exactly what
 * the command line prints. After changing a command, rewrite the section with
 *   UPDATE_CLI_REFERENCE=1 npx vitest run test/cli/help.test.ts
 */
const README = resolve(ROOT, 'README.md');
const HEADING = '## CLI reference';
const INTRO = [
  'Every command reads `config.yaml` (the working directory\'s, or `--config FILE`;',
  'none means the defaults): `config.example.yaml` documents every field, its',
  'default and its `${ENV_VAR:default}` form; flags override the file, and secrets',
  '(the database password, `PROBE_API_TOKEN`) come only from the environment.',
  'Log lines (JSON, or `logging.format: pretty`) go to stderr; stdout is the',
  'command\'s output. `docker compose up --build` runs `probe serve` with a',
  'PostgreSQL (set `DB_PASSWORD` and `PROBE_API_TOKEN`: the container listens on',
  '0.0.0.0, which probe refuses without a token).',
  '',
  'The `--help` output of `probe` and of each of its commands, exactly as they',
  'print it. `test/cli/help.test.ts` fails when this section differs from what',
  'the command line prints; after changing a command, rewrite the section with',
  '',
  '```sh',
  'UPDATE_CLI_REFERENCE=1 npx vitest run test/cli/help.test.ts',
  '```',
];

/** The commands a help output lists, e.g. ['db', 'init'] from "  probe db init   Create ...". */
function listedCommands(help: string): string[][] {
  const section = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return [...section.matchAll(/^ {2}probe ([a-z-]+(?: [a-z-]+)*)/gm)].map((m) => m[1]!.split(' '));
}

/** `probe --help` and every command's `--help`, depth first, keyed by the command line. */
async function helpOutputs(): Promise<Map<string, string>> {
  const collect = async (command: string[]): Promise<[string, string][]> => {
    const run = await probe([...command, '--help']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    // the subcommands run in parallel; the order stays the one the help lists them in
    const children = await Promise.all(listedCommands(run.stdout).map(collect));
    return [[['probe', ...command, '--help'].join(' '), run.stdout.trimEnd()], ...children.flat()];
  };
  return new Map(await collect([]));
}

function section(outputs: Map<string, string>): string {
  const blocks = [...outputs].map(([command, output]) => `### \`${command}\`\n\n\`\`\`text\n${output}\n\`\`\``);
  return [HEADING, '', ...INTRO, '', ...blocks.flatMap((b) => [b, ''])].join('\n');
}

describe('README.md CLI reference', () => {
  let outputs: Map<string, string>;
  beforeAll(async () => {
    outputs = await helpOutputs();
    if (process.env.UPDATE_CLI_REFERENCE) {
      const text = readFileSync(README, 'utf8');
      const at = text.indexOf(`\n${HEADING}\n`);
      // the section is the last of the README: it is rewritten from its heading to the end
      const before = at < 0 ? text.trimEnd() : text.slice(0, at).trimEnd();
      writeFileSync(README, `${before}\n\n${section(outputs).trimEnd()}\n`);
    }
  });

  it('covers probe and every command', () => {
    expect([...outputs.keys()]).toEqual(
      expect.arrayContaining(['probe --help', 'probe backtest --help', 'probe run --help', 'probe serve --help', 'probe db --help', 'probe strategies --help', 'probe strategies list --help', 'probe strategies show --help']),
    );
  });

  it('holds exactly what each --help prints, in a fenced block', () => {
    const readme = readFileSync(README, 'utf8');
    const at = readme.indexOf(`\n${HEADING}\n`);
    expect(at, `README.md has no "${HEADING}" section`).toBeGreaterThan(0);
    const reference = readme.slice(at);
    for (const [command, output] of outputs) {
      expect(reference, `${command} differs from README.md; run UPDATE_CLI_REFERENCE=1 npx vitest run test/cli/help.test.ts`).toContain(
        `\n\`\`\`text\n${output}\n\`\`\`\n`,
      );
    }
    // and nothing else: no block of a command that is gone
    const documented = [...reference.matchAll(/^### `(probe [^`]*)`$/gm)].map((m) => m[1]);
    expect(documented).toEqual([...outputs.keys()]);
  });
});
