import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNeverTrue, formatNeverTrue } from '../../compiler/diagnostics/never.js';
import { loadRegistry } from '../../runtime/registry/load.js';
import { ROOT, probe } from '../support/cli.js';

const registry = loadRegistry(resolve(ROOT, 'strategies.json'));
const raw = JSON.parse(readFileSync(resolve(ROOT, 'strategies.json'), 'utf8')) as Record<string, unknown>[];

describe('probe strategies list', () => {
  it('lists every strategy in aligned columns, by id', async () => {
    const run = await probe(['strategies', 'list']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(registry.length + 1);
    expect(lines[0]).toMatch(/^ ID {2}NAME +CATEGORY +DIRECTION +DISPLAY NAME$/);
    // every column starts where its header does
    const starts = ['NAME', 'CATEGORY', 'DIRECTION', 'DISPLAY NAME'].map((h) => lines[0]!.indexOf(h));
    lines.slice(1).forEach((line, k) => {
      const s = registry[k]!;
      expect(line.slice(0, starts[0]).trim()).toBe(String(s.id));
      expect(line.slice(starts[0], starts[1]).trim()).toBe(s.name);
      expect(line.slice(starts[1], starts[2]).trim()).toBe(s.category);
      expect(line.slice(starts[2], starts[3]).trim()).toBe(s.direction);
      expect(line.slice(starts[3])).toBe(s.display_name);
    });
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

  it('reads the registry the config names, and --registry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-strategies-'));
    const file = join(dir, 'two.json');
    writeFileSync(file, JSON.stringify(raw.slice(0, 2)));
    writeFileSync(join(dir, 'config.yaml'), `strategies:\n  registry_file: ${file}\n`);
    const viaConfig = await probe(['strategies', 'list', '--config', join(dir, 'config.yaml')]);
    expect(viaConfig.stdout.trimEnd().split('\n')).toHaveLength(3);
    const viaFlag = await probe(['strategies', 'list', '--registry', file, '--json']);
    expect((JSON.parse(viaFlag.stdout) as unknown[]).length).toBe(2);
    const missing = await probe(['strategies', 'list', '--registry', join(dir, 'none.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`error: ${join(dir, 'none.json')}: cannot read the strategy registry: no such file\n`);
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
    expect(out.trimEnd().endsWith('never-true conditions: none')).toBe(true);
  });

  it('shows the same strategy by name, with the compiler warnings of conditions that can never be true', async () => {
    const strategy = registry.find((s) => s.name === 'donchian_20_breakout')!;
    const warnings = findNeverTrue(strategy).map(formatNeverTrue);
    expect(warnings.length).toBeGreaterThan(0);
    const byName = await probe(['strategies', 'show', 'donchian_20_breakout']);
    const byId = await probe(['strategies', 'show', String(strategy.id)]);
    expect(byName.status, byName.stderr).toBe(0);
    expect(byName.stdout).toBe(byId.stdout);
    expect(byName.stdout).toContain(`never-true conditions:\n${warnings.map((w) => `  ${w}`).join('\n')}\n`);
  });

  it('prints every registry field and the warnings as JSON with --json', async () => {
    const strategy = registry.find((s) => s.name === 'donchian_20_breakout')!;
    const run = await probe(['strategies', 'show', 'donchian_20_breakout', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const shown = JSON.parse(run.stdout) as Record<string, unknown> & { never_true: { side: string; warning: string; blocks_side: boolean }[] };
    const { never_true: never, ...fields } = shown;
    expect(fields).toEqual(raw.find((s) => s.name === 'donchian_20_breakout'));
    expect(never.map((n) => n.warning)).toEqual(findNeverTrue(strategy).map(formatNeverTrue));
    expect(never[0]).toMatchObject({ side: expect.any(String), blocks_side: expect.any(Boolean) });
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
