/**
 * Golden test of the compiler's output for a small hand-written registry
 * (test/compiler/golden/small-registry.json).
 *
 * Every emitted file is compared byte for byte with
 * test/compiler/golden/expected/<path>.golden (the `.golden` suffix keeps the
 * expected TypeScript out of tsc and eslint, since its relative imports only
 * resolve from generated/).
 *
 * To regenerate the golden files after an intended change to the compiler:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/compiler/golden.test.ts
 *
 * then read the diff. Without UPDATE_GOLDEN=1 nothing is written.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileRegistry } from '../../compiler/compile.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const GOLDEN_DIR = resolve(HERE, 'golden');
const EXPECTED_DIR = join(GOLDEN_DIR, 'expected');
const SUFFIX = '.golden';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function loadRegistry(): unknown {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, 'small-registry.json'), 'utf8'));
}

/** Relative paths (as the compiler names them) of the golden files on disk. */
function goldenPaths(): string[] {
  if (!existsSync(EXPECTED_DIR)) return [];
  return readdirSync(EXPECTED_DIR, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(SUFFIX))
    .map((e) => relative(EXPECTED_DIR, join(e.parentPath, e.name)).split('\\').join('/').slice(0, -SUFFIX.length))
    .sort();
}

function goldenFile(path: string): string {
  return join(EXPECTED_DIR, `${path}${SUFFIX}`);
}

const EXPECTED_FILES = [
  'diagnostics.ts',
  'index.ts',
  'kernels.ts',
  'strategies/001_ema_cross_with_momentum.ts',
  'strategies/002_above_mean_pullback.ts',
  'strategies/003_impossible_channel_breakout.ts',
  'strategies/004_gap_up_fade.ts',
];

describe('compiler golden output (small registry)', () => {
  const result = compileRegistry(loadRegistry());

  it('emits one file per strategy plus the index, the kernels and the diagnostics', () => {
    expect([...result.files.keys()].sort()).toEqual(EXPECTED_FILES);
  });

  it.runIf(UPDATE)('writes the golden files (UPDATE_GOLDEN=1)', () => {
    rmSync(EXPECTED_DIR, { recursive: true, force: true });
    for (const [path, text] of result.files) {
      mkdirSync(dirname(goldenFile(path)), { recursive: true });
      writeFileSync(goldenFile(path), text);
    }
    expect(goldenPaths()).toEqual([...result.files.keys()].sort());
  });

  it('has exactly one golden file per emitted file, no missing or extra ones', () => {
    expect(goldenPaths()).toEqual([...result.files.keys()].sort());
  });

  it.each(EXPECTED_FILES)('%s matches its golden file byte for byte', (path) => {
    const emitted = result.files.get(path);
    expect(emitted, `the compiler emitted no ${path}`).toBeDefined();
    expect(existsSync(goldenFile(path)), `missing golden file for ${path}; run with UPDATE_GOLDEN=1`).toBe(true);
    const golden = readFileSync(goldenFile(path), 'utf8');
    // a plain string comparison first gives a readable line diff on failure
    expect(emitted).toBe(golden);
    expect(Buffer.from(emitted!, 'utf8').equals(readFileSync(goldenFile(path)))).toBe(true);
  });

  it('is deterministic: compiling twice (from fresh parses) gives identical maps', () => {
    const again = compileRegistry(loadRegistry());
    expect([...again.files.keys()]).toEqual([...result.files.keys()]);
    expect(again.files).toEqual(result.files);
    expect(again.warnings).toEqual(result.warnings);
    expect(again.neverTrade).toEqual(result.neverTrade);
    expect(again.diagnostics).toEqual(result.diagnostics);
  });

  it('does not depend on the order of the strategies in the registry', () => {
    const reversed = (loadRegistry() as unknown[]).reverse();
    const again = compileRegistry(reversed);
    expect(again.files).toEqual(result.files);
    expect(again.neverTrade).toEqual(result.neverTrade);
  });

  it('does not mutate its input', () => {
    const data = loadRegistry();
    const before = JSON.stringify(data);
    compileRegistry(data);
    expect(JSON.stringify(data)).toBe(before);
  });

  it('warns about the never-true conditions, naming the blocked side', () => {
    expect(result.warnings).toEqual([
      'warning: strategy 3 impossible_channel_breakout: can never trade: no entry side its direction (long_only) consults can ever be true.',
      'warning: strategy 3 impossible_channel_breakout: entry_long[0] (breaks_above_level) can never be true: ' +
        'close can never be above donchian_high_20 (a close never exceeds its bar high; ' +
        'donchian_high_20 is the highest high of the last 20 bars, this bar included); so the strategy never enters long.',
      'warning: strategy 3 impossible_channel_breakout: exit_long[0] (breaks_below_level) can never be true: ' +
        'close can never be below donchian_low_10 (donchian_low_10 is the lowest low of the last 10 bars, this bar included; ' +
        'a close is never below its bar low).',
    ]);
  });

  it('reports the strategy whose only consulted entry is impossible as never trading', () => {
    expect(result.neverTrade).toEqual([3]);
  });

  it('sees through column aliases when proving a condition never true', () => {
    const registry = loadRegistry() as Record<string, unknown>[];
    const aliased = registry.map((s) =>
      s.id === 3 ? { ...s, entry_long: [{ type: 'breaks_above_level', level_col: 'max_high_20' }, ...(s.entry_long as unknown[]).slice(1)] } : s,
    );
    const again = compileRegistry(aliased);
    expect(again.neverTrade).toEqual([3]);
    // the warning names the column as the author wrote it
    expect(again.warnings).toEqual(result.warnings.map((w) => w.replace('above donchian_high_20 (', 'above max_high_20 (')));
  });

  describe('shape of the emitted code', () => {
    const file = (path: string) => result.files.get(path)!;

    it('has one exported function per strategy side named <name>_<side>, with the side JSON above it', () => {
      const registry = loadRegistry() as { id: number; name: string; [side: string]: unknown }[];
      for (const strategy of registry) {
        const path = EXPECTED_FILES.find((p) => p.startsWith(`strategies/${String(strategy.id).padStart(3, '0')}_`))!;
        const text = file(path);
        for (const side of ['entry_long', 'entry_short', 'exit_long', 'exit_short']) {
          const signature = `export function ${strategy.name}_${side}(s: Series, out: Uint8Array): void {`;
          expect(text.split(signature).length - 1, `${path}: ${signature}`).toBe(1);
          const before = text.slice(0, text.indexOf(signature));
          const doc = before.slice(before.lastIndexOf('/**'));
          expect(doc).toContain(` * ${side}: ${JSON.stringify(strategy[side])}`);
        }
      }
    });

    it('writes strategy functions as straight-line kernel calls, with no calls back into the registry', () => {
      for (const path of EXPECTED_FILES.filter((p) => p.startsWith('strategies/'))) {
        const text = file(path);
        expect(text).not.toMatch(/\beval\b|new Function|JSON\.parse|strategies\.json'/);
        expect(text).not.toMatch(/\.(map|filter|reduce|forEach|some|every)\(/);
        // the bar loops live in the shared kernels
        expect(text).not.toMatch(/\bfor \(/);
      }
      const kernels = file('kernels.ts');
      expect(kernels).not.toMatch(/\beval\b|new Function|JSON\.parse|\.(map|filter|reduce|forEach|some|every)\(/);
      expect(kernels.match(/^export function \w+\(out: (Uint8Array|Float64Array), /gm)?.length).toBe(kernels.match(/^export function /gm)?.length);
    });

    it('emits each condition shape once, shared by every strategy that has it', () => {
      // strategies 1 and 2 both test a column above another (above: close > ema_50 / close > sma_20 ...)
      const kernels = file('kernels.ts');
      const names = [...kernels.matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]!);
      expect(new Set(names).size).toBe(names.length);
      const calls = EXPECTED_FILES.filter((p) => p.startsWith('strategies/')).flatMap((p) => [...file(p).matchAll(/ (\w+_\d+)\(out, [012], n\b/g)].map((m) => m[1]!));
      expect(new Set(calls)).toEqual(new Set(names.filter((n) => !n.startsWith('series_'))));
      expect(calls.length).toBeGreaterThan(new Set(calls).size);
    });

    it('stubs sides the direction never consults', () => {
      // strategy 2 is long_only with a (dead) entry_short; strategy 4 is short_only with a dead entry_long
      expect(file('strategies/002_above_mean_pullback.ts')).toMatch(
        /Direction long_only: never consulted, so never true\.\n \* entry_short: .*\n \*\/\nexport function above_mean_pullback_entry_short\(s: Series, out: Uint8Array\): void \{\n {2}out\.fill\(0\);\n\}/,
      );
      expect(file('strategies/004_gap_up_fade.ts')).toMatch(
        /Direction short_only: never consulted, so never true\.\n \* entry_long: .*\n \*\/\nexport function gap_up_fade_entry_long\(s: Series, out: Uint8Array\): void \{\n {2}out\.fill\(0\);\n\}/,
      );
    });

    it('resolves column aliases to their canonical names in code and metadata', () => {
      const text = file('strategies/003_impossible_channel_breakout.ts');
      // breaks_above_level has the shape of crosses_above, so it calls that kernel
      expect(text).toMatch(/\/\* breaks_above_level \*\/ \w+_\d+\(out, 0, n, close, donchian_high_20, 1\);/);
      expect(text).toContain("requiredIndicators: ['max_high_20', 'donchian_low_10', 'donchian_mid_20', 'volume_sma_20', 'atr_14']");
      expect(text).toContain("requiredColumns: ['donchian_high_20', 'donchian_low_10', 'donchian_mid_20', 'volume_sma_20', 'atr_14']");
      expect(file('strategies/004_gap_up_fade.ts')).toMatch(/candle_bearish_\d+\(out, [012], n, cdl_3black_crows\b/);
    });

    it('computes rolling series once, before the conditions, and imports only the kernels it uses', () => {
      const text = file('strategies/002_above_mean_pullback.ts');
      expect(text).toContain("import { rollingMean } from '../../runtime/kernels/rolling.js';");
      expect(text).not.toContain('pyMax');
      const firstCondition = text.search(/\w+_\d+\(out, 0, n\b/);
      expect(text.indexOf('= rollingMean(')).toBeGreaterThan(-1);
      expect(text.lastIndexOf('= rollingMean(')).toBeLessThan(firstCondition);
      expect(file('kernels.ts')).toContain("import { pyMax } from '../runtime/kernels/python.js';");
      expect(file('strategies/001_ema_cross_with_momentum.ts')).not.toContain('runtime/kernels');
      for (const path of EXPECTED_FILES.filter((p) => p.startsWith('strategies/'))) {
        const text = file(path);
        const imported = /import \{ ([^}]*) \} from '\.\.\/kernels\.js';/.exec(text)?.[1]?.split(', ') ?? [];
        const called = new Set([...text.matchAll(/ (\w+_\d+)\((?:out|\w+Input), /g)].map((m) => m[1]!));
        expect(new Set(imported), path).toEqual(called);
      }
    });

    it('lists every strategy in the index, in id order', () => {
      const index = file('index.ts');
      const order = ['ema_cross_with_momentum', 'above_mean_pullback', 'impossible_channel_breakout', 'gap_up_fade'];
      const positions = order.map((name) => index.indexOf(`  ${name},\n`));
      expect(positions.every((p) => p > 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    });
  });
});
