/**
 * The compiler's findings beyond validation: strategies that compile to the
 * same signals and exits as another, and how `make generate` reports them
 * and the never-trading strategies (one summary line each, every finding
 * with --verbose).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProbeResult, tsxScript } from '../support/cli.js';
import { type CompileResult, compileRegistry } from '../../compiler/compile.js';
import { describeNeverTrue, findNeverTrue, neverTrades } from '../../compiler/diagnostics/never.js';
import { summaryLines } from '../../compiler/diagnostics/report.js';
import { findSameSignals } from '../../compiler/diagnostics/same-signals.js';
import { validateRegistry } from '../../compiler/registry/validate.js';
import type { Strategy } from '../../compiler/registry/schema.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REAL: unknown = JSON.parse(readFileSync(join(ROOT, 'strategies.json'), 'utf8'));
const SMALL: unknown = JSON.parse(readFileSync(join(ROOT, 'test/compiler/golden/small-registry.json'), 'utf8'));

type Json = Record<string, unknown>;

let realResult: CompileResult | undefined;
/** strategies.json compiled once for the whole file: it takes seconds. */
function compiledReal(): CompileResult {
  return (realResult ??= compileRegistry(REAL));
}

/** A valid strategy that trades; tests derive twins and near-twins from it. */
function base(id: number, overrides: Json = {}): Json {
  return {
    id,
    name: `strategy_${id}`,
    display_name: `Strategy ${id}`,
    philosophy: 'Trend entries above the parabolic SAR.',
    category: 'trend',
    direction: 'long_short',
    tags: ['trend'],
    version: 1,
    entry_long: [
      { type: 'crosses_above', col_a: 'ema_20', col_b: 'ema_50' },
      { type: 'above', col: 'close', ref: 'psar' },
    ],
    entry_short: [
      { type: 'crosses_below', col_a: 'ema_20', col_b: 'ema_50' },
      { type: 'below', col: 'close', ref: 'psar' },
    ],
    exit_long: [{ type: 'below', col: 'close', ref: 'ema_50' }, { type: 'rising', col: 'rsi_14', bars: 3 }],
    exit_short: [{ type: 'above', col: 'close', ref: 'ema_50' }],
    atr_stop_mult: 2,
    atr_target_mult: 3,
    trailing_atr_mult: 1.5,
    time_stop_bars: 20,
    required_indicators: ['ema_20', 'ema_50', 'psar', 'atr_14'],
    details: { entry_long: 'EMA20 crosses above EMA50 above SAR' },
    ...overrides,
  };
}

function strategies(data: unknown[]): Strategy[] {
  const validation = validateRegistry(data);
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  return validation.strategies;
}

describe('strategies that compile to the same signals and exits', () => {
  it('finds 54 bb_squeeze_breakout and 99 vol_breakout_failure_exit in strategies.json, and no other pair', () => {
    const result = compiledReal();
    expect(result.sameSignals).toEqual([[54, 99]]);
    const twins = result.diagnostics.filter((d) => d.sameSignalsAs.length > 0);
    expect(twins.map((d) => [d.id, d.sameSignalsAs])).toEqual([
      [54, [99]],
      [99, [54]],
    ]);
    expect(twins[0]!.warnings).toEqual([
      'compiles to the same signals and exits as strategy 99 vol_breakout_failure_exit (entry and exit conditions, stop, target, ' +
        'trailing stop, time stop and direction), so the two trade identically.',
    ]);
    expect(result.warnings).toContain(`warning: strategy 99 vol_breakout_failure_exit: ${twins[1]!.warnings[0]}`);
    expect(twins[1]!.warnings[0]).toContain('as strategy 54 bb_squeeze_breakout (');
  });

  it('finds a pair that differs only in names, texts, aliases, condition order and a repeated condition', () => {
    const original = base(1);
    const twin = base(2, {
      name: 'renamed_twin',
      display_name: 'Another name',
      philosophy: 'Different words for the same thing.',
      category: 'regime',
      tags: ['other'],
      version: 7,
      details: {},
      required_indicators: ['sar', 'atr_14'],
      // sar is the design document's name of psar; an entry needs all, an exit any, so order and repeats do not matter
      entry_long: [
        { type: 'above', col: 'close', ref: 'sar' },
        { type: 'crosses_above', col_a: 'ema_20', col_b: 'ema_50' },
        { type: 'above', col: 'close', ref: 'psar' },
      ],
      exit_long: [{ type: 'rising', col: 'rsi_14', bars: 3 }, { type: 'below', col: 'close', ref: 'ema_50' }],
    });
    expect(findSameSignals(strategies([original, twin, base(3, { time_stop_bars: null })]))).toEqual([[1, 2]]);
  });

  it('finds three of a kind as one group, whatever their order in the registry', () => {
    const data = [base(9), base(4, { name: 'four' }), base(6, { name: 'six' }), base(5, { name: 'five', atr_stop_mult: 1 })];
    expect(findSameSignals(strategies(data))).toEqual([[4, 6, 9]]);
    expect(compileRegistry(data).sameSignals).toEqual([[4, 6, 9]]);
  });

  it.each([
    ['atr_stop_mult', 2.5],
    ['atr_target_mult', null],
    ['trailing_atr_mult', 1.25],
    ['time_stop_bars', 21],
    ['direction', 'long_only'],
  ])('does not pair strategies whose %s differs (%s)', (field, value) => {
    expect(findSameSignals(strategies([base(1), base(2, { [field]: value })]))).toEqual([]);
  });

  it.each([
    ['a number in a condition', { exit_long: [{ type: 'below', col: 'close', ref: 'ema_50' }, { type: 'rising', col: 'rsi_14', bars: 4 }] }],
    ['a column in a condition', { entry_short: [{ type: 'crosses_below', col_a: 'ema_20', col_b: 'ema_50' }, { type: 'below', col: 'close', ref: 'ema_50' }] }],
    ['a condition fewer on an exit', { exit_long: [{ type: 'below', col: 'close', ref: 'ema_50' }] }],
    ['a condition more on an entry', { entry_long: [...(base(0).entry_long as Json[]), { type: 'above', col: 'adx_14', ref: 25 }] }],
  ])('does not pair strategies that differ in %s', (_what, overrides) => {
    expect(findSameSignals(strategies([base(1), base(2, overrides)]))).toEqual([]);
  });

  it('ignores the sides a direction never consults', () => {
    // a long_only strategy never opens a short, so its short sides cannot change its trades
    const longOnly = base(1, { direction: 'long_only' });
    const otherShorts = base(2, { direction: 'long_only', entry_short: [], exit_short: [{ type: 'above', col: 'close', ref: 'sma_200' }] });
    expect(findSameSignals(strategies([longOnly, otherShorts]))).toEqual([[1, 2]]);
  });
});

describe('the diagnostics module in generated/', () => {
  it('holds every strategy with a finding, and only those, with the compiler\'s sentences', () => {
    const result = compiledReal();
    const text = result.files.get('diagnostics.ts')!;
    expect(text).toContain("import type { StrategyDiagnostics } from '../runtime/registry/diagnostics.js';");
    const listed = [...text.matchAll(/^ {4}id: (\d+),$/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(result.diagnostics.filter((d) => d.warnings.length > 0).map((d) => d.id));
    expect(listed).toEqual([...result.neverTrade, 54, 99].sort((a, b) => a - b));
    expect(text).toMatch(/ {4}id: 54,\n {4}name: 'bb_squeeze_breakout',\n {4}neverTrades: false,\n {4}neverTrue: \[\],\n {4}sameSignalsAs: \[99\],\n/);
  });

  it('gives every never-true condition of findNeverTrue, and says which strategies never trade', () => {
    const registry = strategies(REAL as unknown[]);
    const { diagnostics } = compiledReal();
    registry.forEach((strategy, k) => {
      const found = findNeverTrue(strategy);
      const d = diagnostics[k]!;
      expect(d.id).toBe(strategy.id);
      expect(d.neverTrades, `strategy ${strategy.id}`).toBe(neverTrades(strategy, found));
      expect(d.neverTrue).toEqual(found.map((n) => ({ side: n.side, index: n.index, type: n.type, blocksSide: n.blocksSide })));
      expect(d.warnings.filter((w) => w.includes(') can never be true: '))).toEqual(found.map(describeNeverTrue));
    });
  });
});

describe('summary lines of make generate', () => {
  it('counts the strategies that never trade, not their conditions, and the pairs that trade identically', () => {
    const { diagnostics, warnings } = compiledReal();
    expect(warnings.length).toBeGreaterThan(30);
    expect(summaryLines(diagnostics)).toEqual([
      '15 strategies can never trade: probe strategies list --never',
      '1 pair of strategies trade identically: probe strategies list --duplicates',
    ]);
  });

  it('says nothing when there is nothing to say, and counts groups and strategies that trade despite a never-true condition', () => {
    expect(summaryLines(compileRegistry([base(1)]).diagnostics)).toEqual([]);
    const blockedLong = base(2, { name: 'blocked_long', entry_long: [{ type: 'breaks_above_level', level_col: 'donchian_high_20' }] });
    const triple = [base(5), base(6, { name: 'six' }), base(7, { name: 'seven' })];
    expect(summaryLines(compileRegistry([blockedLong, ...triple]).diagnostics)).toEqual([
      '1 group (3 strategies) of strategies trade identically: probe strategies list --duplicates',
      '1 more strategy has conditions that can never be true: npx tsx compiler/main.ts --verbose',
    ]);
  });
});

const generate = (args: readonly string[]): Promise<ProbeResult> => tsxScript('compiler/main.ts', args);

describe('compiler/main.ts', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-generate-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const twinOfTwo = { ...(SMALL as Json[])[1]!, id: 5, name: 'twin_of_two', display_name: 'Twin' };
  const registry = [...(SMALL as Json[]), twinOfTwo];

  it('prints one line per kind of finding instead of every warning, and writes generated/diagnostics.ts', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(registry));
    const run = await generate(['--registry', join(dir, 'registry.json'), '--out', join(dir, 'out')]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      `${join(dir, 'out')}/: 8 files from 5 strategies\n` +
        '1 strategy can never trade: probe strategies list --never\n' +
        '1 pair of strategies trade identically: probe strategies list --duplicates\n',
    );
    expect(readdirSync(join(dir, 'out'))).toContain('diagnostics.ts');
    expect(readFileSync(join(dir, 'out', 'diagnostics.ts'), 'utf8')).toBe(compileRegistry(registry).files.get('diagnostics.ts'));
  });

  it('prints every finding with --verbose', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(registry));
    const run = await generate(['--registry', join(dir, 'registry.json'), '--out', join(dir, 'out'), '--verbose']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe(`${compileRegistry(registry).warnings.join('\n')}\n`);
    expect(run.stderr).toContain('warning: strategy 2 above_mean_pullback: compiles to the same signals and exits as strategy 5 twin_of_two (');
    expect(run.stderr).toContain('warning: strategy 3 impossible_channel_breakout: can never trade: ');
    expect(run.stdout).toContain('1 strategy can never trade: probe strategies list --never\n');
  });

  it('refuses an unknown option with the usage', async () => {
    const run = await generate(['--verbos']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: Unknown option '--verbos'.*\(usage: compiler\/main\.ts \[--check \| --validate\] \[--verbose\] \[--registry FILE\] \[--out DIR\]\)\n$/);
  });

  it('--validate lists every error of a registry file and writes nothing (the Python exporter runs it)', async () => {
    const dir = tempDir();
    const bad = JSON.parse(JSON.stringify(registry)) as { entry_long: Json[] }[];
    bad[0]!.entry_long.push({ type: 'above', col: 'no_such_column', ref: 1 });
    bad[1]!.entry_long.push({ type: 'expr', when: { cmp: '>', a: { col: 'close', lag: 2 }, b: 'close' } });
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    const failed = await generate(['--validate', '--registry', join(dir, 'bad.json'), '--out', join(dir, 'out')]);
    expect(failed.status).toBe(1);
    const errors = failed.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('no_such_column');
    expect(errors[1]).toContain('reads 2 bar(s) back without a preceding {"min_bars": 2}');
    expect(failed.stderr).toContain(`2 error(s) in ${join(dir, 'bad.json')}\n`);

    writeFileSync(join(dir, 'good.json'), JSON.stringify(registry));
    const valid = await generate(['--validate', '--registry', join(dir, 'good.json'), '--out', join(dir, 'out')]);
    expect(valid.status, valid.stderr).toBe(0);
    expect(valid.stdout).toBe(`${join(dir, 'good.json')}: 5 strategies, no error\n1 strategy can never trade: probe strategies list --never\n1 pair of strategies trade identically: probe strategies list --duplicates\n`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
