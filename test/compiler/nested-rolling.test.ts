/**
 * A rolling series over another rolling series (the expression schema
 * accepts it). The compiler once referred to an undeclared `rolling1`,
 * never unpacked the inner window's column and never imported its kernel:
 * a declaration is now made when first needed, after the ones it reads.
 *
 * The values are checked against hand-computed ones and against the Python
 * evaluator of the documented semantics (scripts/probe_registry/expr.py),
 * and the emitted strategy module is run with only the imports it declares.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compileRegistry } from '../../compiler/compile.js';
import * as python from '../../runtime/kernels/python.js';
import * as rolling from '../../runtime/kernels/rolling.js';
import type { CompiledStrategy } from '../../runtime/registry/compiled.js';
import { pythonJson } from '../python/python.js';
import { ROOT } from '../support/cli.js';
import { evaluateCondition } from '../support/condition-harness.js';

const N = Number.NaN;
const close = [1, 5, 3, 8, 2, 9, 4, 7, 6];

const mean3 = { rolling: 'mean', of: 'close', window: 3, lag: 0 };
/** The example of the issue: the highest 3-bar mean of the last 4 bars. */
const maxOfMean = { rolling: 'max', of: mean3, window: 4, lag: 0 };
/** The same over the means a bar back: the input is a series computed first. */
const maxOfPreviousMean = { rolling: 'max', of: { ...mean3, lag: 1 }, window: 4, lag: 0 };
/** A rolling window inside arithmetic inside another window. */
const minOfPullback = { rolling: 'min', of: { op: 'sub', args: [{ rolling: 'max', of: 'close', window: 2, lag: 0 }, 'close'] }, window: 3, lag: 0 };

// the means of 3 closes, from bar 2: 3, 16/3, 13/3, 19/3, 5, 20/3, 17/3
// their max over 4 bars, from bar 5: max(3, 16/3, 13/3, 19/3), max(16/3, 13/3, 19/3, 5), max(13/3, 19/3, 5, 20/3), max(19/3, 5, 20/3, 17/3)
const MAX_OF_MEAN = [N, N, N, N, N, 19 / 3, 19 / 3, 20 / 3, 20 / 3];
// the means a bar back, from bar 3, so four of them from bar 6: max(3, 16/3, 13/3, 19/3), max(16/3, ..., 5), max(13/3, ..., 20/3)
const MAX_OF_PREVIOUS_MEAN = [N, N, N, N, N, N, 19 / 3, 19 / 3, 20 / 3];
// max of 2 closes minus the close: NaN, 0, 2, 0, 6, 0, 5, 0, 1; their min over 3 bars, from bar 3: 0 each
const MIN_OF_PULLBACK = [N, N, N, 0, 0, 0, 0, 0, 0];

/** The bars where `num == expected` (so a NaN on either side is false). */
function equalsAt(num: unknown, expected: readonly number[]): boolean[] {
  return evaluateCondition({ type: 'expr', when: { cmp: '==', a: num, b: 'stddev_20' } }, { close, stddev_20: expected });
}

const finite = (values: readonly number[]) => values.map((v) => Number.isFinite(v));

describe('a rolling series nested in another', () => {
  it('computes hand-computed values', () => {
    expect(equalsAt(maxOfMean, MAX_OF_MEAN)).toEqual(finite(MAX_OF_MEAN));
    expect(equalsAt(maxOfPreviousMean, MAX_OF_PREVIOUS_MEAN)).toEqual(finite(MAX_OF_PREVIOUS_MEAN));
    expect(equalsAt(minOfPullback, MIN_OF_PULLBACK)).toEqual(finite(MIN_OF_PULLBACK));
  });

  it('agrees with the Python evaluator of the documented semantics', async () => {
    const nums = [maxOfMean, maxOfPreviousMean, minOfPullback];
    const script = [
      'import json, sys',
      'sys.path.insert(0, "scripts")',
      'from probe_registry.expr import values',
      'nums, close = json.loads(sys.argv[1])',
      'print(json.dumps([[v if v == v else None for v in values(n, {"close": close})] for n in nums]))',
    ].join('\n');
    const expected = await pythonJson<(number | null)[][]>(['-c', script, JSON.stringify([nums, close])]);
    nums.forEach((num, k) => {
      const values = expected[k]!.map((v) => v ?? N);
      expect(equalsAt(num, values), JSON.stringify(num)).toEqual(finite(values));
    });
    expect(expected[0]!.map((v) => v ?? N)).toEqual(MAX_OF_MEAN);
  });

  describe('in a generated module', () => {
    const registry = JSON.parse(readFileSync(join(ROOT, 'test/compiler/golden/small-registry.json'), 'utf8')) as Record<string, unknown>[];
    const strategy = {
      ...registry[0]!,
      entry_long: [{ type: 'expr', when: { cmp: '>', a: 'close', b: maxOfPreviousMean } }],
      exit_long: [{ type: 'expr', when: { cmp: '<', a: 'close', b: maxOfMean } }],
    };
    const { files } = compileRegistry([strategy]);
    const path = [...files.keys()].find((p) => p.startsWith('strategies/'))!;
    const text = files.get(path)!;

    it('declares each window after the one it reads, and imports both kernels', () => {
      expect(text).toContain("import { rollingMean, rollingMax } from '../../runtime/kernels/rolling.js';");
      const entry = text.slice(text.indexOf('_entry_long('), text.indexOf('_entry_short('));
      expect(entry).toContain('const { close } = s.columns;');
      const order = ['const rolling0 = rollingMean(close, 3);', 'const rolling1Input = new Float64Array(n);', 'const rolling1 = rollingMax(rolling1Input, 4);'];
      const at = order.map((line) => entry.indexOf(line));
      expect(at.every((k) => k > 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      // a window read with no lag is the next window's input as it is, with no copy
      const exit = text.slice(text.indexOf('_exit_long('), text.indexOf('_exit_short('));
      expect(exit).toContain('const rolling1 = rollingMax(rolling0, 4);');
      // every rolling series read is declared in the function that reads it
      for (const body of [entry, exit]) {
        const declared = new Set([...body.matchAll(/const (rolling\w*) =/g)].map((m) => m[1]));
        for (const [used] of body.matchAll(/\brolling\d+\w*/g)) expect(declared, used).toContain(used);
      }
    });

    it('runs with only the imports it declares', () => {
      const kernels = evaluateModule(files.get('kernels.ts')!, { '../runtime/kernels/python.js': python });
      const exports = evaluateModule(text, { '../../runtime/kernels/rolling.js': rolling, '../kernels.js': kernels });
      const compiled = Object.values(exports).find((v): v is CompiledStrategy => typeof v === 'object' && v !== null && 'entryLong' in v)!;
      const series = { length: close.length, columns: { close: Float64Array.from(close) } };
      const signal = (fn: CompiledStrategy['entryLong']) => {
        const out = new Uint8Array(close.length);
        fn(series, out);
        return Array.from(out, (v) => v === 1);
      };
      // close > the highest previous mean: bar 6 4 > 19/3 no; bar 7 7 > 19/3; bar 8 6 > 20/3 no
      expect(signal(compiled.entryLong)).toEqual([false, false, false, false, false, false, false, true, false]);
      // close < the highest mean: bar 5 9 no; bar 6 4 yes; bar 7 7 no; bar 8 6 yes
      expect(signal(compiled.exitLong)).toEqual([false, false, false, false, false, false, true, false, true]);
    });
  });
});

/** Transpiles an emitted module and runs it, its imports resolved from `modules` (nothing else). */
function evaluateModule(text: string, modules: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const js = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  const require = (id: string): unknown => {
    if (!(id in modules)) throw new Error(`unexpected import ${id}`);
    return modules[id];
  };
  const exports: Record<string, unknown> = {};
  new Function('require', 'exports', 'module', js)(require, exports, { exports });
  return exports;
}
