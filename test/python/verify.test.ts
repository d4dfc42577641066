import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_COLUMNS, INDICATOR_COLUMNS } from '../../runtime/indicators/catalog.js';
import { computeIndicators } from '../../runtime/indicators/compute.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { parseCsvLine } from '../../runtime/input/csv.js';
import { withIndicators } from '../../runtime/run/prepare.js';
import type { Bars } from '../../runtime/series/bars.js';
import { ROOT } from '../support/cli.js';
import { evaluateCondition, neverReason } from '../support/condition-harness.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';
import { pythonJson } from './python.js';

/**
 * scripts/probe_registry/expr.py, the Python evaluator that verification
 * compares the team's closures with, against the compiled TypeScript: every
 * condition of every side of the project's strategies.json must hold on
 * exactly the bars where the code `make generate` emits for it holds, on the
 * parity bars (indicators computed by probe, as export.test.ts uses them, and
 * the same rounded to halves with NaN holes), on the parity CSV files as
 * frames.load_csv reads them, and on bars frames.generate makes for the
 * registry.
 */

const EVALUATE = 'test/python/eval_registry.py';
const REGISTRY = resolve(ROOT, 'strategies.json');
const SIDES = ['entry_long', 'entry_short', 'exit_long', 'exit_short'] as const;

type Columns = Record<string, Float64Array>;

interface PythonBars {
  readonly length: number;
  readonly bars: Record<string, number[]>;
}

interface Entry {
  readonly key: string;
  readonly condition: unknown;
}

const registry = JSON.parse(readFileSync(REGISTRY, 'utf8')) as Record<string, unknown>[];
const entries: Entry[] = registry.flatMap((strategy) =>
  SIDES.flatMap((side) => (strategy[side] as unknown[]).map((condition, k) => ({ key: `${String(strategy.id)}/${side}/${k}`, condition }))),
);

let dir: string;
let bars: Bars;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-verify-'));
  bars = readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function barsWhere(mask: readonly boolean[]): number[] {
  const out: number[] = [];
  mask.forEach((holds, i) => {
    if (holds) out.push(i);
  });
  return out;
}

const encode = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const decode = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

/** Columns as test/python/evaluate_conditions.py and eval_registry.py read them. */
function writeColumns(name: string, columns: Columns, length: number): string {
  const path = join(dir, `${name}.json`);
  const encoded = Object.fromEntries(Object.entries(columns).map(([column, values]) => [column, Array.from(values, encode)]));
  writeFileSync(path, JSON.stringify({ length, columns: encoded }));
  return path;
}

/** The parity bars with probe's indicators, optionally rounded to halves with a NaN every 37 bars. */
function computedColumns(adversarial: boolean): Columns {
  const computed = withIndicators(bars, computeIndicators(bars, INDICATOR_COLUMNS));
  const columns: Columns = {};
  for (const column of [...BAR_COLUMNS, ...INDICATOR_COLUMNS]) {
    const values = computed.columns[column]!;
    columns[column] = adversarial ? values.map((v, i) => (i % 37 === 5 ? Number.NaN : Math.round(v * 2) / 2)) : values;
  }
  return columns;
}

/** The parity CSV files read here, independently of frames.load_csv: an empty field is NaN. */
function csvColumns(files: readonly string[]): Columns {
  const columns: Columns = {};
  for (const file of files) {
    const raw = readFileSync(resolve(PARITY_DIR, file));
    const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    const [header, ...lines] = text.split(/\r?\n/).filter((line) => line !== '');
    const names = parseCsvLine(header!);
    const rows = lines.map(parseCsvLine);
    names.forEach((name, k) => {
      if (name === 'timestamp') return;
      columns[name] = Float64Array.from(rows, (row) => (row[k] === '' ? Number.NaN : Number(row[k])));
    });
  }
  return columns;
}

/** Every condition whose compiled bars differ from Python's, with the first bar that differs. */
function mismatches(columns: Columns, python: PythonBars): string[] {
  const out: string[] = [];
  for (const { key, condition } of entries) {
    const compiled = barsWhere(evaluateCondition(condition, columns));
    const evaluated = python.bars[key] ?? [];
    if (JSON.stringify(compiled) === JSON.stringify(evaluated)) continue;
    const only = compiled.find((i) => !evaluated.includes(i)) ?? evaluated.find((i) => !compiled.includes(i));
    out.push(`${key} ${JSON.stringify(condition)}: first difference at bar ${only} (compiled ${compiled.length} bars, Python ${evaluated.length})`);
  }
  return out;
}

describe('the Python evaluator of the registry JSON agrees with the compiled conditions bar for bar', () => {
  it(`covers every condition of strategies.json (${entries.length} conditions of ${registry.length} strategies)`, () => {
    expect(registry).toHaveLength(100);
    expect(entries.length).toBeGreaterThan(400);
  });

  it.each([
    { data: 'the parity bars with the indicators probe computes', adversarial: false },
    { data: 'the same rounded to halves, with NaN holes', adversarial: true },
  ])('on $data', async ({ adversarial }) => {
    const columns = computedColumns(adversarial);
    const path = writeColumns(adversarial ? 'adversarial' : 'computed', columns, bars.length);
    const python = await pythonJson<PythonBars>([EVALUATE, REGISTRY, 'columns', path]);
    expect(python.length).toBe(bars.length);
    expect(Object.keys(python.bars).sort()).toEqual(entries.map((e) => e.key).sort());
    expect(mismatches(columns, python)).toEqual([]);
    // not vacuous: most conditions hold somewhere
    const holding = entries.filter((e) => python.bars[e.key]!.length > 0).length;
    expect(holding).toBeGreaterThan(entries.length * 0.8);
  });

  it.each([false, true])('for expr forms strategies.json does not use (division by zero, NaN in max/min, windows over 128, quantified rolling series), adversarial: %s', async (adversarial) => {
    const close = { col: 'close', lag: 0 };
    const when = [
      { cmp: '>', a: { op: 'div', args: ['macd_hist', { op: 'sub', args: ['close', close] }] }, b: 0 },
      { not_nan: [{ op: 'div', args: [{ op: 'sub', args: ['close', 'close'] }, { op: 'sub', args: ['open', 'open'] }] }] },
      { cmp: '<', a: { op: 'div', args: [1, { op: 'min', args: [{ op: 'mul', args: [0, 'rsi_14'] }, { op: 'mul', args: [-1, 0] }] }] }, b: 0 },
      { not_nan: [{ op: 'max', args: ['rsi_14', 'cci_20'] }] },
      { not_nan: [{ op: 'min', args: ['cci_20', 'rsi_14'] }] },
      { cmp: '>', a: { op: 'max', args: ['stoch_k', 'stoch_d'] }, b: { op: 'min', args: ['stoch_d', 'stoch_k'] } },
      {
        all: [
          { min_bars: 3 },
          {
            cmp: '>',
            a: { op: 'sub', args: ['high', 'low'] },
            b: { rolling: 'percentile', of: { op: 'sub', args: ['high', { col: 'low', lag: 2 }] }, window: 30, q: 37.5, min_count: 10, lag: 3 },
          },
        ],
      },
      { cmp: '>=', a: 'atr_14', b: { rolling: 'percentile', of: 'atr_14', window: 250, q: 0, min_count: 1, lag: 0 } },
      { cmp: '>', a: 'atr_14', b: { rolling: 'mean', of: 'atr_14', window: 300, lag: 0 } },
      { cmp: '==', a: { rolling: 'mean', of: 'close', window: 9, lag: 0 }, b: { rolling: 'mean', of: { op: 'mul', args: [1, 'close'] }, window: 9, lag: 0 } },
      {
        all: [
          { min_bars: 6 },
          {
            count: { all: [{ min_bars: 1 }, { cmp: '>', a: 'close', b: { rolling: 'mean', of: 'close', window: 150, lag: 1 } }] },
            lags: [0, 5],
            at_least: 3,
          },
        ],
      },
      { all: [{ min_bars: 3 }, { every: { cmp: '>=', a: { col: 'low', lag: 1 }, b: { rolling: 'min', of: { col: 'low', lag: 1 }, window: 5, lag: 1 } }, lags: [0, 2] }] },
      { all: [{ min_bars: 4 }, { some: { cmp: '==', a: 'high', b: { rolling: 'max', of: 'high', window: 20, lag: 0 } }, lags: [1, 4] }] },
      { votes: [{ not: { finite: ['bb_width'] } }, { cmp: '==', a: 'rsi_14', b: 50 }, { cmp: '!=', a: 'rsi_14', b: 'rsi_14' }], at_least: 1 },
      { cmp: '<', a: { op: 'abs', args: [{ op: 'sub', args: ['ema_20', 'ema_50'] }] }, b: { op: 'mul', args: [0.1, 'atr_14'] } },
    ];
    const extra = [{ id: 1, name: 'forms', entry_long: when.map((w) => ({ type: 'expr', when: w })), entry_short: [], exit_long: [], exit_short: [] }];
    const registry = join(dir, 'forms-registry.json');
    writeFileSync(registry, JSON.stringify(extra));
    const columns = computedColumns(adversarial);
    const path = writeColumns(adversarial ? 'forms-adversarial' : 'forms', columns, bars.length);
    const python = await pythonJson<PythonBars>([EVALUATE, registry, 'columns', path]);
    const failures: string[] = [];
    extra[0]!.entry_long.forEach((condition, k) => {
      const compiled = barsWhere(evaluateCondition(condition, columns));
      const evaluated = python.bars[`1/entry_long/${k}`];
      if (JSON.stringify(compiled) !== JSON.stringify(evaluated)) failures.push(`${k} ${JSON.stringify(condition)}`);
    });
    expect(failures).toEqual([]);
    // the forms are exercised: each holds on some bars and fails on others (the division by zero ones aside)
    const idle = extra[0]!.entry_long.map((_, k) => python.bars[`1/entry_long/${k}`]!.length).filter((n) => n === 0 || n === bars.length);
    expect(idle.length).toBeLessThanOrEqual(4);
  });

  it('on the parity CSV files (bars and the reference indicators) as frames.load_csv reads them', async () => {
    const files = ['bars_1Day.csv', 'indicators_1Day.csv.gz'];
    const python = await pythonJson<PythonBars>([EVALUATE, REGISTRY, 'csv', ...files.map((f) => resolve(PARITY_DIR, f))]);
    const columns = csvColumns(files);
    expect(python.length).toBe(columns.close!.length);
    expect(mismatches(columns, python)).toEqual([]);
  });

  it('on bars frames.generate makes for the registry, where every condition not provably impossible both holds and fails', async () => {
    const out = join(dir, 'generated.json');
    // seed 7: on its 1000 bars the rarest compound entries (strategies 45 and 60) hold on a few bars; some seeds leave them idle
    const python = await pythonJson<PythonBars>([EVALUATE, REGISTRY, 'generate', '7', out]);
    const data = JSON.parse(readFileSync(out, 'utf8')) as { length: number; columns: Record<string, (number | string)[]> };
    const columns: Columns = Object.fromEntries(Object.entries(data.columns).map(([name, values]) => [name, Float64Array.from(values, decode)]));
    expect(python.length).toBe(data.length);
    expect(mismatches(columns, python)).toEqual([]);
    const idle = entries.filter((e) => {
      const count = python.bars[e.key]!.length;
      return neverReason(e.condition) === undefined && (count === 0 || count === data.length);
    });
    expect(idle.map((e) => `${e.key} ${JSON.stringify(e.condition)}`)).toEqual([]);
  });
});
