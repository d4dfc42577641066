import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeNeverTrue, findNeverTrue, neverTrades } from '../../compiler/diagnostics/never.js';
import { findSameSignals } from '../../compiler/diagnostics/same-signals.js';
import { diagnosticsOf } from '../../runtime/registry/diagnostics.js';
import { REGISTRY_HASH } from '../../runtime/registry/registry.js';
import { ROOT, probe } from '../support/cli.js';
import { loadRegistry } from '../support/registry.js';

const registry = loadRegistry(resolve(ROOT, 'strategies.json'));
const raw = JSON.parse(readFileSync(resolve(ROOT, 'strategies.json'), 'utf8')) as Record<string, unknown>[];

// what the compiler finds, computed here from the registry rather than read from generated/ as probe does
const NEVER_TRADING = registry.filter((s) => neverTrades(s, findNeverTrue(s))).map((s) => s.id);
const SAME_SIGNALS = findSameSignals(registry);

/** The first column of each row after the header. */
function idsOf(stdout: string): number[] {
  return stdout.trimEnd().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe('probe strategies list', () => {
  it('lists every strategy in aligned columns, by id, marking those that never trade or trade like another', async () => {
    const run = await probe(['strategies', 'list']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(registry.length + 1);
    expect(lines[0]).toMatch(/^ ID {2}NAME +CATEGORY +DIRECTION +DISPLAY NAME +WARNINGS$/);
    // strategies.json has no strategy that trades despite a never-true condition, so these two marks are all there is
    expect(registry.filter((s) => !NEVER_TRADING.includes(s.id) && findNeverTrue(s).length > 0)).toEqual([]);
    // every column starts where its header does
    const starts = ['NAME', 'CATEGORY', 'DIRECTION', 'DISPLAY NAME', 'WARNINGS'].map((h) => lines[0]!.indexOf(h));
    lines.slice(1).forEach((line, k) => {
      const s = registry[k]!;
      expect(line.slice(0, starts[0]).trim()).toBe(String(s.id));
      expect(line.slice(starts[0], starts[1]).trim()).toBe(s.name);
      expect(line.slice(starts[1], starts[2]).trim()).toBe(s.category);
      expect(line.slice(starts[2], starts[3]).trim()).toBe(s.direction);
      expect(line.slice(starts[3], starts[4]).trim()).toBe(s.display_name);
      const twins = (SAME_SIGNALS.find((ids) => ids.includes(s.id)) ?? []).filter((id) => id !== s.id);
      const marks = [NEVER_TRADING.includes(s.id) ? 'never trades' : '', twins.length > 0 ? `same signals as ${twins.join(', ')}` : ''];
      expect(line.slice(starts[4]), `strategy ${s.id}`).toBe(marks.filter((m) => m !== '').join('; '));
      expect(line).toBe(line.trimEnd());
    });
  });

  it('lists only the strategies that can never trade with --never: the ones findNeverTrue blocks', async () => {
    expect(NEVER_TRADING).toEqual([51, 52, 57, 58, 60, 61, 62, 65, 68, 70, 71, 79, 80, 90, 97]);
    const run = await probe(['strategies', 'list', '--never']);
    expect(run.status, run.stderr).toBe(0);
    expect(idsOf(run.stdout)).toEqual(NEVER_TRADING);
    for (const line of run.stdout.trimEnd().split('\n').slice(1)) expect(line).toMatch(/  never trades$/);

    const json = await probe(['strategies', 'list', '--never', '--category', 'volume_flow', '--json']);
    expect(json.status, json.stderr).toBe(0);
    const expected = registry.filter((s) => NEVER_TRADING.includes(s.id) && s.category === 'volume_flow');
    expect(expected.length).toBeGreaterThan(0);
    expect((JSON.parse(json.stdout) as { id: number }[]).map((s) => s.id)).toEqual(expected.map((s) => s.id));
  });

  it('lists only the strategies with the same signals and exits as another with --duplicates', async () => {
    expect(SAME_SIGNALS).toEqual([[54, 99]]);
    const run = await probe(['strategies', 'list', '--duplicates']);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(idsOf(run.stdout)).toEqual([54, 99]);
    expect(lines[1]).toMatch(/^54  bb_squeeze_breakout +breakout +long_short +BB Squeeze Breakout +same signals as 99$/);
    expect(lines[2]).toMatch(/^99  vol_breakout_failure_exit +regime +long_short +Volatility Breakout with Failure Exit +same signals as 54$/);
    // the filters narrow each other: neither of the two is a never-trading one
    const both = await probe(['strategies', 'list', '--duplicates', '--never']);
    expect(both.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('filters by category, as text and as JSON', async () => {
    const text = await probe(['strategies', 'list', '--category', 'breakout']);
    expect(text.status, text.stderr).toBe(0);
    const breakout = registry.filter((s) => s.category === 'breakout');
    expect(breakout.length).toBeGreaterThan(0);
    expect(text.stdout.trimEnd().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(breakout.map((s) => s.id));

    const json = await probe(['strategies', 'list', '--category', 'breakout', '--json']);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(
      breakout.map((s) => ({ id: s.id, name: s.name, display_name: s.display_name, category: s.category, direction: s.direction, tags: s.tags, version: s.version })),
    );
  });

  it('refuses an unknown category with exit code 2', async () => {
    const run = await probe(['strategies', 'list', '--category', 'momentum']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: Invalid values:/);
    expect(run.stderr).toContain('Argument: category, Given: "momentum", Choices: "trend", "mean_reversion", "breakout"');
  });

  it('lists the strategies compiled into generated/, warning when the registry file the config names is another one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-strategies-'));
    const file = join(dir, 'two.json');
    writeFileSync(file, JSON.stringify(raw.slice(0, 2)));
    writeFileSync(join(dir, 'config.yaml'), `strategies:\n  registry_file: ${file}\n`);
    const viaConfig = await probe(['strategies', 'list', '--config', join(dir, 'config.yaml')]);
    expect(viaConfig.status, viaConfig.stderr).toBe(0);
    expect(viaConfig.stdout).toBe((await probe(['strategies', 'list'])).stdout);
    expect(viaConfig.stdout.trimEnd().split('\n')).toHaveLength(registry.length + 1);
    expect(viaConfig.stderr).toBe(
      `warning: strategies.registry_file ${file} is not the registry probe was built from (${REGISTRY_HASH.slice(0, 12)}): ` +
        'probe uses the strategies compiled into generated/; to use it, compile it ' +
        `(make generate, or npx tsx compiler/main.ts --registry ${file}; then node scripts/bundle.mjs for dist/)\n`,
    );

    // the same registry written otherwise (indented, keys and strategies in another order) is the registry probe was built from
    const same = join(dir, 'same.json');
    const reordered = [...raw].reverse().map((s) => Object.fromEntries(Object.entries(s).reverse()));
    writeFileSync(same, JSON.stringify(reordered, null, 4));
    writeFileSync(join(dir, 'same.yaml'), `strategies:\n  registry_file: ${same}\n`);
    const agreeing = await probe(['strategies', 'list', '--config', join(dir, 'same.yaml'), '--json']);
    expect(agreeing.status, agreeing.stderr).toBe(0);
    expect(agreeing.stderr).toBe('');
    expect((JSON.parse(agreeing.stdout) as unknown[]).length).toBe(registry.length);

    writeFileSync(join(dir, 'none.yaml'), `strategies:\n  registry_file: ${join(dir, 'none.json')}\n`);
    const missing = await probe(['strategies', 'show', '1', '--config', join(dir, 'none.yaml')]);
    expect(missing.status, missing.stderr).toBe(0);
    expect(missing.stderr).toBe(
      `warning: strategies.registry_file ${join(dir, 'none.json')}: no such file; probe uses the strategies compiled into generated/\n`,
    );
  });

  it('refuses --registry, pointing at the compiler, with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-strategies-'));
    const file = join(dir, 'two.json');
    writeFileSync(file, JSON.stringify(raw.slice(0, 2)));
    for (const args of [['strategies', 'list', '--registry', file, '--json'], ['strategies', 'show', '1', '--registry', file]]) {
      const run = await probe(args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'error: --registry: probe no longer reads a strategy registry: it uses the strategies compiled into generated/ by make generate; ' +
          `to use ${file}, compile it with npx tsx compiler/main.ts --registry ${file} (then node scripts/bundle.mjs for dist/)\n`,
      );
    }
    // not offered in --help
    expect((await probe(['strategies', 'list', '--help'])).stdout).not.toContain('--registry');
  });

  it('takes the warnings from generated/, for the strategy compiled under that id and name only', async () => {
    const run = await probe(['strategies', 'list']);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[51]).toMatch(/^ 51 .* never trades$/);
    expect(lines[52]).toMatch(/^ 52  donchian_atr_filter +breakout +long_short +Donchian \+ ATR Filter +never trades$/);
    // a strategy under another name than generated/ compiled under its id has no findings
    expect(diagnosticsOf({ id: 51, name: 'donchian_20_breakout' }).neverTrades).toBe(true);
    expect(diagnosticsOf({ id: 52, name: 'not_compiled_yet' })).toEqual({
      id: 52, name: 'not_compiled_yet', neverTrades: false, neverTrue: [], sameSignalsAs: [], warnings: [],
    });
  });
});

describe('probe strategies show', () => {
  it('shows every registry field of a strategy by id, conditions as JSON', async () => {
    const run = await probe(['strategies', 'show', '1']);
    expect(run.status, run.stderr).toBe(0);
    const s = registry[0]!;
    const out = run.stdout;
    for (const field of Object.keys(raw[0]!)) expect(out, field).toMatch(new RegExp(`^${field}\\b`, 'm'));
    expect(out).toMatch(new RegExp(`^name +${s.name}$`, 'm'));
    expect(out).toMatch(new RegExp(`^philosophy +${s.philosophy.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
    expect(out).toMatch(new RegExp(`^tags +${s.tags.join(', ')}$`, 'm'));
    for (const side of ['entry_long', 'entry_short', 'exit_long', 'exit_short'] as const) {
      for (const condition of s[side]) expect(out).toContain(`\n  ${JSON.stringify(condition)}\n`);
    }
    expect(out).toContain(JSON.stringify(s.details, null, 2).split('\n').map((l) => `  ${l}`).join('\n'));
    expect(out.trimEnd().endsWith('\nwarnings: none')).toBe(true);
  });

  it('shows the same strategy by name, with the compiler warnings: never trades, and each condition that can never be true', async () => {
    const strategy = registry.find((s) => s.name === 'donchian_20_breakout')!;
    const never = findNeverTrue(strategy).map(describeNeverTrue);
    expect(never.length).toBeGreaterThan(0);
    const byName = await probe(['strategies', 'show', 'donchian_20_breakout']);
    const byId = await probe(['strategies', 'show', String(strategy.id)]);
    expect(byName.status, byName.stderr).toBe(0);
    expect(byName.stdout).toBe(byId.stdout);
    const warnings = ['can never trade: no entry side its direction (long_short) consults can ever be true.', ...never];
    expect(byName.stdout.endsWith(`\nwarnings:\n${warnings.map((w) => `  ${w}`).join('\n')}\n`)).toBe(true);
  });

  it('shows which strategy trades identically', async () => {
    for (const [id, twin] of [
      [54, '99 vol_breakout_failure_exit'],
      [99, '54 bb_squeeze_breakout'],
    ] as const) {
      const run = await probe(['strategies', 'show', String(id)]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`\nwarnings:\n  compiles to the same signals and exits as strategy ${twin} \\(.*\\), so the two trade identically\\.\n$`));
    }
  });

  it('prints every registry field and the warnings as JSON with --json', async () => {
    const strategy = registry.find((s) => s.name === 'donchian_20_breakout')!;
    const run = await probe(['strategies', 'show', 'donchian_20_breakout', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const { never_true: neverTrue, never_trades: never, same_signals_as: twins, warnings, ...fields } = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(fields).toEqual(raw.find((s) => s.name === 'donchian_20_breakout'));
    const found = findNeverTrue(strategy);
    expect(never).toBe(true);
    expect(twins).toEqual([]);
    expect(neverTrue).toEqual(found.map((n) => ({ side: n.side, index: n.index, type: n.type, blocks_side: n.blocksSide })));
    expect(warnings).toEqual(['can never trade: no entry side its direction (long_short) consults can ever be true.', ...found.map(describeNeverTrue)]);

    const twin = JSON.parse((await probe(['strategies', 'show', '54', '--json'])).stdout) as Record<string, unknown>;
    expect(twin).toMatchObject({ never_trades: false, never_true: [], same_signals_as: [99] });
  });

  it('refuses an unknown id or name with exit code 2', async () => {
    for (const key of ['999', 'no_such_strategy']) {
      const run = await probe(['strategies', 'show', key]);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`error: unknown strategy "${key}": no strategy has that id or name (ids 1-100 or names; see probe strategies list)\n`);
    }
    const none = await probe(['strategies', 'show']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/Not enough non-option arguments/);
  });
});
