import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATES, NO_WORK, PRIOR_WEIGHT, type Rates, type UnitSample, estimateSeconds, fitRates, roundedEstimate, unitsWork,
} from '../../runtime/service/estimate.js';

/**
 * The model behind estimated_seconds (runtime/service/estimate.ts), with
 * rates chosen to make the arithmetic checkable by hand.
 */
const RATES: Rates = { pickupSeconds: 0.5, unitSeconds: 0.1, barSeconds: 1e-5, stepSeconds: 1e-6, tradeFactor: 2 };
const QUEUED = { persistTrades: false, queued: true };

/** 1 symbol x 3 timeframes of 10,000 bars x 100 strategies x 3 profiles: 3 units of 300 combinations. */
const BIG = unitsWork([10_000, 10_000, 10_000].map((bars) => ({ combinations: 300, bars })));
/** 1 symbol x 3 timeframes (3000, 2000, 1500 bars) x 1 strategy x 3 profiles. */
const SMALL = unitsWork([3000, 2000, 1500].map((bars) => ({ combinations: 3, bars })));

describe('estimateSeconds', () => {
  it('sums the units\' work', () => {
    expect(BIG).toEqual({ units: 3, bars: 30_000, steps: 9_000_000 });
    expect(SMALL).toEqual({ units: 3, bars: 6500, steps: 19_500 });
  });

  it('charges pickup once, each unit its fixed time, each bar and each bar x combination', () => {
    // 0.5 + 3 x 0.1 + 30,000 x 1e-5 + 9,000,000 x 1e-6 = 0.5 + 0.3 + 0.3 + 9
    expect(estimateSeconds(BIG, QUEUED, RATES)).toBeCloseTo(10.1, 9);
    // 0.5 + 3 x 0.1 + 6500 x 1e-5 + 19,500 x 1e-6 = 0.5 + 0.3 + 0.065 + 0.0195: the fixed terms are most of it
    expect(estimateSeconds(SMALL, QUEUED, RATES)).toBeCloseTo(0.8845, 9);
  });

  it('multiplies only the step term when trades are stored', () => {
    // 0.5 + 0.3 + 0.3 + 9 x 2
    expect(estimateSeconds(BIG, { persistTrades: true, queued: true }, RATES)).toBeCloseTo(19.1, 9);
  });

  it('leaves out the pickup once the run has started, and is 0 with nothing left', () => {
    expect(estimateSeconds(BIG, { persistTrades: false, queued: false }, RATES)).toBeCloseTo(9.6, 9);
    // a unit half done: its fixed terms are spent, 150 combinations x 10,000 bars are left
    expect(estimateSeconds({ units: 0, bars: 0, steps: 1_500_000 }, { persistTrades: false, queued: false }, RATES)).toBeCloseTo(1.5, 9);
    expect(estimateSeconds(NO_WORK, QUEUED, RATES)).toBe(0);
  });

  it('rounds up to a tenth, without float noise making 0.3 into 0.4', () => {
    expect(roundedEstimate(0.1 + 0.2)).toBe(0.3);
    expect(roundedEstimate(0.31)).toBe(0.4);
    expect(roundedEstimate(0.01)).toBe(0.1);
    expect(roundedEstimate(0)).toBe(0);
  });
});

describe('the default rates', () => {
  // submission to completion through `probe serve` on the development machine, as its load varied (estimate.ts)
  it.each([
    ['900 combinations on 10,000 bars', BIG, false, [5, 8.5, 13, 19]],
    ['900 combinations on 10,000 bars, trades stored', BIG, true, [29, 38]],
    ['9 combinations on 1500-3000 bars', SMALL, false, [0.4, 0.6, 0.82]],
    ['9 combinations in one unit of 2000 bars', unitsWork([{ combinations: 9, bars: 2000 }]), false, [0.4, 0.55]],
    ['9 combinations on 10,000 bars', unitsWork([10_000, 10_000, 10_000].map((bars) => ({ combinations: 3, bars }))), false, [1.2, 1.5]],
  ] as const)('estimate %s within a factor of 2 of what it took', (_name, work, persistTrades, actuals) => {
    const estimate = estimateSeconds(work, { persistTrades, queued: true }, DEFAULT_RATES);
    for (const actual of actuals) {
      expect(estimate / actual, `estimate ${estimate} s for ${actual} s`).toBeGreaterThanOrEqual(0.5);
      expect(estimate / actual, `estimate ${estimate} s for ${actual} s`).toBeLessThanOrEqual(2);
    }
  });
});

describe('fitRates', () => {
  /** A unit with neither bars nor combinations: all of its time is the fixed per-unit part. */
  const bare = (seconds: number): UnitSample => ({ combinations: 0, bars: 0, persistTrades: false, seconds });

  it('is the prior with no sample', () => {
    expect(fitRates([], RATES)).toEqual(RATES);
  });

  it('counts the prior as PRIOR_WEIGHT samples', () => {
    // three units that each took twice the prior's 0.1 s: the fixed scale is (W x 1 + 3 x 2) / (W + 3)
    const fitted = fitRates([bare(0.2), bare(0.2), bare(0.2)], RATES);
    const scale = (PRIOR_WEIGHT + 3 * 2) / (PRIOR_WEIGHT + 3);
    expect(fitted.unitSeconds).toBeCloseTo(0.1 * scale, 12);
    expect(fitted.barSeconds).toBeCloseTo(1e-5 * scale, 15);
    // nothing said anything about the step or the trades
    expect(fitted.stepSeconds).toBeCloseTo(1e-6, 15);
    expect(fitted.tradeFactor).toBeCloseTo(2, 12);
    expect(fitted.pickupSeconds).toBe(0.5);
  });

  it('counts a unit far off the prior as only 10 times off', () => {
    // a 100 s unit where 0.1 s was expected (a stall) weighs as a 1 s one: scale (W + 10) / (W + 1)
    const fitted = fitRates([bare(100)], RATES);
    expect(fitted.unitSeconds).toBeCloseTo((0.1 * (PRIOR_WEIGHT + 10)) / (PRIOR_WEIGHT + 1), 12);
  });

  it('follows many units of every shape that took twice the prior\'s time', () => {
    const samples: UnitSample[] = [];
    for (let k = 0; k < 100; k++) {
      for (const [combinations, bars, persistTrades] of [[3, 2000, false], [300, 10_000, false], [300, 3000, true], [9, 50_000, true]] as const) {
        const seconds = 2 * estimateSeconds(unitsWork([{ combinations, bars }]), { persistTrades, queued: false }, RATES);
        samples.push({ combinations, bars, persistTrades, seconds });
      }
    }
    const fitted = fitRates(samples, RATES);
    // a few percent short of 2: the prior still pulls, the more so on a part that is a small share of every sample
    for (const persistTrades of [false, true]) {
      const ratio = estimateSeconds(BIG, { persistTrades, queued: false }, fitted) / estimateSeconds(BIG, { persistTrades, queued: false }, RATES);
      expect(ratio).toBeGreaterThan(1.95);
      expect(ratio).toBeLessThanOrEqual(2);
    }
  });

  it('learns the cost of storing trades from the units that stored them', () => {
    // units without trades as the prior says; with trades, the trade part (step x (2 - 1)) took 3 times as long:
    // step x (1 + 3 x 1) in all, a trade factor of 4
    const samples: UnitSample[] = [];
    for (let k = 0; k < 200; k++) {
      const work = { combinations: 300, bars: 10_000 };
      const step = 300 * 10_000 * 1e-6;
      samples.push({ ...work, persistTrades: false, seconds: 0.1 + 0.1 + step });
      samples.push({ ...work, persistTrades: true, seconds: 0.1 + 0.1 + 4 * step });
    }
    const fitted = fitRates(samples, RATES);
    // most of the way from the prior's 2 (the trade part is half of those units' predicted time, so the prior weighs more)
    expect(fitted.tradeFactor).toBeGreaterThan(3.6);
    expect(fitted.tradeFactor).toBeLessThanOrEqual(4);
    const unit = unitsWork([{ combinations: 300, bars: 10_000 }]);
    const running = (persistTrades: boolean) => estimateSeconds(unit, { persistTrades, queued: false }, fitted);
    expect(Math.abs(running(false) / 3.2 - 1)).toBeLessThan(0.05);
    expect(Math.abs(running(true) / 12.2 - 1)).toBeLessThan(0.05);
  });

  it('ignores samples it cannot use', () => {
    expect(fitRates([bare(Number.NaN), bare(-1)], RATES)).toEqual(RATES);
  });
});
