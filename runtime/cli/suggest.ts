import { InputError } from '../errors.js';

/**
 * Edit distance where swapping two neighbouring letters counts as one edit
 * (optimal string alignment): typed names go wrong mostly by one letter
 * missing, added, changed or swapped.
 */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const change = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + change);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known name `typed` is most likely a typo of: the nearest within a third
 * of the longer name's length in edits (at least 1, at most 3: `symbl` is
 * `symbols`, `xyz` is not `run`), else the only known name it begins
 * (`strat` for `strategies`). Case is ignored; the first declared wins a tie.
 */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(lower.length, name.length) / 3)));
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  if (best) return best.name;
  const extended = lower.length >= 3 ? known.filter((name) => name.toLowerCase().startsWith(lower)) : [];
  return extended.length === 1 ? extended[0] : undefined;
}

/** What yargs knows of the options of the command being parsed (the part of its `getOptions()` read here). */
interface DeclaredOptions {
  readonly key: Readonly<Record<string, unknown>>;
  readonly alias: Readonly<Record<string, readonly string[]>>;
  readonly hiddenOptions: readonly string[];
}

/** The parts of yargs' parser read here; @types/yargs declares none of them. */
interface Parser {
  getOptions(): Partial<DeclaredOptions>;
  getStrict(): boolean;
  getStrictOptions(): boolean;
}

const isParser = (value: unknown): value is Parser =>
  typeof value === 'object' &&
  value !== null &&
  ['getOptions', 'getStrict', 'getStrictOptions'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

/**
 * yargs hands a middleware its parser for the command being run, which holds
 * that command's options; undefined when the command accepts any option
 * (`.strict(false)`): yargs would not refuse them, nor is it done here.
 */
function strictOptions(parser: unknown): DeclaredOptions | undefined {
  if (!isParser(parser)) throw new Error('yargs passed no parser with getOptions() to the middleware: see runtime/cli/suggest.ts');
  if (!parser.getStrict() && !parser.getStrictOptions()) return undefined;
  const options = parser.getOptions();
  return { key: options.key ?? {}, alias: options.alias ?? {}, hiddenOptions: options.hiddenOptions ?? [] };
}

/** `risk-profiles` -> `riskProfiles`, the second key yargs sets for a dashed option. */
const camelCase = (name: string): string => name.replace(/[-_]+(.)?/g, (_, next?: string) => (next ?? '').toUpperCase());

const flag = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** Keys of a parsed argv that are not options. */
const NOT_OPTIONS = new Set(['_', '$0', '--']);

/**
 * The options given that the command does not have, as typed: yargs also
 * sets `timeFrame` for `--time-frame`, which is left out here.
 */
function unknownOptions(argv: Readonly<Record<string, unknown>>, options: DeclaredOptions): string[] {
  const names = Object.keys(options.key).flatMap((key) => [key, ...(options.alias[key] ?? [])]);
  const known = new Set([...names, ...names.map(camelCase)]);
  const unknown = Object.keys(argv).filter((key) => !NOT_OPTIONS.has(key) && !known.has(key));
  return unknown.filter((key) => !unknown.some((other) => other !== key && camelCase(other) === key));
}

/** One line per unknown option, with the option it is most likely a typo of. */
function unknownOptionProblems(argv: Readonly<Record<string, unknown>>, options: DeclaredOptions): string[] {
  const visible = Object.keys(options.key).filter((key) => !options.hiddenOptions.includes(key));
  return unknownOptions(argv, options).map((typed) => {
    const near = closestName(typed, visible);
    return near === undefined ? `unknown option ${flag(typed)} (see --help)` : `unknown option ${flag(typed)}: did you mean ${flag(near)}?`;
  });
}

/**
 * A yargs middleware, run before validation: yargs checks required options
 * before unknown ones, so `--symbl X` would only get "Missing required
 * argument: symbol"; this names the typo and the option meant first.
 */
export function rejectUnknownOptions(argv: Readonly<Record<string, unknown>>, parser?: unknown): void {
  const options = strictOptions(parser);
  const problems = options === undefined ? [] : unknownOptionProblems(argv, options);
  if (problems.length > 0) throw new InputError(problems);
}

/**
 * yargs' `recommendCommands()` says "Did you mean backtest?" without the
 * word typed: this names it too. `words` are the non-option words parsed;
 * the typed one is the nearest to the recommendation other than itself.
 * yargs recommends anything within 3 edits (`xyz` -> `run`): a
 * recommendation is kept only when it is as near as an option's would be.
 */
export function unknownCommandProblem(message: string, words: readonly string[]): string | undefined {
  const recommended = /^Did you mean (\S+)\?$/.exec(message)?.[1];
  if (recommended === undefined) return undefined;
  const typed = words
    .filter((word) => word !== recommended)
    .reduce<string | undefined>((best, word) => (best === undefined || editDistance(word, recommended) < editDistance(best, recommended) ? word : best), undefined);
  if (typed === undefined) return `unknown command: did you mean ${recommended}?`;
  return closestName(typed, [recommended]) === undefined
    ? `unknown command ${typed} (see --help)`
    : `unknown command ${typed}: did you mean ${recommended}?`;
}
