import { describe, expect, it, vi } from 'vitest';
import { mulberry32 as random } from '../runtime/input/random.js';
import { allocateBars, type Bars } from '../runtime/series/bars.js';
import { canonicalColumn, INDICATOR_COLUMNS } from '../runtime/indicators/catalog.js';
import { computeIndicators, INDICATOR_ENGINES, type IndicatorEngine } from '../runtime/indicators/compute.js';
import { pandasRollingMax, pandasRollingMean, pandasRollingMin } from '../runtime/indicators/pandas-rolling.js';
import { nativeCallsFor, TALIB_CALLS } from '../runtime/indicators/talib-calls.js';
import { callTalib, type NativeCall } from '../runtime/indicators/talib-native.js';
import { loadFixtureBars, loadFixtureIndicators, TIMEFRAMES } from './support/fixtures.js';

/** Names of the addon calls made, in order: callTalib passes through, counted. */
const addonCalls = vi.hoisted(() => [] as string[]);

vi.mock('../runtime/indicators/talib-native.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../runtime/indicators/talib-native.js')>();
  return {
    ...actual,
    callTalib: (call: NativeCall) => {
      addonCalls.push(call.name);
      return actual.callTalib(call);
    },
  };
});

const TOLERANCE = 1e-10;

interface Mismatch {
  nanMismatches: number;
  firstNanMismatch: number;
  outOfTolerance: number;
  firstOutOfTolerance: number;
  maxRelError: number;
  inexact: number;
}

/** Same NaN positions, and |a - b| <= tol * max(1, |b|) elsewhere. */
function compare(actual: Float64Array, expected: Float64Array): Mismatch {
  const result: Mismatch = {
    nanMismatches: 0,
    firstNanMismatch: -1,
    outOfTolerance: 0,
    firstOutOfTolerance: -1,
    maxRelError: 0,
    inexact: 0,
  };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] ?? Number.NaN;
    const b = expected[i] ?? Number.NaN;
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) {
        result.nanMismatches++;
        if (result.firstNanMismatch < 0) result.firstNanMismatch = i;
      }
      continue;
    }
    if (a === b) continue;
    result.inexact++;
    const rel = Math.abs(a - b) / Math.max(1, Math.abs(b));
    result.maxRelError = Math.max(result.maxRelError, rel);
    if (rel > TOLERANCE) {
      result.outOfTolerance++;
      if (result.firstOutOfTolerance < 0) result.firstOutOfTolerance = i;
    }
  }
  return result;
}

function describeMismatch(name: string, m: Mismatch, actual: Float64Array, expected: Float64Array): string {
  const at = m.firstNanMismatch >= 0 ? m.firstNanMismatch : m.firstOutOfTolerance;
  return (
    `${name}: ${m.nanMismatches} NaN mismatches, ${m.outOfTolerance} values beyond ${TOLERANCE} ` +
    `(max relative error ${m.maxRelError.toExponential(3)}); first at row ${at}: ` +
    `got ${actual[at]}, expected ${expected[at]}`
  );
}

const ENGINE_TIMEFRAMES = INDICATOR_ENGINES.flatMap((engine) => TIMEFRAMES.map((tf) => [engine, tf] as const));

describe.each(ENGINE_TIMEFRAMES)('parity with the Python calculator, %s engine, %s', (engine, tf) => {
  const bars = loadFixtureBars(tf);
  const expected = loadFixtureIndicators(tf);
  const actual = computeIndicators(bars, INDICATOR_COLUMNS, { engine });

  it('has the fixture columns, in order', () => {
    expect([...expected.keys()]).toEqual([...INDICATOR_COLUMNS]);
    expect(bars.length).toBe(expected.get('obv')?.length);
  });

  it.each([...INDICATOR_COLUMNS])('%s', (name) => {
    const want = expected.get(name);
    const got = actual.get(name);
    if (!want || !got) throw new Error(`missing column ${name}`);
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(got.length).toBe(want.length);
    const m = compare(got, want);
    const ok = m.nanMismatches === 0 && m.outOfTolerance === 0;
    expect(ok, describeMismatch(name, m, got, want)).toBe(true);
  });
});

describe('computeIndicators', () => {
  const bars = loadFixtureBars('1Hour');

  it('computes a single column with its dependencies, identical to the full run', () => {
    const alone = computeIndicators(bars, ['atr_sma_50']);
    const full = computeIndicators(bars, INDICATOR_COLUMNS);
    expect([...alone.keys()]).toEqual(['atr_sma_50']);
    expect(Array.from(alone.get('atr_sma_50') ?? [])).toEqual(Array.from(full.get('atr_sma_50') ?? []));
  });

  it('rejects an unknown column, naming it, before computing anything', () => {
    expect(() => computeIndicators(bars, ['rsi_14', 'no_such_indicator'])).toThrow(/no_such_indicator/);
  });

  it('accepts design-document aliases and keys the result by the requested name', () => {
    const result = computeIndicators(bars, ['sar', 'psar', 'max_high_20']);
    expect(result.get('sar')).toBe(result.get('psar'));
    expect(Array.from(result.get('max_high_20') ?? [])).toEqual(
      Array.from(computeIndicators(bars, ['donchian_high_20']).get('donchian_high_20') ?? []),
    );
  });

  it('resolves canonical names and aliases', () => {
    expect(canonicalColumn('cdl_3whitesoldiers')).toBe('cdl_3white_soldiers');
    expect(canonicalColumn('min_low_10')).toBe('donchian_low_10');
    expect(canonicalColumn('rsi_14')).toBe('rsi_14');
    expect(canonicalColumn('open')).toBeUndefined();
    expect(canonicalColumn('toString')).toBeUndefined();
  });

  it.each(INDICATOR_ENGINES)('handles an empty series (%s engine)', (engine) => {
    const result = computeIndicators(allocateBars(0), INDICATOR_COLUMNS, { engine });
    for (const name of INDICATOR_COLUMNS) expect(result.get(name)?.length).toBe(0);
  });

  it('rejects an unknown engine', () => {
    expect(() => computeIndicators(bars, ['rsi_14'], { engine: 'pandas' as IndicatorEngine })).toThrow(/pandas/);
  });

  it('talib engine: a column alone (with its dependencies) equals the full run', () => {
    const full = computeIndicators(bars, INDICATOR_COLUMNS, { engine: 'talib' });
    for (const name of ['atr_sma_50', 'ppo_signal', 'bb_width'] as const) {
      const alone = computeIndicators(bars, [name], { engine: 'talib' });
      expect(Array.from(alone.get(name) ?? []), name).toEqual(Array.from(full.get(name) ?? []));
    }
  });

  it('talib engine: one addon call per table entry, so multi-output calls run once per run', () => {
    addonCalls.length = 0;
    computeIndicators(bars, INDICATOR_COLUMNS, { engine: 'talib' });
    expect([...addonCalls].sort()).toEqual(TALIB_CALLS.map((call) => call.name).sort());
    for (const name of ['MACD', 'BBANDS', 'STOCH', 'AROON']) expect(addonCalls.filter((n) => n === name)).toHaveLength(1);
    addonCalls.length = 0;
    computeIndicators(bars, INDICATOR_COLUMNS);
    expect(addonCalls).toEqual([]);
  });
});

describe('pandas rolling statistics', () => {
  it('mean: NaN until `window` non-NaN values, Kahan sums, exact value for a repeated run', () => {
    const values = Float64Array.from([Number.NaN, 1, 2, Number.NaN, 4, 5, 6, 0.7, 0.7, 0.7]);
    const out = new Float64Array(values.length);
    pandasRollingMean(values, 3, out);
    // Rows 0-5: fewer than 3 numbers in the window ([NaN], [NaN,1], [NaN,1,2], [1,2,NaN], [2,NaN,4], [NaN,4,5]) -> NaN.
    expect(Array.from(out.subarray(0, 6))).toEqual([NaN, NaN, NaN, NaN, NaN, NaN]);
    // Row 6: 4 + 5 + 6 = 15 (small integers, exact through every add and remove), 15 / 3 = 5.
    expect(out[6]).toBe(5);
    // Row 7: 5 + 6 + 0.7 = 11.7, / 3 = 3.9 up to rounding of the running sum.
    expect(out[7]).toBeCloseTo(3.9, 14);
    // Row 9: three equal values in a row -> pandas returns that value itself, 0.7;
    // a plain (0.7 + 0.7 + 0.7) / 3 would give 0.6999999999999998.
    expect((0.7 + 0.7 + 0.7) / 3).not.toBe(0.7);
    expect(out[9]).toBe(0.7);
  });

  it('mean: clamps to 0 when float residue makes a non-negative window average negative', () => {
    // 7e15 swamps the small values; once it has left, the Kahan running sum of
    // the window [0.7, 0, 0] is -0.3 instead of 0.7 (mean -0.1). pandas sees no
    // negative value in the window and returns 0, and so must we (true mean 0.2333...).
    const values = Float64Array.from([0.3, 0.2, 7e15, 0.7, 0, 0]);
    const out = new Float64Array(values.length);
    pandasRollingMean(values, 3, out);
    expect(out[5]).toBe(0);
  });

  it('max/min over full NaN-free windows only', () => {
    const values = Float64Array.from([3, 1, Number.NaN, 5, 2, 4, 1]);
    const max = new Float64Array(values.length);
    const min = new Float64Array(values.length);
    pandasRollingMax(values, 2, max);
    pandasRollingMin(values, 2, min);
    expect(Array.from(max)).toEqual([NaN, 3, NaN, NaN, 5, 4, 4]);
    expect(Array.from(min)).toEqual([NaN, 1, NaN, NaN, 2, 2, 1]);
  });
});


/**
 * Bars built to hit the branches the fixtures rarely reach: opening gaps,
 * opens inside the previous body, dojis, shadowless and flat bars, zero
 * volume, trending runs; optionally a NaN prefix.
 */
function adversarialBars(length: number, seed: number, nanPrefix: number): Bars {
  const next = random(seed);
  const bars = allocateBars(length);
  let close = 100;
  let drift = 0;
  for (let i = 0; i < length; i++) {
    if (next() < 0.1) drift = (next() - 0.5) * 0.03;
    const openRoll = next();
    const prevOpen = i > 0 ? bars.open[i - 1] : close;
    let open = close;
    if (openRoll < 0.35) open = close + (prevOpen - close) * next();
    else if (openRoll < 0.65) open = close * (1 + (next() - 0.5) * 0.04);
    let newClose = open * (1 + drift + (next() - 0.5) * 0.02);
    if (next() < 0.08) newClose = open;
    const upper = next() < 0.4 ? 0 : next() * 0.01 * open;
    const lower = next() < 0.4 ? 0 : next() * 0.01 * open;
    const flat = next() < 0.02;
    bars.time[i] = i * 60_000;
    bars.open[i] = open;
    bars.close[i] = flat ? open : newClose;
    bars.high[i] = flat ? open : Math.max(open, newClose) + upper;
    bars.low[i] = flat ? open : Math.min(open, newClose) - lower;
    bars.volume[i] = next() < 0.05 ? 0 : Math.round(next() * 1e6);
    close = bars.close[i];
  }
  for (let i = 0; i < nanPrefix; i++) {
    bars.open[i] = bars.high[i] = bars.low[i] = bars.close[i] = bars.volume[i] = Number.NaN;
  }
  return bars;
}

describe.each([
  ['clean bars', 0],
  ['bars with a NaN prefix', 7],
])('TypeScript ports vs the TA-Lib C library on adversarial %s', (_label, nanPrefix) => {
  const bars = adversarialBars(6000, 20240611 + nanPrefix, nanPrefix);
  // ppo_signal is EMA(9) of the ppo column: TA-Lib's own, as the talib engine computes it.
  const calls = nativeCallsFor(bars, (name) => computeIndicators(bars, [name], { engine: 'talib' }).get(name) as Float64Array);
  const columns = [...calls.keys()];
  const ours = computeIndicators(bars, columns);
  const natives = new Map<NativeCall, Map<string, Float64Array>>();

  it('covers every column of the table', () => {
    expect(columns).toHaveLength(TALIB_CALLS.reduce((n, call) => n + Object.keys(call.outputs).length, 0));
  });

  it.each(columns)('%s is bit-identical', (name) => {
    const spec = calls.get(name);
    if (!spec) throw new Error(`no native call for ${name}`);
    const { call, output } = spec;
    let outputs = natives.get(call);
    if (!outputs) natives.set(call, (outputs = callTalib(call)));
    const want = outputs.get(output);
    const got = ours.get(name);
    if (!want || !got) throw new Error(`missing output for ${name}`);
    const m = compare(got, want);
    expect(m.nanMismatches + m.inexact, describeMismatch(name, m, got, want)).toBe(0);
    if (name.startsWith('cdl_')) {
      // The comparison is only meaningful if the pattern actually occurs.
      expect(want.some((v) => v !== 0), `${name} never fires on this data`).toBe(true);
    }
  });
});

describe.each([
  ['clean bars', 0],
  ['bars with a NaN prefix', 7],
])('talib engine vs port engine on adversarial %s', (_label, nanPrefix) => {
  const bars = adversarialBars(6000, 20240611 + nanPrefix, nanPrefix);
  const port = computeIndicators(bars, INDICATOR_COLUMNS, { engine: 'port' });
  const talib = computeIndicators(bars, INDICATOR_COLUMNS, { engine: 'talib' });

  it.each([...INDICATOR_COLUMNS])('%s is bit-identical', (name) => {
    const got = talib.get(name);
    const want = port.get(name);
    if (!want || !got) throw new Error(`missing column ${name}`);
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(got.length).toBe(want.length);
    let differences = 0;
    let first = -1;
    // Object.is: NaN matches NaN, and -0 must stay -0
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(got[i], want[i])) {
        differences++;
        if (first < 0) first = i;
      }
    }
    expect(differences, `${name}: ${differences} differences, first at row ${first}: talib ${got[first]}, port ${want[first]}`).toBe(0);
  });
});
