export const LONG = 0;
export const SHORT = 1;
export type Side = typeof LONG | typeof SHORT;

export const EXIT_REASONS = ['signal_exit', 'stop_loss', 'target', 'trailing_stop', 'time_stop'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];
/** Index into EXIT_REASONS; -1 while the trade stays open. */
export const NO_EXIT = -1;
export const SIGNAL_EXIT = 0;
export const STOP_LOSS = 1;
export const TARGET = 2;
export const TRAILING_STOP = 3;
export const TIME_STOP = 4;

/** One closed trade, with what its justification strings are made of. */
export interface Trade {
  readonly side: Side;
  readonly entryIndex: number;
  readonly exitIndex: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly pnlPct: number;
  readonly barsHeld: number;
  readonly maxDrawdownPct: number;
  readonly maxProfitPct: number;
  readonly pnlStd: number;
  readonly exitReason: number;
  readonly atrAtEntry: number;
  readonly stopDist: number | null;
  readonly targetDist: number | null;
  readonly trailingStop: number | null;
  readonly timeLimit: number | null;
}
