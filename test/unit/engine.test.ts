/**
 * runEngine against the reference's ProbeEngine.run (engine.py): a signal on
 * bar i fills at open[i+1] when ATR there is finite and > 0 (else the
 * pending signal is dropped and that bar does nothing else); the fill bar
 * checks no exit; signal exits come before the mechanical ones and skip
 * them; stop/target/trailing exits fill at their level, signal and time
 * exits at the close; a trade open at the end is discarded; a flat bar
 * (including the bar a trade closed on) may signal a new entry unless it
 * is the last bar. Prices are tiny hand-made series, ATR 2 unless stated.
 */
import { describe, expect, it } from 'vitest';
import { type EnginePrices, runEngine, type Signals } from '../../runtime/engine/engine.js';
import { RISK_PROFILES } from '../../runtime/engine/risk-profiles.js';
import { LONG, SHORT, SIGNAL_EXIT, STOP_LOSS, TARGET, TIME_STOP, TRAILING_STOP, type Trade } from '../../runtime/engine/trade.js';
import type { Direction, ExitRules } from '../../runtime/registry/compiled.js';

type Bar = readonly [open: number, high: number, low: number, close: number];

/** A quiet bar: nothing near any stop or target of an entry at 100 with ATR 2. */
const FLAT: Bar = [100, 100.5, 99.5, 100];

function prices(bars: readonly Bar[], atr: readonly number[] = bars.map(() => 2)): EnginePrices {
  return {
    length: bars.length,
    open: Float64Array.from(bars, (b) => b[0]),
    high: Float64Array.from(bars, (b) => b[1]),
    low: Float64Array.from(bars, (b) => b[2]),
    close: Float64Array.from(bars, (b) => b[3]),
    atr: Float64Array.from(atr),
  };
}

interface SignalBars {
  entryLong?: number[];
  entryShort?: number[];
  exitLong?: number[];
  exitShort?: number[];
}

function signals(n: number, at: SignalBars): Signals {
  const mask = (bars: number[] = []) => {
    const out = new Uint8Array(n);
    for (const b of bars) out[b] = 1;
    return out;
  };
  return { entryLong: mask(at.entryLong), entryShort: mask(at.entryShort), exitLong: mask(at.exitLong), exitShort: mask(at.exitShort) };
}

const NO_RULES: ExitRules = { atrStopMult: null, atrTargetMult: null, trailingAtrMult: null, timeStopBars: null };

function run(
  bars: readonly Bar[],
  at: SignalBars,
  exits: Partial<ExitRules>,
  opts: { atr?: number[]; direction?: Direction; profile?: 'low' | 'medium' | 'high' } = {},
): Trade[] {
  return runEngine(
    prices(bars, opts.atr),
    signals(bars.length, at),
    opts.direction ?? 'long_short',
    { ...NO_RULES, ...exits },
    RISK_PROFILES[opts.profile ?? 'medium'],
  );
}

/** Entry, exit and outcome of each trade, the fields most tests look at. */
const summary = (t: Trade) => ({
  side: t.side,
  entryIndex: t.entryIndex,
  exitIndex: t.exitIndex,
  entryPrice: t.entryPrice,
  exitPrice: t.exitPrice,
  exitReason: t.exitReason,
  barsHeld: t.barsHeld,
});

describe('fills', () => {
  it('a signal on bar i fills at the open of bar i+1, with the ATR of the fill bar', () => {
    const bars: Bar[] = [FLAT, [101, 102, 100, 101], FLAT, FLAT];
    // signal bar ATR 1, fill bar ATR 2: stop dist 2*1*2 = 4 (not 2)
    const [t] = run(bars, { entryLong: [0], exitLong: [3] }, { atrStopMult: 2 }, { atr: [1, 2, 2, 2] });
    expect(summary(t!)).toEqual({ side: LONG, entryIndex: 1, exitIndex: 3, entryPrice: 101, exitPrice: 100, exitReason: SIGNAL_EXIT, barsHeld: 1 });
    expect([t!.atrAtEntry, t!.stopDist]).toEqual([2, 4]);
  });

  it('no exit is checked on the fill bar', () => {
    // fill bar 1 at 100 trades down to 90 (stop 96): ignored; bar 2 is quiet; exit signal on bar 3
    const bars: Bar[] = [FLAT, [100, 100, 90, 95], FLAT, FLAT];
    const trades = run(bars, { entryLong: [0], exitLong: [1, 3] }, { atrStopMult: 2 });
    // the exit signal on the fill bar is ignored too
    expect(trades.map(summary)).toEqual([
      { side: LONG, entryIndex: 1, exitIndex: 3, entryPrice: 100, exitPrice: 100, exitReason: SIGNAL_EXIT, barsHeld: 1 },
    ]);
    // bar 1's low is not an excursion of the trade
    expect(trades[0]!.maxDrawdownPct).toBe(0.005);
  });

  it.each([
    ['NaN', Number.NaN],
    ['0', 0],
    ['negative', -1],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('ATR %s at the fill bar: no fill, the signal is dropped, and that bar signals nothing', (_, bad) => {
    // entry signals on bars 0 and 1; ATR unusable on bar 1 -> bar 0's signal is dropped and
    // bar 1's own signal is never looked at, so nothing fills on bar 2
    const bars: Bar[] = [FLAT, FLAT, FLAT, FLAT, FLAT];
    expect(run(bars, { entryLong: [0, 1], exitLong: [3, 4] }, {}, { atr: [2, bad, 2, 2, 2] })).toEqual([]);
    // a signal on bar 2 fills normally on bar 3
    const trades = run(bars, { entryLong: [0, 1, 2], exitLong: [4] }, {}, { atr: [2, bad, 2, 2, 2] });
    expect(trades.map((t) => [t.entryIndex, t.exitIndex])).toEqual([[3, 4]]);
  });

  it('an entry signal on the last bar is ignored, and a trade open at the end is discarded', () => {
    expect(run([FLAT, FLAT, FLAT], { entryLong: [2] }, {})).toEqual([]);
    // fills on the last bar, never closes
    expect(run([FLAT, FLAT, FLAT], { entryLong: [1] }, {})).toEqual([]);
    // one closed trade, then one still open at the end: only the first is reported
    const trades = run([FLAT, FLAT, FLAT, FLAT, FLAT, FLAT], { entryLong: [0, 3], exitLong: [2] }, {});
    expect(trades.map((t) => [t.entryIndex, t.exitIndex])).toEqual([[1, 2]]);
  });

  it('the bar a trade closes on may signal the next entry', () => {
    // stop out on bar 2, entry signal on bar 2 -> fill at open of bar 3
    const bars: Bar[] = [FLAT, FLAT, [97, 97, 95, 96], [96, 97, 95.5, 96.5], FLAT];
    const trades = run(bars, { entryLong: [0, 2], exitLong: [4] }, { atrStopMult: 2 });
    expect(trades.map((t) => [t.entryIndex, t.exitIndex, t.exitReason])).toEqual([
      [1, 2, STOP_LOSS],
      [3, 4, SIGNAL_EXIT],
    ]);
    expect(trades[1]!.entryPrice).toBe(96);
  });

  it('one position at a time: entry signals while in a trade are ignored', () => {
    const trades = run([FLAT, FLAT, FLAT, FLAT, FLAT], { entryLong: [0, 1, 2], entryShort: [2], exitLong: [3] }, {});
    expect(trades.map((t) => [t.side, t.entryIndex, t.exitIndex])).toEqual([[LONG, 1, 3]]);
  });
});

describe('direction', () => {
  const bars: Bar[] = [FLAT, FLAT, FLAT];
  const both = { entryLong: [0], entryShort: [0], exitLong: [2], exitShort: [2] };

  it('long_short: a long signal is checked first', () => {
    expect(run(bars, both, {}).map((t) => t.side)).toEqual([LONG]);
  });
  it('long_only ignores short signals, short_only ignores long ones', () => {
    expect(run(bars, both, {}, { direction: 'short_only' }).map((t) => t.side)).toEqual([SHORT]);
    expect(run(bars, { entryShort: [0], exitShort: [2] }, {}, { direction: 'long_only' })).toEqual([]);
    expect(run(bars, { entryLong: [0], exitLong: [2] }, {}, { direction: 'short_only' })).toEqual([]);
  });
});

describe('exit prices', () => {
  it('a gap through the stop exits at the stop level, not at the open', () => {
    // long at 100, stop 2*ATR = 96; bar 2 opens at 93 and never trades above 94
    const bars: Bar[] = [FLAT, FLAT, [93, 94, 92, 93], FLAT];
    const [t] = run(bars, { entryLong: [0] }, { atrStopMult: 2 });
    expect(summary(t!)).toEqual({ side: LONG, entryIndex: 1, exitIndex: 2, entryPrice: 100, exitPrice: 96, exitReason: STOP_LOSS, barsHeld: 1 });
    // (96-100)/100; low 92 -> 8% adverse; the high never passed the entry price
    expect([t!.pnlPct, t!.maxDrawdownPct, t!.maxProfitPct, t!.pnlStd]).toEqual([-0.04, 0.08, 0, 0]);
  });

  it('stop and target hit on the same bar: the stop wins', () => {
    const bars: Bar[] = [FLAT, FLAT, [100, 107, 95, 100], FLAT];
    const [t] = run(bars, { entryLong: [0] }, { atrStopMult: 2, atrTargetMult: 3 });
    expect([t!.exitReason, t!.exitPrice]).toEqual([STOP_LOSS, 96]);
  });

  it('a target exits at the target level', () => {
    // target 3*2 = 6 -> 106; bar 2 opens above it at 108
    const bars: Bar[] = [FLAT, FLAT, [108, 110, 107, 109], FLAT];
    const [t] = run(bars, { entryLong: [0] }, { atrStopMult: 2, atrTargetMult: 3 });
    expect([t!.exitReason, t!.exitPrice, t!.pnlPct]).toEqual([TARGET, 106, 0.06]);
  });

  it('a trailing stop exits at the ratcheted level', () => {
    // trail 1.5*2 = 3: bar 2 high 104 -> 101; bar 3 high 103 keeps 101, low 100 touches it
    const bars: Bar[] = [FLAT, FLAT, [102, 104, 102, 103], [102, 103, 100, 101], FLAT];
    const [t] = run(bars, { entryLong: [0] }, { trailingAtrMult: 1.5 });
    expect(summary(t!)).toEqual({ side: LONG, entryIndex: 1, exitIndex: 3, entryPrice: 100, exitPrice: 101, exitReason: TRAILING_STOP, barsHeld: 2 });
    expect(t!.pnlPct).toBe(0.01);
  });

  it('short side: stop above, target below, gap through the stop at the stop level', () => {
    const stop = run([FLAT, FLAT, [108, 109, 107, 108], FLAT], { entryShort: [0] }, { atrStopMult: 2, atrTargetMult: 3 });
    expect(stop.map((t) => [t.side, t.exitReason, t.exitPrice, t.pnlPct])).toEqual([[SHORT, STOP_LOSS, 104, -0.04]]);
    const target = run([FLAT, FLAT, [95, 96, 93, 94], FLAT], { entryShort: [0] }, { atrStopMult: 2, atrTargetMult: 3 });
    expect(target.map((t) => [t.side, t.exitReason, t.exitPrice, t.pnlPct])).toEqual([[SHORT, TARGET, 94, 0.06]]);
  });

  it('a short trailing stop ratchets down and exits at its level', () => {
    // trail 3 above: bar 2 low 96 -> 99; bar 3 low 97.5 keeps 99, high 99.5 touches it
    const bars: Bar[] = [FLAT, FLAT, [97, 98, 96, 97], [98, 99.5, 97.5, 99], FLAT];
    const [t] = run(bars, { entryShort: [0] }, { trailingAtrMult: 1.5 });
    expect([t!.side, t!.exitIndex, t!.exitReason, t!.exitPrice, t!.pnlPct]).toEqual([SHORT, 3, TRAILING_STOP, 99, 0.01]);
  });
});

describe('signal exits', () => {
  it('come before the mechanical exits, at the close; the exit bar is not counted', () => {
    // bar 2 quiet-ish (high 103, low 99); bar 3 carries an exit signal and would also hit the
    // stop (96) and the target (106)
    const bars: Bar[] = [FLAT, FLAT, [101, 103, 99, 102], [100, 110, 90, 104], FLAT];
    const [t] = run(bars, { entryLong: [0], exitLong: [3] }, { atrStopMult: 2, atrTargetMult: 3 });
    expect(summary(t!)).toEqual({ side: LONG, entryIndex: 1, exitIndex: 3, entryPrice: 100, exitPrice: 104, exitReason: SIGNAL_EXIT, barsHeld: 1 });
    // excursions from bar 2 only: +3% / -1%, not bar 3's +10% / -10%
    expect([t!.pnlPct, t!.maxProfitPct, t!.maxDrawdownPct, t!.pnlStd]).toEqual([0.04, 0.03, 0.01, 0]);
  });

  it('a short closes on the short exit signal only', () => {
    const trades = run([FLAT, FLAT, FLAT, [100, 100.5, 99.5, 99], FLAT], { entryShort: [0], exitLong: [2], exitShort: [3] }, {});
    expect(trades.map((t) => [t.side, t.exitIndex, t.exitReason, t.exitPrice, t.pnlPct])).toEqual([[SHORT, 3, SIGNAL_EXIT, 99, 0.01]]);
  });
});

describe('time stop', () => {
  it('scales with the profile and exits at the close', () => {
    const bars: Bar[] = Array.from({ length: 30 }, (_, k): Bar => [100, 100.5, 99.5, 100 + k / 100]);
    // time_stop_bars 20: low -> int(20*0.6) = 12 checked bars, fill on bar 1, so bars 2..13, exit on 13
    const [low] = run(bars, { entryLong: [0] }, { timeStopBars: 20 }, { profile: 'low' });
    expect([low!.exitIndex, low!.barsHeld, low!.exitReason, low!.exitPrice, low!.timeLimit]).toEqual([13, 12, TIME_STOP, 100.13, 12]);
    // 25 with low -> int(15.0) = 15: exit on bar 16
    const [low25] = run(bars, { entryLong: [0] }, { timeStopBars: 25 }, { profile: 'low' });
    expect([low25!.exitIndex, low25!.barsHeld]).toEqual([16, 15]);
    // 20 with medium -> 20: exit on bar 21
    const [med] = run(bars, { entryLong: [0] }, { timeStopBars: 20 }, { profile: 'medium' });
    expect([med!.exitIndex, med!.barsHeld]).toEqual([21, 20]);
  });
});

describe('pnl_std', () => {
  it('population std of the close-to-entry P&L of each checked bar', () => {
    // long at 100; closes 101, 103, 102 then a signal exit on bar 5 (not counted)
    const bars: Bar[] = [FLAT, FLAT, [101, 101.5, 100.5, 101], [103, 103.5, 102.5, 103], [102, 102.5, 101.5, 102], [90, 91, 89, 90]];
    const [t] = run(bars, { entryLong: [0], exitLong: [5] }, {});
    // P&Ls 0.01, 0.03, 0.02 -> sqrt(2e-4/3); numpy's exact result (python3): 0.00816496580927726
    expect(t!.barsHeld).toBe(3);
    expect(t!.pnlStd).toBe(0.00816496580927726);
    expect(t!.pnlPct).toBe(-0.1);
  });
});
