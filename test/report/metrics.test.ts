import { describe, expect, it } from 'vitest';
import { LONG, SHORT, STOP_LOSS, TARGET } from '../../runtime/engine/trade.js';
import { tradeMetrics } from '../../runtime/report/metrics.js';
import type { Combo, ReportData, ReportTrades } from '../../runtime/report/model.js';
import { orderedTrades, summarize } from '../../runtime/report/summary.js';
import { summaryCsv } from '../../runtime/report/summary-csv.js';

/**
 * The definitions against trade lists worked out by hand. The pnl
 * values are sums of powers of two, so every figure below is exact in
 * binary and written as the decimal it is.
 */
const metrics = (pnl: number[], bars: number[] = pnl.map(() => 1)) => tradeMetrics(pnl, bars, pnl.map((_, i) => i));

describe('trade metrics', () => {
  it('no trades: every figure undefined', () => {
    expect(metrics([])).toEqual({
      trades: 0, winRate: null, avgPnl: null, avgWin: null, avgLoss: null, profitFactor: null,
      totalReturn: null, maxDrawdown: null, sharpePerTrade: null, avgBarsHeld: null,
    });
  });

  it('one trade: no deviation, no loss', () => {
    expect(metrics([0.5], [7])).toEqual({
      trades: 1, winRate: 1, avgPnl: 0.5, avgWin: 0.5, avgLoss: null, profitFactor: null,
      totalReturn: 0.5, maxDrawdown: 0, sharpePerTrade: null, avgBarsHeld: 7,
    });
  });

  it('all wins', () => {
    const m = metrics([0.5, 0.25], [2, 5]);
    // 1.5 x 1.25 = 1.875; mean 0.375, deviations +-0.125: s = sqrt(2 x 0.015625 / 1) = 0.125 x sqrt(2)
    expect(m).toMatchObject({ winRate: 1, avgPnl: 0.375, avgWin: 0.375, avgLoss: null, profitFactor: null, totalReturn: 0.875, maxDrawdown: 0, avgBarsHeld: 3.5 });
    expect(m.sharpePerTrade).toBeCloseTo(3 / Math.SQRT2, 14);
  });

  it('all losses', () => {
    const m = metrics([-0.5, -0.25]);
    // equity 0.5 then 0.375 below a peak of 1
    expect(m).toMatchObject({ winRate: 0, avgPnl: -0.375, avgWin: null, avgLoss: -0.375, profitFactor: 0, totalReturn: -0.625, maxDrawdown: 0.625 });
    expect(m.sharpePerTrade).toBeCloseTo(-3 / Math.SQRT2, 14);
  });

  it('ties at 0 are neither wins nor losses, but count in the mean', () => {
    const m = metrics([0, 0.5, 0, -0.25]);
    // equity 1, 1.5, 1.5, 1.125: drawdown 1 - 1.125/1.5 = 0.25
    expect(m).toMatchObject({ winRate: 0.25, avgPnl: 0.0625, avgWin: 0.5, avgLoss: -0.25, profitFactor: 2, totalReturn: 0.125, maxDrawdown: 0.25 });
  });

  it('only zero pnl: a zero deviation leaves the Sharpe ratio undefined', () => {
    expect(metrics([0, 0, 0])).toMatchObject({ winRate: 0, avgPnl: 0, avgWin: null, avgLoss: null, profitFactor: null, totalReturn: 0, maxDrawdown: 0, sharpePerTrade: null });
  });

  it('a drawdown that recovers keeps its depth', () => {
    // equity 1.5, 0.75 (half the peak), 1.5, 1.875 (a new peak)
    expect(metrics([0.5, -0.5, 1, 0.25])).toMatchObject({ totalReturn: 0.875, maxDrawdown: 0.5, profitFactor: 3.5 });
  });
});

/** Trades of one combination, given in entry order, with their exit times. */
function data(trades: { pnl: number; entry: number; exit: number; side?: number; reason?: number }[]): ReportData {
  const n = trades.length;
  const columns: ReportTrades = {
    count: n,
    combo: new Uint32Array(n),
    side: Uint8Array.from(trades, (t) => t.side ?? LONG),
    exitReason: Uint8Array.from(trades, (t) => t.reason ?? TARGET),
    entryTime: Float64Array.from(trades, (t) => t.entry),
    exitTime: Float64Array.from(trades, (t) => t.exit),
    entryPrice: new Float64Array(n).fill(100),
    exitPrice: new Float64Array(n).fill(100),
    pnl: Float64Array.from(trades, (t) => t.pnl),
    barsHeld: new Int32Array(n).fill(1),
    text: new Uint8Array(0),
    textOffsets: new Uint32Array(2 * n + 1),
  };
  const combo: Combo = { symbol: 'TEST', timeframe: '1Day', strategyId: 1, strategyName: 'ema20_ema50_trend_cross', profile: 'medium' };
  const run = {
    source: 'backtest' as const, origin: '', runId: null, symbols: ['TEST'], timeframes: ['1Day'], strategies: [1], profiles: ['medium' as const],
    periodStart: null, periodEnd: null, barCounts: {}, probeVersion: '0', registryHash: '', verification: null,
  };
  return { run, combos: [combo], trades: columns, series: [] };
}

describe('summary rows', () => {
  it('compound in exit order, then entry order', () => {
    // entered in the order -0.5, +1, -0.5, but the +1 trade exits first: equity 2, 1, 0.5 -> drawdown 0.75
    // (in entry order it would be 0.5, 1, 0.5 -> 0.5)
    const d = data([
      { pnl: -0.5, entry: 1, exit: 20 },
      { pnl: 1, entry: 2, exit: 10 },
      { pnl: -0.5, entry: 3, exit: 20 },
    ]);
    expect(Array.from(orderedTrades(d)[0]!)).toEqual([1, 0, 2]);
    expect(summarize(d)[0]).toMatchObject({ maxDrawdown: 0.75, totalReturn: -0.5 });
  });

  it('counts sides and exit reasons', () => {
    const d = data([
      { pnl: 0.5, entry: 1, exit: 2, side: SHORT, reason: STOP_LOSS },
      { pnl: 0.5, entry: 3, exit: 4, side: LONG, reason: TARGET },
      { pnl: 0.5, entry: 5, exit: 6, side: SHORT, reason: STOP_LOSS },
    ]);
    expect(summarize(d)[0]).toMatchObject({ trades: 3, longTrades: 1, shortTrades: 2, exitsStop: 2, exitsTarget: 1, exitsTrailing: 0, exitsTime: 0, exitsSignal: 0 });
  });

  it('summary.csv: shortest round-trip floats, empty fields where undefined, the never-trade reason quoted', () => {
    const one = summarize(data([{ pnl: 0.1, entry: 1, exit: 2 }]))[0]!;
    const none = { ...summarize(data([]))[0]!, strategyId: 51, strategyName: 'donchian_20_breakout', neverTrades: 'can never trade: "because", really' };
    const lines = summaryCsv([one, none]).split('\r\n');
    expect(lines[0]).toBe(
      'symbol,timeframe,strategy_id,strategy_name,risk_profile,trades,long_trades,short_trades,win_rate,avg_pnl,avg_win,avg_loss,profit_factor,' +
        'total_return,max_drawdown,sharpe_per_trade,avg_bars_held,exits_stop,exits_target,exits_trailing,exits_time,exits_signal,never_trades',
    );
    // 1 + 0.1 - 1 is 0.10000000000000009 in doubles: written as Python's repr writes it
    expect(lines[1]).toBe('TEST,1Day,1,ema20_ema50_trend_cross,medium,1,1,0,1.0,0.1,0.1,,,0.10000000000000009,0.0,,1.0,0,1,0,0,0,');
    expect(lines[2]).toBe('TEST,1Day,51,donchian_20_breakout,medium,0,0,0,,,,,,,,,,0,0,0,0,0,"can never trade: ""because"", really"');
  });

  it('never_trades is the compiler\'s reason', () => {
    const d = data([]);
    const row = summarize({ ...d, combos: [{ ...d.combos[0]!, strategyId: 51, strategyName: 'donchian_20_breakout' }] })[0]!;
    expect(row.neverTrades).toMatch(/^can never trade: /);
    expect(summarize(d)[0]!.neverTrades).toBeNull();
  });
});
