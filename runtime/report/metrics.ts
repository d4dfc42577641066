import type { TradeMetrics } from './model.js';

/**
 * Per-strategy metrics (issue 14's definitions) of the trades whose pnl
 * (fractions) and bars held are read through `order` (trade indices in
 * exit order, then entry order) from the given columns. Every sum runs
 * left to right over the trades in that order and every mean is that sum
 * divided by the count, so the figures are reproducible bit for bit by a
 * plain loop in any language: no compensated summation, no reordering.
 */
export function tradeMetrics(
  pnl: ArrayLike<number>,
  barsHeld: ArrayLike<number>,
  order: ArrayLike<number>,
): TradeMetrics {
  const n = order.length;
  if (n === 0) {
    return {
      trades: 0, winRate: null, avgPnl: null, avgWin: null, avgLoss: null, profitFactor: null,
      totalReturn: null, maxDrawdown: null, sharpePerTrade: null, avgBarsHeld: null,
    };
  }
  let sum = 0;
  let wins = 0;
  let winSum = 0;
  let losses = 0;
  let lossSum = 0;
  let bars = 0;
  let equity = 1;
  let peak = 1;
  let drawdown = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const x = pnl[i]!;
    sum += x;
    bars += barsHeld[i]!;
    if (x > 0) {
      wins++;
      winSum += x;
    } else if (x < 0) {
      losses++;
      lossSum += x;
    }
    equity *= 1 + x;
    if (equity > peak) peak = equity;
    const dd = 1 - equity / peak;
    if (dd > drawdown) drawdown = dd;
  }
  const mean = sum / n;
  let sharpe: number | null = null;
  if (n >= 2) {
    let squares = 0;
    for (let k = 0; k < n; k++) {
      const d = pnl[order[k]!]! - mean;
      squares += d * d;
    }
    const std = Math.sqrt(squares / (n - 1));
    if (std > 0) sharpe = mean / std;
  }
  return {
    trades: n,
    winRate: wins / n,
    avgPnl: mean,
    avgWin: wins > 0 ? winSum / wins : null,
    avgLoss: losses > 0 ? lossSum / losses : null,
    profitFactor: losses > 0 ? winSum / -lossSum : null,
    totalReturn: equity - 1,
    maxDrawdown: drawdown,
    sharpePerTrade: sharpe,
    avgBarsHeld: bars / n,
  };
}
