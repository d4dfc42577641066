import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONDITION_TYPES } from '../../compiler/conditions/index.js';
import { compileRegistry } from '../../compiler/compile.js';
import { runEngine, type Signals } from '../../runtime/engine/engine.js';
import { RISK_PROFILE_NAMES, RISK_PROFILES } from '../../runtime/engine/risk-profiles.js';
import type { Trade } from '../../runtime/engine/trade.js';
import { BAR_COLUMNS, INDICATOR_COLUMNS } from '../../runtime/indicators/catalog.js';
import { computeIndicators } from '../../runtime/indicators/compute.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import * as python from '../../runtime/kernels/python.js';
import * as rolling from '../../runtime/kernels/rolling.js';
import { prepareSeries, withIndicators } from '../../runtime/run/prepare.js';
import type { Bars } from '../../runtime/series/bars.js';
import type { BarSeries } from '../../runtime/series/bar-series.js';
import type { CompiledStrategy } from '../../runtime/registry/compiled.js';
import { ROOT } from '../support/cli.js';
import { evaluateCondition } from '../support/condition-harness.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';
import { pythonJson, runPython } from './python.js';

/**
 * scripts/export_registry.py: the stand-in Python registry exports exactly
 * the hand-written JSON, which compiles and trades; a hand-written closure
 * stops the export; and the Python factories' conditions hold on exactly the
 * bars where the compiled code says their JSON holds.
 */

const EXPORTER = 'scripts/export_registry.py';
const STANDIN = 'test/python/standin_registry.py';
const BROKEN = 'test/python/broken_registry.py';
const EXPECTED_PATH = resolve(ROOT, 'test/python/standin-expected.json');
const SIDES = ['entry_long', 'entry_short', 'exit_long', 'exit_short'] as const;
type SideName = (typeof SIDES)[number];

let dir: string;
let bars: Bars;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-export-'));
  bars = readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function exportStandin(): Promise<string> {
  const out = join(dir, 'standin.json');
  const result = await runPython([EXPORTER, '--module', STANDIN, '--out', out]);
  expect(result.stderr).toMatch(/^export_registry: verification: checked 32 conditions \(1 expr\) on 1000 bars: all agree, generated data \(seed 1\) \([\d.]+ s\)\n/);
  expect(result.stderr).toContain(`export_registry: wrote ${out} (5 strategies)\n`);
  expect(result.stderr).not.toContain('warning');
  expect(result.status).toBe(0);
  return readFileSync(out, 'utf8');
}

// ---------------------------------------------------------------- compiled registries, in process

/**
 * Runs one emitted module without writing it: the TypeScript is transpiled
 * and run with `new Function`, its imports resolved from `modules`.
 */
function evaluateModule(path: string, text: string, modules: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const js = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  const require = (id: string): unknown => {
    const found = modules[id];
    if (found === undefined) throw new Error(`${path} imports ${id}, which the harness does not provide`);
    return found;
  };
  const exports: Record<string, unknown> = {};
  new Function('require', 'exports', 'module', js)(require, exports, { exports });
  return exports;
}

/**
 * Compiles a registry (given as data) with the compiler `make generate`
 * uses and evaluates each emitted strategy module without writing it, its
 * only imports being the runtime's kernels and the generated kernels.
 */
function compileInProcess(registry: unknown): CompiledStrategy[] {
  const { files } = compileRegistry(registry);
  const kernels = evaluateModule('kernels.ts', files.get('kernels.ts')!, { '../runtime/kernels/python.js': python });
  const modules: Readonly<Record<string, unknown>> = {
    '../../runtime/kernels/python.js': python,
    '../../runtime/kernels/rolling.js': rolling,
    '../kernels.js': kernels,
  };
  const compiled: CompiledStrategy[] = [];
  for (const [path, text] of files) {
    if (!path.startsWith('strategies/')) continue;
    const exports = evaluateModule(path, text, modules);
    const strategies = Object.values(exports).filter((v): v is CompiledStrategy => typeof v === 'object' && v !== null && 'entryLong' in v);
    expect(strategies, path).toHaveLength(1);
    compiled.push(strategies[0]!);
  }
  return compiled.sort((a, b) => a.id - b.id);
}

function signalsOf(strategy: CompiledStrategy, series: BarSeries): Signals & Record<SideName, Uint8Array> {
  const make = (fn: CompiledStrategy['entryLong']): Uint8Array => {
    const out = new Uint8Array(series.length);
    fn(series, out);
    return out;
  };
  const entryLong = make(strategy.entryLong);
  const entryShort = make(strategy.entryShort);
  const exitLong = make(strategy.exitLong);
  const exitShort = make(strategy.exitShort);
  return { entryLong, entryShort, exitLong, exitShort, entry_long: entryLong, entry_short: entryShort, exit_long: exitLong, exit_short: exitShort };
}

/** Every trade of every strategy and risk profile, keyed by strategy id and profile. */
function tradesOf(strategies: readonly CompiledStrategy[], series: BarSeries): Map<string, Trade[]> {
  const c = series.columns;
  const prices = { length: series.length, open: c.open!, high: c.high!, low: c.low!, close: c.close!, atr: c.atr_14! };
  const trades = new Map<string, Trade[]>();
  for (const strategy of strategies) {
    const signals = signalsOf(strategy, series);
    for (const name of RISK_PROFILE_NAMES) {
      trades.set(`${strategy.id}/${name}`, runEngine(prices, signals, strategy.direction, strategy.exits, RISK_PROFILES[name]));
    }
  }
  return trades;
}

/**
 * The parity bars' every column for python3 (NaN and infinities as strings),
 * as computed or made adversarial: rounded to halves, so that comparisons
 * meet many ties, with NaN holes in every column.
 */
function writeColumns(name: string, adversarial: boolean): { path: string; series: BarSeries } {
  const computed = withIndicators(bars, computeIndicators(bars, INDICATOR_COLUMNS));
  const names = [...BAR_COLUMNS, ...INDICATOR_COLUMNS];
  const columns: Record<string, Float64Array> = {};
  for (const column of names) {
    const values = computed.columns[column]!;
    columns[column] = adversarial ? values.map((v, i) => (i % 37 === 5 ? Number.NaN : Math.round(v * 2) / 2)) : values;
  }
  const series: BarSeries = { ...computed, columns };
  const encode = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ length: series.length, columns: Object.fromEntries(names.map((c) => [c, Array.from(columns[c]!, encode)])) }));
  return { path, series };
}

function barsWhere(mask: ArrayLike<number | boolean>): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return out;
}

// ---------------------------------------------------------------- tests

describe('export_registry.py', () => {
  it('exports the stand-in registry exactly as hand-written (sorted by id, field order, 2 spaces, newline)', async () => {
    const text = await exportStandin();
    expect(text).toBe(readFileSync(EXPECTED_PATH, 'utf8'));
    expect(text.endsWith('}\n]\n')).toBe(true);
  });

  it('keeps the mode of the file it replaces, and writes a new one 0644 (mkstemp alone would make it 0600)', async () => {
    const kept = join(dir, 'kept.json');
    for (const mode of [0o644, 0o640, 0o664]) {
      writeFileSync(kept, '[]\n');
      chmodSync(kept, mode);
      const result = await runPython([EXPORTER, '--module', STANDIN, '--out', kept]);
      expect(result.status, result.stderr).toBe(0);
      expect(statSync(kept).mode & 0o7777).toBe(mode);
      expect(readFileSync(kept, 'utf8')).toBe(readFileSync(EXPECTED_PATH, 'utf8'));
    }
    const fresh = join(dir, 'fresh.json');
    expect((await runPython([EXPORTER, '--module', STANDIN, '--out', fresh])).status).toBe(0);
    expect(statSync(fresh).mode & 0o7777).toBe(0o644);
  });

  it('--check accepts an up-to-date file and reports a stale one without touching it', async () => {
    const same = await runPython([EXPORTER, '--module', STANDIN, '--check', EXPECTED_PATH]);
    expect(same.status).toBe(0);
    expect(same.stderr).toContain(`export_registry: ${EXPECTED_PATH} is up to date (5 strategies)\n`);
    const stale = join(dir, 'stale.json');
    const staleText = readFileSync(EXPECTED_PATH, 'utf8').replace('"version": 2', '"version": 3');
    writeFileSync(stale, staleText);
    const differs = await runPython([EXPORTER, '--module', STANDIN, '--check', stale]);
    expect(differs.status).toBe(1);
    expect(differs.stderr).toContain("strategy 2 'standin_rsi_turn' version: 3 -> 2");
    expect(differs.stderr).toContain(`${stale} is stale: export it again with --out ${stale}`);
    expect(readFileSync(stale, 'utf8')).toBe(staleText);
  });

  it('also takes a dotted module name importable from the current directory, and --out -', async () => {
    const result = await runPython([resolve(ROOT, EXPORTER), '--module', 'standin_registry', '--out', '-'], { cwd: resolve(ROOT, 'test/python') });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(readFileSync(EXPECTED_PATH, 'utf8'));
  });

  it('refuses hand-written closures, naming the strategy, side and position of every one, and writes nothing', async () => {
    const out = join(dir, 'broken.json');
    const result = await runPython([EXPORTER, '--module', BROKEN, '--out', out]);
    expect(result.status).toBe(2);
    // the conditions that have JSON are still verified in the same run
    expect(result.stderr).toMatch(/^export_registry: verification: checked 6 conditions \(0 expr\) on 1000 bars: all agree \(5 without JSON skipped\)/);
    const lines = result.stderr.trim().split('\n').slice(1);
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^export_registry: strategy 7 'broken_closures' entry_long\[0\]\.op: the predicate <lambda> \(broken_registry\.py:\d+\) has no JSON form/);
    expect(lines[0]).toContain("held_for_n_bars(col, compare('>', 0), n_bars)");
    expect(lines[1]).toMatch(
      /^export_registry: strategy 7 'broken_closures' exit_short\[0\]\.conditions\[1\]: close_above_open \(broken_registry\.py:\d+\) is a hand-written function with no JSON form/,
    );
    expect(lines[1]).toContain('@with_expr');
    // both hand-written children of one all_of, not the first only
    expect(lines[2]).toMatch(/^export_registry: strategy 9 'two_bad_in_all_of' entry_long\[0\]\.conditions\[1\]: close_above_open \(/);
    expect(lines[3]).toMatch(/^export_registry: strategy 9 'two_bad_in_all_of' entry_long\[0\]\.conditions\[2\]: small_body \(/);
    // `lambda v: v < 0` is suggested as '<', never '>'
    expect(lines[4]).toMatch(/^export_registry: strategy 9 'two_bad_in_all_of' entry_short\[0\]\.op: /);
    expect(lines[4]).toContain("held_for_n_bars(col, compare('<', 0), n_bars)");
    // `lambda v: 30 < v < 70` is no single comparison: no operator is suggested
    expect(lines[5]).toMatch(/^export_registry: strategy 9 'two_bad_in_all_of' exit_long\[0\]\.op: /);
    expect(lines[5]).not.toContain('compare(');
    expect(lines[5]).toContain('@with_expr');
    expect(lines[6]).toBe('export_registry: nothing written (6 problem(s))');
    expect(existsSync(out)).toBe(false);
  });

  it('reports an unknown module and a module without a strategy list', async () => {
    const missing = await runPython([EXPORTER, '--module', 'test/python/no_such_registry.py', '--out', join(dir, 'x.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--module test/python/no_such_registry.py: no such file');
    const noList = await runPython([EXPORTER, '--module', 'json', '--out', join(dir, 'x.json')]);
    expect(noList.status).toBe(2);
    expect(noList.stderr).toContain('json has no get_all_strategies / ALL_STRATEGIES / STRATEGIES / strategies / REGISTRY: name the list with --attr');
    const wrongAttr = await runPython([EXPORTER, '--module', STANDIN, '--attr', 'NOPE', '--out', join(dir, 'x.json')]);
    expect(wrongAttr.status).toBe(2);
    expect(wrongAttr.stderr).toContain('standin_registry has no NOPE: name the list with --attr');
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('writes the parameter names of every condition type as the compiler declares them', async () => {
    const params = await pythonJson<Record<string, string[]>>([
      '-c',
      'import json, sys; sys.path.insert(0, "scripts"); from probe_registry.serializable import REGISTRY_PARAMS; print(json.dumps(REGISTRY_PARAMS))',
    ]);
    const compiler = Object.fromEntries(CONDITION_TYPES.map((d) => [d.type, Object.keys((d.params as unknown as { shape: object }).shape)]));
    expect(params).toEqual(compiler);
  });
});

describe('the exported registry, compiled', () => {
  it('validates, compiles and trades exactly like the hand-written registry on the parity bars', async () => {
    const exported = compileInProcess(JSON.parse(await exportStandin()));
    const handWritten = compileInProcess(JSON.parse(readFileSync(EXPECTED_PATH, 'utf8')));
    expect(exported.map((s) => s.id)).toEqual([1, 2, 3, 4, 5]);
    expect(compileRegistry(JSON.parse(readFileSync(EXPECTED_PATH, 'utf8'))).warnings).toEqual([]);

    const series = prepareSeries(bars, handWritten);
    const expected = tradesOf(handWritten, series);
    const actual = tradesOf(exported, prepareSeries(bars, exported));
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [key, trades] of expected) expect(actual.get(key), key).toEqual(trades);
    // every stand-in strategy trades, in every risk profile
    for (const [key, trades] of expected) expect(trades.length, key).toBeGreaterThan(0);
  });
});

describe.each([
  { data: 'the parity bars', adversarial: false },
  { data: 'the parity bars rounded to halves with NaN holes', adversarial: true },
])('the Python conditions and the compiled code agree bar for bar on $data', ({ adversarial }) => {
  let columns: { path: string; series: BarSeries };

  beforeAll(() => {
    columns = writeColumns(adversarial ? 'adversarial' : 'columns', adversarial);
  });

  it('for a catalog using every serializable factory (defaults, keywords, both held_for_n_bars forms, an attached expr)', async () => {
    const catalog = await pythonJson<{ json: { type: string }; bars: number[] }[]>(['test/python/evaluate_conditions.py', 'catalog', columns.path]);
    const types = new Set(catalog.map((c) => c.json.type));
    expect([...types].sort()).toEqual(CONDITION_TYPES.map((d) => d.type).sort());
    const holding = catalog.filter((c) => c.bars.length > 0).length;
    expect(holding).toBeGreaterThanOrEqual(catalog.length - 3);
    for (const { json, bars: pythonBars } of catalog) {
      expect(barsWhere(evaluateCondition(json, columns.series.columns)), JSON.stringify(json)).toEqual(pythonBars);
    }
  });

  it('for every side of every stand-in strategy', async () => {
    const python = await pythonJson<Record<string, Record<SideName, number[]>>>(['test/python/evaluate_conditions.py', 'standin', columns.path]);
    const strategies = compileInProcess(JSON.parse(readFileSync(EXPECTED_PATH, 'utf8')));
    expect(Object.keys(python).sort()).toEqual(strategies.map((s) => String(s.id)));
    for (const strategy of strategies) {
      const signals = signalsOf(strategy, columns.series);
      for (const side of SIDES) {
        const disabled = (side === 'entry_long' && strategy.direction === 'short_only') || (side === 'entry_short' && strategy.direction === 'long_only');
        if (disabled) continue;
        expect(barsWhere(signals[side]), `${strategy.name} ${side}`).toEqual(python[String(strategy.id)]![side]);
      }
    }
  });
});
