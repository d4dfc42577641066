/**
 * generated/diagnostics.ts: what the runtime knows about the strategies
 * besides their code (the registry fields, the required columns, the
 * compiler's findings) and the hash of the registry it was compiled from.
 * The runtime reads this, never strategies.json; so refusing an invalid
 * registry is the compiler's alone.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileRegistry } from '../../compiler/compile.js';
import { diagnoseRegistry } from '../../compiler/diagnostics/report.js';
import { canonical } from '../../compiler/registry/columns.js';
import { DIAGNOSTICS, REGISTRY, REGISTRY_HASH } from '../../generated/diagnostics.js';
import { canonicalJson, registryHash } from '../../runtime/registry/hash.js';
import type { RegistryEntry, StrategyDiagnostics } from '../../runtime/registry/types.js';
import { ROOT, tsxScript } from '../support/cli.js';
import { loadRegistry, rawRegistry } from '../support/registry.js';

const raw = rawRegistry();
const registry = loadRegistry();

const dirs: string[] = [];
/** A temporary folder inside the project (under .probe/), so that a module written there can be imported. */
function tempDir(): string {
  mkdirSync(resolve(ROOT, '.probe'), { recursive: true });
  const dir = mkdtempSync(resolve(ROOT, '.probe', 'registry-test-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The canonical form, written out independently of runtime/registry/hash.ts: strategies by id, keys sorted, no whitespace. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('generated/diagnostics.ts', () => {
  it('holds every strategy of strategies.json, in id order, with its fields exactly as validated', () => {
    expect(REGISTRY.map((e) => e.strategy.id)).toEqual(registry.map((s) => s.id));
    expect(REGISTRY).toHaveLength(100);
    REGISTRY.forEach((entry, k) => {
      // the same fields, in the same order, with the same values
      expect(JSON.stringify(entry.strategy), `strategy ${entry.strategy.id}`).toBe(JSON.stringify(registry[k]));
      expect(entry.strategy).toEqual(raw.find((s) => s.id === entry.strategy.id));
    });
  });

  it('holds each strategy\'s required columns, aliases resolved, and the compiler\'s findings about it', () => {
    const found = diagnoseRegistry(registry);
    REGISTRY.forEach((entry, k) => {
      expect(entry.requiredColumns).toEqual(registry[k]!.required_indicators.map(canonical));
    });
    expect(DIAGNOSTICS).toEqual(found.filter((d) => d.warnings.length > 0));
    expect(DIAGNOSTICS.filter((d) => d.neverTrades).map((d) => d.id)).toEqual([51, 52, 57, 58, 60, 61, 62, 65, 68, 70, 71, 79, 80, 90, 97]);
    expect(DIAGNOSTICS.find((d) => d.id === 54)!.sameSignalsAs).toEqual([99]);
  });

  it('names the registry it was compiled from: the sha256 of strategies.json in canonical form', () => {
    const byId = [...raw].sort((a, b) => (a.id as number) - (b.id as number));
    expect(REGISTRY_HASH).toBe(sha256(JSON.stringify(sortedKeys(byId))));
    expect(REGISTRY_HASH).toBe(registryHash(raw));
    expect(REGISTRY_HASH).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the registry hash', () => {
  it('does not depend on formatting, key order or the order of the strategies', () => {
    const text = readFileSync(resolve(ROOT, 'strategies.json'), 'utf8');
    const reordered = [...raw].reverse().map((s) => Object.fromEntries(Object.entries(s).reverse()));
    expect(registryHash(JSON.parse(JSON.stringify(reordered, null, 4)))).toBe(registryHash(JSON.parse(text)));
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: 1.5 })).toBe('{"a":1.5,"b":[1,{"c":"x","d":null}]}');
  });

  it('changes with any value, and compileRegistry reports the hash it emits', () => {
    const edited = raw.map((s) => (s.id === 7 ? { ...s, version: (s.version as number) + 1 } : s));
    expect(registryHash(edited)).not.toBe(registryHash(raw));
    const small = JSON.parse(readFileSync(resolve(ROOT, 'test/compiler/golden/small-registry.json'), 'utf8')) as Record<string, unknown>[];
    const result = compileRegistry(small);
    expect(result.hash).toBe(registryHash(small));
    expect(result.files.get('diagnostics.ts')).toContain(`export const REGISTRY_HASH = '${result.hash}';`);
    expect(compileRegistry([...small].reverse()).hash).toBe(result.hash);
  });
});

describe('what the compiler emits for the runtime', () => {
  it('carries each strategy with its own findings, under the id and name it was compiled with', async () => {
    // strategy 52 renamed: its findings travel with it, whatever its name
    const renamed = raw.filter((s) => s.id === 51 || s.id === 52).map((s) => (s.id === 52 ? { ...s, name: 'not_compiled_yet' } : s));
    const result = compileRegistry(renamed);
    const file = join(tempDir(), 'diagnostics.ts');
    writeFileSync(file, result.files.get('diagnostics.ts')!);
    const emitted = (await import(pathToFileURL(file).href)) as {
      REGISTRY: readonly RegistryEntry[];
      DIAGNOSTICS: readonly StrategyDiagnostics[];
      REGISTRY_HASH: string;
    };
    expect(emitted.REGISTRY_HASH).toBe(registryHash(renamed));
    expect(emitted.REGISTRY.map((e) => [e.strategy.id, e.strategy.name])).toEqual([[51, 'donchian_20_breakout'], [52, 'not_compiled_yet']]);
    expect(emitted.DIAGNOSTICS.map((d) => [d.id, d.name, d.neverTrades])).toEqual([[51, 'donchian_20_breakout', true], [52, 'not_compiled_yet', true]]);
    expect(emitted.REGISTRY[1]!.strategy).toEqual(renamed[1]);
    expect(emitted.DIAGNOSTICS[1]!.warnings).toEqual(DIAGNOSTICS.find((d) => d.id === 52)!.warnings);
  });

  it('writes registry values only as data: a name or text cannot change the code', async () => {
    const [first] = raw;
    const hostile = { ...first!, display_name: "it's */ `${x}` \\' \u2028", details: { "a'b": ['\n', '\\'], 'x-y': { '"': null } } };
    const data = JSON.parse(JSON.stringify([hostile])) as unknown[];
    const result = compileRegistry(data);
    const file = join(tempDir(), 'diagnostics.ts');
    writeFileSync(file, result.files.get('diagnostics.ts')!);
    const emitted = (await import(pathToFileURL(file).href)) as { REGISTRY: readonly RegistryEntry[] };
    expect(emitted.REGISTRY[0]!.strategy).toEqual(data[0]);
    expect(JSON.stringify(emitted.REGISTRY[0]!.strategy)).toBe(JSON.stringify(data[0]));
  });
});

describe('an invalid registry is refused by the compiler (the runtime reads none)', () => {
  it('lists every error, with the strategy, field and value, and leaves generated/ as it was', async () => {
    const dir = tempDir();
    const bad = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>[];
    bad[4]!.category = 'astrology';
    bad[7]!.philosophy = 'x'.repeat(501);
    writeFileSync(join(dir, 'strategies.json'), JSON.stringify(bad, null, 2));
    const out = join(dir, 'generated');
    mkdirSync(out);
    writeFileSync(join(out, 'index.ts'), 'export {};\n');
    const run = await tsxScript('compiler/main.ts', ['--registry', join(dir, 'strategies.json'), '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^error: strategy 5: category: .* \(value: "astrology"\)$/);
    expect(lines[1]).toMatch(/^error: strategy 8: philosophy: .* \(value: "x+\.\.\.\)$/);
    // generated/ is shown relative to the working directory (the project's) when inside it
    expect(lines[2]).toBe(`2 error(s) in ${join(dir, 'strategies.json')}; ${relative(ROOT, out)}/ left unchanged`);
    expect(readdirSync(out)).toEqual(['index.ts']);
    expect(readFileSync(join(out, 'index.ts'), 'utf8')).toBe('export {};\n');
  });
});
