import type { ExitRules } from '../registry/compiled.js';
import { pyMax, pyMin } from '../kernels/python.js';
import { std } from '../kernels/numpy.js';
import type { RiskProfile } from './risk-profiles.js';
import { LONG, NO_EXIT, STOP_LOSS, type Side, TARGET, TIME_STOP, TRAILING_STOP } from './trade.js';

/**
 * The mechanical exits of one open trade: ATR stop, ATR target, ratcheting
 * trailing stop and time stop, checked in that order, all scaled by the risk
 * profile. One instance serves every trade of a run: `open` resets it, so no
 * object is made per trade or per bar.
 */
export class ExitManager {
  side: Side = LONG;
  entryPrice = 0;
  atr = 0;
  stopDist: number | null = null;
  targetDist: number | null = null;
  trailDist: number | null = null;
  timeLimit: number | null = null;
  trailingStop: number | null = null;
  barsHeld = 0;
  bestPrice = 0;
  worstPrice = 0;
  /** Close-to-entry P&L of every checked bar, for pnl_std. */
  private readonly barPnls: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly rules: ExitRules,
    private readonly profile: RiskProfile,
    maxBars: number,
  ) {
    this.barPnls = new Float64Array(maxBars);
    this.scratch = new Float64Array(maxBars);
  }

  open(side: Side, entryPrice: number, atr: number): void {
    const { rules, profile } = this;
    this.side = side;
    this.entryPrice = entryPrice;
    this.atr = atr;
    // a zero multiplier means "not used", as in the reference
    this.stopDist = rules.atrStopMult ? rules.atrStopMult * profile.stopScale * atr : null;
    this.targetDist = rules.atrTargetMult ? rules.atrTargetMult * profile.targetScale * atr : null;
    this.trailDist = rules.trailingAtrMult ? rules.trailingAtrMult * profile.trailScale * atr : null;
    this.timeLimit = rules.timeStopBars ? Math.trunc(rules.timeStopBars * profile.timeScale) : null;
    this.barsHeld = 0;
    this.bestPrice = entryPrice;
    this.worstPrice = entryPrice;
    this.trailingStop = this.trailDist ? (side === LONG ? entryPrice - this.trailDist : entryPrice + this.trailDist) : null;
  }

  /** Advances one bar; returns the exit reason code or NO_EXIT. */
  check(high: number, low: number, close: number): number {
    const long = this.side === LONG;
    const entry = this.entryPrice;
    if (long) {
      this.bestPrice = pyMax(this.bestPrice, high);
      this.worstPrice = pyMin(this.worstPrice, low);
    } else {
      this.bestPrice = pyMin(this.bestPrice, low);
      this.worstPrice = pyMax(this.worstPrice, high);
    }
    this.barPnls[this.barsHeld] = long ? (close - entry) / entry : (entry - close) / entry;
    this.barsHeld += 1;

    if (this.stopDist !== null) {
      if (long ? low <= entry - this.stopDist : high >= entry + this.stopDist) return STOP_LOSS;
    }
    if (this.targetDist !== null) {
      if (long ? high >= entry + this.targetDist : low <= entry - this.targetDist) return TARGET;
    }
    if (this.trailDist !== null && this.trailingStop !== null) {
      if (long) {
        this.trailingStop = pyMax(this.trailingStop, high - this.trailDist);
        if (low <= this.trailingStop) return TRAILING_STOP;
      } else {
        this.trailingStop = pyMin(this.trailingStop, low + this.trailDist);
        if (high >= this.trailingStop) return TRAILING_STOP;
      }
    }
    if (this.timeLimit !== null && this.barsHeld >= this.timeLimit) return TIME_STOP;
    return NO_EXIT;
  }

  get maxDrawdownPct(): number {
    return this.side === LONG ? (this.entryPrice - this.worstPrice) / this.entryPrice : (this.worstPrice - this.entryPrice) / this.entryPrice;
  }

  get maxProfitPct(): number {
    return this.side === LONG ? (this.bestPrice - this.entryPrice) / this.entryPrice : (this.entryPrice - this.bestPrice) / this.entryPrice;
  }

  /** Population standard deviation of the bar P&Ls; 0 below two bars. */
  get pnlStd(): number {
    return this.barsHeld < 2 ? 0 : std(this.barPnls, 0, this.barsHeld, this.scratch);
  }
}
