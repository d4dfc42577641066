import type { SummaryRow } from './model.js';

/** Rows with fewer trades than this are left off the leaderboard: their figures say little. */
export const LEADERBOARD_MIN_TRADES = 10;
export const LEADERBOARD_TOP = 10;
export const LEADERBOARD_BOTTOM = 5;

export interface TimeframeBoard {
  readonly timeframe: string;
  /** Rows with at least LEADERBOARD_MIN_TRADES trades. */
  readonly eligible: number;
  readonly top: readonly SummaryRow[];
  /** The worst, worst last; none that are already in `top`. */
  readonly bottom: readonly SummaryRow[];
}

/** Best first; equal returns in summary order (the sort is stable). */
const byReturn = (a: SummaryRow, b: SummaryRow): number => b.totalReturn! - a.totalReturn!;

/** Per timeframe (in the order the rows name them): the top and bottom rows by total return among those with enough trades. */
export function leaderboards(rows: readonly SummaryRow[]): TimeframeBoard[] {
  const timeframes = [...new Set(rows.map((r) => r.timeframe))];
  return timeframes.map((timeframe) => {
    const ranked = rows
      .filter((r) => r.timeframe === timeframe && r.trades >= LEADERBOARD_MIN_TRADES && r.totalReturn !== null)
      .sort(byReturn);
    const top = ranked.slice(0, LEADERBOARD_TOP);
    const bottom = ranked.slice(Math.max(top.length, ranked.length - LEADERBOARD_BOTTOM));
    return { timeframe, eligible: ranked.length, top, bottom };
  });
}

const percent = (x: number | null, digits = 2): string => (x === null ? '' : `${(100 * x).toFixed(digits)}%`);
const signedPercent = (x: number | null): string => (x === null ? '' : `${x >= 0 ? '+' : ''}${percent(x)}`);
const fixed = (x: number | null, digits: number): string => (x === null ? '' : x.toFixed(digits));

/** The leaderboards as terminal text: one table per timeframe. */
export function formatLeaderboards(rows: readonly SummaryRow[]): string {
  const symbols = new Set(rows.map((r) => r.symbol)).size > 1;
  const header = [...(symbols ? ['symbol'] : []), 'rank', 'strategy', 'profile', 'trades', 'win rate', 'total return', 'max drawdown', 'profit factor', 'sharpe/trade'];
  const right = new Set(['rank', 'trades', 'win rate', 'total return', 'max drawdown', 'profit factor', 'sharpe/trade']);
  const out: string[] = [];
  for (const board of leaderboards(rows)) {
    if (board.eligible === 0) {
      out.push(`${board.timeframe}: no strategy made ${LEADERBOARD_MIN_TRADES} trades or more`, '');
      continue;
    }
    const line = (row: SummaryRow, rank: number): string[] => [
      ...(symbols ? [row.symbol] : []),
      String(rank),
      `${row.strategyId} ${row.strategyName}`,
      row.riskProfile,
      String(row.trades),
      percent(row.winRate, 1),
      signedPercent(row.totalReturn),
      percent(row.maxDrawdown),
      fixed(row.profitFactor, 2),
      fixed(row.sharpePerTrade, 3),
    ];
    const body = board.top.map((row, k) => line(row, k + 1));
    const bottomRank = board.eligible - board.bottom.length + 1;
    const tail = board.bottom.map((row, k) => line(row, bottomRank + k));
    const widths = header.map((h, c) => Math.max(h.length, ...[...body, ...tail].map((cells) => cells[c]!.length)));
    const format = (cells: readonly string[]): string =>
      cells.map((cell, c) => (right.has(header[c]!) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
    out.push(
      `${board.timeframe}: top ${board.top.length} by total return, of ${board.eligible} with ${LEADERBOARD_MIN_TRADES} trades or more`,
      format(header),
      ...body.map(format),
    );
    if (tail.length > 0) out.push(`bottom ${tail.length}`, ...tail.map(format));
    out.push('');
  }
  return out.join('\n');
}
