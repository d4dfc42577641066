import { STRATEGIES } from '../../generated/index.js';
import { RISK_PROFILE_NAMES, type RiskProfileName, isRiskProfileName } from '../engine/risk-profiles.js';
import { InputError } from '../errors.js';
import { parseIsoTime } from '../input/iso-time.js';
import { DEFAULT_TIMEFRAMES, isTimeframe, timeframeMinutes } from '../registry/vocabulary.js';
import type { CompiledStrategy } from '../registry/compiled.js';

/** Splits `a,b,c` (also repeated flags) into trimmed, non-empty items. */
export function splitList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function parseStrategies(value: unknown): CompiledStrategy[] {
  if (value === undefined) return [...STRATEGIES];
  const byId = new Map(STRATEGIES.map((s) => [s.id, s]));
  const problems: string[] = [];
  const chosen: CompiledStrategy[] = [];
  for (const item of splitList(value)) {
    const id = /^\d+$/.test(item) ? Number(item) : Number.NaN;
    const strategy = byId.get(id) ?? STRATEGIES.find((s) => s.name === item);
    if (!strategy) problems.push(`--strategies: unknown strategy ${JSON.stringify(item)} (ids ${STRATEGIES[0]!.id}-${STRATEGIES.at(-1)!.id} or names; see \`probe strategies list\`)`);
    else if (!chosen.includes(strategy)) chosen.push(strategy);
  }
  if (problems.length > 0) throw new InputError(problems);
  if (chosen.length === 0) throw new InputError(['--strategies: no strategy given']);
  return chosen;
}

export function parseRiskProfiles(value: unknown): RiskProfileName[] {
  if (value === undefined) return [...RISK_PROFILE_NAMES];
  const items = splitList(value);
  const unknown = items.filter((p) => !isRiskProfileName(p));
  if (unknown.length > 0) {
    throw new InputError(unknown.map((p) => `--risk-profiles: unknown risk profile ${JSON.stringify(p)} (expected ${RISK_PROFILE_NAMES.join(', ')})`));
  }
  if (items.length === 0) throw new InputError(['--risk-profiles: no risk profile given']);
  return RISK_PROFILE_NAMES.filter((p) => items.includes(p));
}

/** The timeframes probe runs when none are named, in this order. */
export const USUAL_TIMEFRAMES: readonly string[] = DEFAULT_TIMEFRAMES;

export { isTimeframe };

export function parseTimeframes(value: unknown): string[] {
  const items = value === undefined ? [...USUAL_TIMEFRAMES] : splitList(value);
  const bad = items.filter((t) => !isTimeframe(t));
  if (bad.length > 0) {
    throw new InputError(bad.map((t) => `--timeframes: ${JSON.stringify(t)} is not a timeframe like 15Min, 1Hour or 1Day`));
  }
  if (items.length === 0) throw new InputError(['--timeframes: no timeframe given']);
  return [...new Set(items)];
}

/** The usual timeframes first, in their order, then the others from the shortest (`5Min`) to the longest. */
export function orderTimeframes(timeframes: readonly string[]): string[] {
  const usual = USUAL_TIMEFRAMES.filter((t) => timeframes.includes(t));
  const others = timeframes.filter((t) => !USUAL_TIMEFRAMES.includes(t)).sort((a, b) => timeframeMinutes(a) - timeframeMinutes(b) || a.localeCompare(b));
  return [...usual, ...others];
}

/** --workers as given: 0 is one per core, as in the config's engine.max_workers. */
function parseWorkers(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InputError([`--workers: expected 0 (one per core) or a positive integer, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`]);
  }
  return n;
}

/**
 * The worker pool's size: --workers, else the config's engine.max_workers;
 * undefined (the pool's default, one per core) for 0.
 */
export function workerCount(flag: unknown, configured: number): number | undefined {
  const n = parseWorkers(flag) ?? configured;
  return n === 0 ? undefined : n;
}

const DAY_MS = 86_400_000;

/**
 * --start/--end: `2025-01-31` is that whole UTC day; an ISO time is UTC
 * unless it names a zone (`Z`, `+02:00`), whatever the machine's zone.
 * `query` bounds the bars; `stored` is period_start/period_end as the
 * Python system stores them (the date as given, midnight).
 */
export function parseDate(flag: string, value: string | undefined, endOfDay: boolean): { query: number; stored: number } | undefined {
  if (value === undefined) return undefined;
  const parsed = parseIsoTime(value.trim());
  if (parsed.kind === 'malformed') {
    throw new InputError([`${flag}: ${JSON.stringify(value)} is not a date like 2025-01-31 or a time like 2025-01-31T14:30 (UTC unless it names a zone)`]);
  }
  if (parsed.kind === 'impossible') throw new InputError([`${flag}: ${JSON.stringify(value)} is not a valid date: ${parsed.why}`]);
  // the Python system stores the date as given (midnight) but a user means the whole day
  return { query: parsed.dateOnly && endOfDay ? parsed.ms + DAY_MS - 1 : parsed.ms, stored: parsed.ms };
}
