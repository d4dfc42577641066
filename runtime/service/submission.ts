import { RISK_PROFILE_NAMES, type RiskProfileName } from '../engine/risk-profiles.js';
import { type EstimateOptions, type Rates, type Work, estimateSeconds, roundedEstimate, unitsWork } from './estimate.js';
import { type RunRequest, type RunStatusName, ServiceError } from './types.js';

/**
 * The pure parts of a run submission, the same for every RunService (the
 * real one, PgRunService, and the test double): how a request is
 * normalised and counted, how a resubmission of an existing run id is
 * judged, and how the work is estimated. What differs is only where runs
 * are stored and how bars are counted.
 */

/** The values, duplicates dropped, in the order they first appear. */
export function uniqueValues<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** The profiles, duplicates dropped, in the registry's order (low, medium, high). */
export function canonicalRiskProfiles(profiles: readonly RiskProfileName[]): RiskProfileName[] {
  return RISK_PROFILE_NAMES.filter((p) => profiles.includes(p));
}

/** A request as submit stores it: a run id given, every list without duplicates, symbols upper-cased. */
export type NormalizedRequest = RunRequest & { readonly runId: string };

/** One work unit of a run: a (symbol, timeframe). */
export interface UnitKey {
  readonly symbol: string;
  readonly timeframe: string;
}

/** A submission normalised and counted. */
export interface Submission {
  readonly request: NormalizedRequest;
  /** Strategies x risk profiles: the combinations of each unit. */
  readonly combinations: number;
  /** Units x combinations. */
  readonly total: number;
  /** Every (symbol, timeframe), symbols outermost. */
  readonly units: readonly UnitKey[];
}

/**
 * The request as it is stored and compared: symbols upper-cased (as the
 * database holds them) and, like the other lists, without duplicates;
 * risk profiles in the registry's order; a new run id when none is given.
 * `strategyCount` is how many strategies `strategyIds: null` means.
 */
export function normalizeSubmission(request: RunRequest, strategyCount: number, newRunId: () => string): Submission {
  const symbols = uniqueValues(request.symbols.map((s) => s.toUpperCase()));
  const timeframes = uniqueValues(request.timeframes);
  const riskProfiles = canonicalRiskProfiles(request.riskProfiles);
  const strategyIds = request.strategyIds === null ? null : uniqueValues(request.strategyIds);
  const normalized: NormalizedRequest = { ...request, symbols, timeframes, riskProfiles, strategyIds, runId: request.runId ?? newRunId() };
  const combinations = (strategyIds === null ? strategyCount : strategyIds.length) * riskProfiles.length;
  const units = symbols.flatMap((symbol) => timeframes.map((timeframe) => ({ symbol, timeframe })));
  return { request: normalized, combinations, total: units.length * combinations, units };
}

/** `${symbol}/${timeframe}`: a unit's key in a map of bar counts. */
export function unitKeyOf(unit: UnitKey): string {
  return `${unit.symbol}/${unit.timeframe}`;
}

/**
 * Refuses a submission whose symbols the database lacks (INVALID_SYMBOL) or
 * that have no bars in its timeframes and dates (VALIDATION_ERROR), given the
 * bars counted per symbol (a symbol absent from `barsBySymbol` is unknown).
 */
export function checkSymbols(symbols: readonly string[], barsBySymbol: ReadonlyMap<string, number>): void {
  const unknown = symbols.filter((s) => !barsBySymbol.has(s));
  if (unknown.length > 0) {
    throw new ServiceError('INVALID_SYMBOL', `Symbol ${unknown.join(', ')} not found in database`, { symbols: unknown });
  }
  const empty = symbols.filter((s) => !barsBySymbol.get(s));
  if (empty.length > 0) {
    throw new ServiceError('VALIDATION_ERROR', `no bars for ${empty.join(', ')} in the requested timeframes and dates`, { field: 'symbols', symbols: empty });
  }
}

/**
 * Whether a resubmission asks for the same run as the stored request,
 * compared as values. The stored copy comes back from jsonb with its keys
 * in jsonb's order, so the fields are taken one by one in an order of ours,
 * never the objects' text; the lists are sets (their order and duplicates
 * change no combination), symbols compared upper-cased as they are stored.
 */
export function sameRequest(stored: RunRequest, submitted: RunRequest): boolean {
  return JSON.stringify(comparable(stored)) === JSON.stringify(comparable(submitted));
}

/** The fields that make a run, in a fixed order, lists as sorted sets. */
function comparable(request: RunRequest): unknown[] {
  const set = <T extends string | number>(values: readonly T[]): T[] => uniqueValues(values).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    set(request.symbols.map((s) => s.toUpperCase())),
    set(request.timeframes),
    set(request.riskProfiles),
    request.strategyIds === null || request.strategyIds === undefined ? null : set(request.strategyIds),
    request.startDate ?? null,
    request.endDate ?? null,
    request.persistTrades === true,
    request.runId ?? null,
  ];
}

/**
 * What a submission of an existing run id does: a completed run is
 * answered as it is whatever the request; otherwise a different request is
 * a CONFLICT; a failed or cancelled run is resumed (its unfinished units
 * queued again); a queued or running one is answered as it is.
 */
export function resubmission(existing: { readonly status: RunStatusName; readonly request: RunRequest }, submitted: NormalizedRequest): 'answer' | 'resume' {
  if (existing.status === 'completed') return 'answer';
  if (!sameRequest(existing.request, submitted)) {
    const runId = submitted.runId;
    throw new ServiceError('CONFLICT', `run ${runId} exists with a different request; resubmit it unchanged to resume it`, { run_id: runId });
  }
  return existing.status === 'failed' || existing.status === 'cancelled' ? 'resume' : 'answer';
}

/** The work of a new run's units with bars (a unit without bars in the range has nothing to do). */
export function submissionWork(units: readonly { readonly bars: number }[], combinations: number): Work {
  return unitsWork(units.filter((u) => u.bars > 0).map((u) => ({ combinations, bars: u.bars })));
}

/** Seconds the work takes at these rates, as the API shows them (rounded up to a tenth). */
export function estimatedSeconds(work: Work, options: EstimateOptions, rates: Rates): number {
  return roundedEstimate(estimateSeconds(work, options, rates));
}
