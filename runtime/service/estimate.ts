/**
 * How long a run takes: the model behind estimated_seconds, and how its
 * rates are learned from the work units that finished.
 *
 * A unit (one symbol and timeframe of a run) costs
 *
 *     unitSeconds                                   strategy upsert, bookkeeping, taking the next unit
 *   + bars * barSeconds                             loading the bars, computing the indicators
 *   + combinations * bars * stepSeconds * factor    the bar loop, writing the results
 *
 * where factor is tradeFactor when the run stores its trades, else 1; a
 * queued run waits pickupSeconds more for an instance to notice it. The
 * fixed terms are why a 9-combination run is not 100 times faster than a
 * 900-combination one; the bar term, why a unit of few combinations on long
 * history is not free; the step term is most of a big run.
 */

/** Seconds per thing counted; see the module comment. */
export interface Rates {
  readonly pickupSeconds: number;
  readonly unitSeconds: number;
  readonly barSeconds: number;
  readonly stepSeconds: number;
  readonly tradeFactor: number;
}

/**
 * Measured through `probe serve` on the 2-core machine this project is
 * developed on (embedded PostgreSQL, two worker threads, submission to
 * completion): 9 combinations on 1500-3000 bars (3 units) 0.4-0.8 s, of
 * which 0.23-0.48 s is pickup (pg-boss polls every 0.5 s); 3 combinations
 * on 10,000 bars 0.25-0.45 s a unit; 300 combinations on 10,000 bars 3-6.5 s
 * a unit, 9-16 s with the trades stored; 900 combinations on 10,000 bars
 * 8.5-20 s as the machine's load varies. The defaults sit in the middle, so
 * that a first estimate is within a factor of 2; the rates learned from
 * finished units replace them as units finish (see fitRates).
 */
export const DEFAULT_RATES: Rates = {
  pickupSeconds: 0.35,
  unitSeconds: 0.05,
  barSeconds: 20e-6,
  stepSeconds: 0.97e-6,
  tradeFactor: 3,
};

/** What is left of some units, summed: the fixed terms count only units not started. */
export interface Work {
  /** Units not started yet. */
  readonly units: number;
  /** Bars of the units not started yet. */
  readonly bars: number;
  /** Combinations left times the bars of their unit, over every unfinished unit. */
  readonly steps: number;
}

export const NO_WORK: Work = { units: 0, bars: 0, steps: 0 };

/** The work of whole units, each `combinations` strategies x profiles on `bars` bars. */
export function unitsWork(units: readonly { readonly combinations: number; readonly bars: number }[]): Work {
  return units.reduce<Work>(
    (sum, u) => ({ units: sum.units + 1, bars: sum.bars + u.bars, steps: sum.steps + u.combinations * u.bars }),
    NO_WORK,
  );
}

export interface EstimateOptions {
  readonly persistTrades: boolean;
  /** The run waits in the queue (no unit of it started yet): pickupSeconds more. */
  readonly queued: boolean;
}

/** Seconds until the work is done at these rates, on one instance; 0 when there is none. */
export function estimateSeconds(work: Work, options: EstimateOptions, rates: Rates): number {
  if (work.units === 0 && work.steps === 0) return 0;
  const factor = options.persistTrades ? rates.tradeFactor : 1;
  return (
    (options.queued ? rates.pickupSeconds : 0) +
    work.units * rates.unitSeconds +
    work.bars * rates.barSeconds +
    work.steps * rates.stepSeconds * factor
  );
}

/** Rounded up to a tenth of a second, as the API shows it: a run is never estimated at 0 s while work is left. */
export function roundedEstimate(seconds: number): number {
  return Math.ceil(Math.round(seconds * 1e6) / 1e5) / 10;
}

/** One finished unit: what it did and how long its attempt took. */
export interface UnitSample {
  readonly combinations: number;
  readonly bars: number;
  readonly persistTrades: boolean;
  readonly seconds: number;
}

/** How many samples the defaults count as: a few units adjust the estimate, they do not replace it. */
export const PRIOR_WEIGHT = 3;
/** A sample off the defaults by more than this factor counts as this far off (a resumed unit, a stall). */
const MAX_SAMPLE_RATIO = 10;
/** How far the learned rates may move from the defaults, either way. */
const MAX_SCALE = 20;

/**
 * Rates fitted to finished units. Each unit's time, as the defaults predict
 * it, splits into three parts: fixed (unit and bar terms), step, and the
 * extra of storing trades. The fit scales each part by its own factor,
 * minimising the squared error relative to the prediction (so a 0.2 s unit
 * counts as much as a 5 s one), with the defaults as PRIOR_WEIGHT samples
 * that say every factor is 1: with no sample it returns `prior`, with many
 * it follows them, and a part no sample tells apart (e.g. the trade
 * factor when no run stored trades) keeps its prior.
 */
export function fitRates(samples: readonly UnitSample[], prior: Rates = DEFAULT_RATES): Rates {
  // normal equations of the weighted least squares, with the prior on the diagonal
  const a = [
    [PRIOR_WEIGHT, 0, 0],
    [0, PRIOR_WEIGHT, 0],
    [0, 0, PRIOR_WEIGHT],
  ];
  const b = [PRIOR_WEIGHT, PRIOR_WEIGHT, PRIOR_WEIGHT];
  for (const s of samples) {
    const fixed = prior.unitSeconds + s.bars * prior.barSeconds;
    const step = s.combinations * s.bars * prior.stepSeconds;
    const trades = s.persistTrades ? step * (prior.tradeFactor - 1) : 0;
    const predicted = fixed + step + trades;
    if (!(predicted > 0) || !Number.isFinite(s.seconds) || s.seconds < 0) continue;
    const y = Math.min(MAX_SAMPLE_RATIO, Math.max(1 / MAX_SAMPLE_RATIO, s.seconds / predicted));
    const x = [fixed / predicted, step / predicted, trades / predicted];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) a[i]![j]! += x[i]! * x[j]!;
      b[i]! += x[i]! * y;
    }
  }
  const [fixedScale, stepScale, tradeScale] = solve3(a, b).map((k) => Math.min(MAX_SCALE, Math.max(1 / MAX_SCALE, k))) as [number, number, number];
  return {
    // a unit's attempt is timed from its start: how long it waited is not measured, so not learned
    pickupSeconds: prior.pickupSeconds,
    unitSeconds: prior.unitSeconds * fixedScale,
    barSeconds: prior.barSeconds * fixedScale,
    stepSeconds: prior.stepSeconds * stepScale,
    // the stored-trades time is stepScale * step + tradeScale * step * (prior factor - 1)
    tradeFactor: 1 + ((prior.tradeFactor - 1) * tradeScale) / stepScale,
  };
}

/** a x = b for a symmetric positive definite 3x3 (the prior makes it so), by Gaussian elimination. */
function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < 3; col++) {
    for (let row = col + 1; row < 3; row++) {
      const f = m[row]![col]! / m[col]![col]!;
      for (let k = col; k < 4; k++) m[row]![k]! -= f * m[col]![k]!;
    }
  }
  const x = [0, 0, 0];
  for (let row = 2; row >= 0; row--) {
    let sum = m[row]![3]!;
    for (let k = row + 1; k < 3; k++) sum -= m[row]![k]! * x[k]!;
    x[row] = sum / m[row]![row]!;
  }
  return x;
}
