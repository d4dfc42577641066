/**
 * ExitManager against the reference's exits.py: stop, target, trailing stop
 * and time stop checked in that order on every bar after the entry bar,
 * distances = multiplier * profile scale * ATR at entry, time limit =
 * int(bars * time scale). Profiles (design document): low 0.75/0.75/0.75/0.6,
 * medium 1/1/1/1, high 1.5/1.5/1.5/1.5.
 */
import { describe, expect, it } from 'vitest';
import { ExitManager } from '../../runtime/engine/exit-manager.js';
import { RISK_PROFILES } from '../../runtime/engine/risk-profiles.js';
import { LONG, NO_EXIT, SHORT, STOP_LOSS, TARGET, TIME_STOP, TRAILING_STOP } from '../../runtime/engine/trade.js';
import type { ExitRules } from '../../runtime/registry/compiled.js';

const NONE: ExitRules = { atrStopMult: null, atrTargetMult: null, trailingAtrMult: null, timeStopBars: null };
const rules = (r: Partial<ExitRules>): ExitRules => ({ ...NONE, ...r });
const medium = RISK_PROFILES.medium;

function manager(r: Partial<ExitRules>, profile = medium): ExitManager {
  return new ExitManager(rules(r), profile, 100);
}

describe('distances and profile scaling', () => {
  const all = { atrStopMult: 2, atrTargetMult: 3, trailingAtrMult: 1.5, timeStopBars: 20 };

  it.each([
    // stop 2*s*2, target 3*s*2, trail 1.5*s*2, time int(20*t), trailing stop 100 - trail
    ['low', 3, 4.5, 2.25, 12, 97.75],
    ['medium', 4, 6, 3, 20, 97],
    ['high', 6, 9, 4.5, 30, 95.5],
  ] as const)('%s profile', (name, stop, target, trail, time, trailingStop) => {
    const m = manager(all, RISK_PROFILES[name]);
    m.open(LONG, 100, 2);
    expect([m.stopDist, m.targetDist, m.trailDist, m.timeLimit, m.trailingStop]).toEqual([stop, target, trail, time, trailingStop]);
  });

  it('null or 0 means not used', () => {
    const m = manager({ atrStopMult: 0, atrTargetMult: null, trailingAtrMult: 0, timeStopBars: null });
    m.open(LONG, 100, 2);
    expect([m.stopDist, m.targetDist, m.trailDist, m.timeLimit, m.trailingStop]).toEqual([null, null, null, null, null]);
    // nothing can close it
    expect(m.check(1000, 1, 50)).toBe(NO_EXIT);
  });

  it('time limits truncate toward zero, as int() does', () => {
    const limit = (bars: number, name: 'low' | 'medium' | 'high') => {
      const m = manager({ timeStopBars: bars }, RISK_PROFILES[name]);
      m.open(LONG, 100, 2);
      return m.timeLimit;
    };
    // 20*0.6 = 12.0; 25*0.6 = 15.0 (python3: 25*0.6 == 15.0); 7*0.6 = 4.2 -> 4; 25*1.5 = 37.5 -> 37 (not 38)
    expect(limit(20, 'low')).toBe(12);
    expect(limit(25, 'low')).toBe(15);
    expect(limit(7, 'low')).toBe(4);
    expect(limit(25, 'high')).toBe(37);
    // 1*0.6 -> int 0: a limit of 0 (not "unused"), which every bar reaches
    expect(limit(1, 'low')).toBe(0);
  });
});

describe('stop loss and target', () => {
  it('long stop at entry - dist, touching counts', () => {
    const m = manager({ atrStopMult: 2 });
    m.open(LONG, 100, 2); // stop 96
    expect(m.check(99, 96.5, 97)).toBe(NO_EXIT);
    expect(m.check(97, 96, 96)).toBe(STOP_LOSS);
  });

  it('a bar entirely below the stop (a gap through it) is a stop loss', () => {
    const m = manager({ atrStopMult: 2 });
    m.open(LONG, 100, 2);
    expect(m.check(93, 90, 91)).toBe(STOP_LOSS);
  });

  it('stop and target on the same bar: the stop wins', () => {
    const m = manager({ atrStopMult: 2, atrTargetMult: 3 });
    m.open(LONG, 100, 2); // stop 96, target 106
    expect(m.check(107, 95, 100)).toBe(STOP_LOSS);
  });

  it('long target at entry + dist', () => {
    const m = manager({ atrStopMult: 2, atrTargetMult: 3 });
    m.open(LONG, 100, 2);
    expect(m.check(105.9, 97, 105)).toBe(NO_EXIT);
    expect(m.check(106, 97, 105)).toBe(TARGET);
  });

  it('short side mirrors: stop above, target below, stop first', () => {
    const m = manager({ atrStopMult: 2, atrTargetMult: 3 });
    m.open(SHORT, 100, 2); // stop 104, target 94
    expect(m.check(103.9, 94.1, 100)).toBe(NO_EXIT);
    expect(m.check(104, 99, 100)).toBe(STOP_LOSS);
    m.open(SHORT, 100, 2);
    expect(m.check(101, 94, 95)).toBe(TARGET);
    m.open(SHORT, 100, 2);
    expect(m.check(105, 93, 100)).toBe(STOP_LOSS);
  });

  it('the target is checked before the trailing stop', () => {
    const m = manager({ atrTargetMult: 3, trailingAtrMult: 1.5 });
    m.open(LONG, 100, 2); // target 106, trail 3
    // high 110 raises the trail to 107 and low 100 is under it, but the target comes first
    expect(m.check(110, 100, 105)).toBe(TARGET);
  });
});

describe('trailing stop', () => {
  it('long: ratchets up to high - dist, never down, checked after the update', () => {
    const m = manager({ trailingAtrMult: 1.5 });
    m.open(LONG, 100, 2); // dist 3, starts at 97
    expect(m.trailingStop).toBe(97);
    const levels: number[] = [];
    const reasons: number[] = [];
    for (const [high, low] of [
      [101, 99.5], // 101-3 = 98 > 97 -> 98
      [104, 102], // 101
      [102, 101.5], // 99 < 101 -> stays 101
      [103, 100.5], // 100 < 101 -> stays 101; low 100.5 <= 101 -> exit
    ]) {
      reasons.push(m.check(high!, low!, (high! + low!) / 2));
      levels.push(m.trailingStop!);
    }
    expect(levels).toEqual([98, 101, 101, 101]);
    expect(reasons).toEqual([NO_EXIT, NO_EXIT, NO_EXIT, TRAILING_STOP]);
  });

  it('long: the level raised on a bar can stop out that same bar', () => {
    const m = manager({ trailingAtrMult: 1.5 });
    m.open(LONG, 100, 2);
    // 110-3 = 107, low 106 <= 107
    expect(m.check(110, 106, 108)).toBe(TRAILING_STOP);
    expect(m.trailingStop).toBe(107);
  });

  it('short: ratchets down to low + dist, never up', () => {
    const m = manager({ trailingAtrMult: 1.5 });
    m.open(SHORT, 100, 2); // starts at 103
    expect(m.trailingStop).toBe(103);
    const levels: number[] = [];
    const reasons: number[] = [];
    for (const [high, low] of [
      [100.5, 99], // 99+3 = 102 -> 102
      [98, 96], // 99
      [98.5, 98], // 101 > 99 -> stays 99
      [99.5, 97.5], // 100.5 -> stays 99; high 99.5 >= 99 -> exit
    ]) {
      reasons.push(m.check(high!, low!, (high! + low!) / 2));
      levels.push(m.trailingStop!);
    }
    expect(levels).toEqual([102, 99, 99, 99]);
    expect(reasons).toEqual([NO_EXIT, NO_EXIT, NO_EXIT, TRAILING_STOP]);
  });
});

describe('time stop', () => {
  function barsUntilExit(timeStopBars: number, profile: 'low' | 'medium' | 'high'): { reason: number; bars: number } {
    const m = manager({ timeStopBars }, RISK_PROFILES[profile]);
    m.open(LONG, 100, 2);
    for (let k = 1; k <= 100; k++) {
      const reason = m.check(100.5, 99.5, 100);
      if (reason !== NO_EXIT) return { reason, bars: k };
    }
    return { reason: NO_EXIT, bars: -1 };
  }

  it('closes on the bar where bars_held reaches the scaled limit', () => {
    expect(barsUntilExit(20, 'low')).toEqual({ reason: TIME_STOP, bars: 12 });
    expect(barsUntilExit(25, 'low')).toEqual({ reason: TIME_STOP, bars: 15 });
    expect(barsUntilExit(20, 'medium')).toEqual({ reason: TIME_STOP, bars: 20 });
    expect(barsUntilExit(25, 'high')).toEqual({ reason: TIME_STOP, bars: 37 });
    // a limit of 0 closes at the first check
    expect(barsUntilExit(1, 'low')).toEqual({ reason: TIME_STOP, bars: 1 });
  });

  it('the stop has priority over the time stop on the same bar', () => {
    const m = manager({ atrStopMult: 2, timeStopBars: 1 });
    m.open(LONG, 100, 2);
    expect(m.check(100, 95, 96)).toBe(STOP_LOSS);
  });
});

describe('excursions and bar P&L', () => {
  it('long MFE/MAE from the highs and lows of the checked bars', () => {
    const m = manager({});
    m.open(LONG, 100, 2);
    m.check(103, 99, 101);
    m.check(102, 97, 100);
    // best high 103 -> 3%; worst low 97 -> 3%
    expect(m.maxProfitPct).toBe(0.03);
    expect(m.maxDrawdownPct).toBe(0.03);
    expect(m.barsHeld).toBe(2);
  });

  it('short MFE from the lowest low, MAE from the highest high', () => {
    const m = manager({});
    m.open(SHORT, 100, 2);
    m.check(101, 98, 99);
    m.check(104, 99, 103);
    // best low 98 -> (100-98)/100 = 0.02; worst high 104 -> 0.04
    expect(m.maxProfitPct).toBe(0.02);
    expect(m.maxDrawdownPct).toBe(0.04);
  });

  it('pnl_std: population std of close-to-entry P&Ls, 0 with fewer than two bars', () => {
    const m = manager({});
    m.open(LONG, 100, 2);
    expect(m.pnlStd).toBe(0);
    m.check(101, 99, 101);
    expect(m.pnlStd).toBe(0);
    m.check(103, 99, 103);
    m.check(103, 99, 102);
    // P&Ls 0.01, 0.03, 0.02: mean 0.02, deviations -0.01, 0.01, 0 -> sqrt(2e-4 / 3) = 0.008164965809277...
    expect(m.pnlStd).toBeCloseTo(Math.sqrt(2e-4 / 3), 15);
    // exactly as numpy computes it (sums below 8 values run left to right): python3 gives 0.00816496580927726
    expect(m.pnlStd).toBe(0.00816496580927726);
  });

  it('short bar P&L is (entry - close) / entry', () => {
    const m = manager({});
    m.open(SHORT, 100, 2);
    m.check(100, 98, 98); // +0.02
    m.check(100, 98, 100); // 0
    // population std of [0.02, 0]: 0.01
    expect(m.pnlStd).toBe(0.01);
  });

  it('open() resets everything from the previous trade', () => {
    const m = manager({ trailingAtrMult: 1.5 });
    m.open(LONG, 100, 2);
    m.check(120, 118, 119);
    m.check(121, 119, 120);
    m.open(SHORT, 50, 1); // trail 1.5 above 50
    expect([m.barsHeld, m.trailingStop, m.maxProfitPct, m.maxDrawdownPct, m.pnlStd]).toEqual([0, 51.5, 0, 0, 0]);
  });
});
