import type { z } from 'zod';
import type { Condition } from '../conditions/definition.js';
import { checkGuards } from '../expr/analyze.js';
import type { Pred } from '../expr/types.js';
import { ConditionSchema } from '../conditions/schema.js';
import { type Strategy, StrategySchema } from './schema.js';
import { SIDES, type Side } from '../../runtime/registry/vocabulary.js';

export interface RegistryError {
  /** The strategy's id when it has a usable one, else its position in the array. */
  readonly strategy: string;
  /** JSON path inside the strategy, e.g. `entry_long[0].col_b`. */
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

export type Validation = { ok: true; strategies: Strategy[] } | { ok: false; errors: RegistryError[] };

export { SIDES, type Side };

/** Validates a parsed registry, listing every error rather than the first. */
export function validateRegistry(data: unknown): Validation {
  if (!Array.isArray(data)) {
    return { ok: false, errors: [{ strategy: '-', path: '', value: data, message: `the registry must be a JSON array of strategies, not ${typeName(data)}` }] };
  }
  const errors: RegistryError[] = [];
  const strategies: Strategy[] = [];
  const firstUse = { id: new Map<unknown, string>(), name: new Map<unknown, string>() };
  data.forEach((raw: unknown, index) => {
    const label = strategyLabel(raw, index);
    const parsed = StrategySchema.safeParse(raw);
    if (!parsed.success) errors.push(...parsed.error.issues.map((issue) => fromIssue(label, raw, issue)));
    else strategies.push(parsed.data);
    // these checks look at whatever parses, so one mistake never hides another
    errors.push(...guardErrors(label, raw));
    for (const key of ['id', 'name'] as const) {
      const value = field(raw, key);
      if (value === undefined) continue;
      const first = firstUse[key].get(value);
      if (first === undefined) firstUse[key].set(value, `${label}${typeof field(raw, 'name') === 'string' ? ` (${String(field(raw, 'name'))})` : ''}`);
      else errors.push({ strategy: label, path: key, value, message: `duplicate ${key}, already used by strategy ${first}` });
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, strategies: [...strategies].sort((a, b) => a.id - b.id) };
}

function field(raw: unknown, key: string): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
}

/** Guard errors of every condition that parses, even in an otherwise invalid strategy. */
function guardErrors(label: string, raw: unknown): RegistryError[] {
  const errors: RegistryError[] = [];
  for (const side of SIDES) {
    const list = field(raw, side);
    if (!Array.isArray(list)) continue;
    list.forEach((candidate: unknown, k) => {
      const condition = ConditionSchema.safeParse(candidate);
      if (!condition.success) return;
      for (const issue of guardIssues(condition.data)) {
        const path = [side, k, ...issue.path];
        errors.push({ strategy: label, path: formatPath(path), value: valueAt(raw, path), message: issue.message });
      }
    });
  }
  return errors;
}

export function formatError(error: RegistryError): string {
  const where = error.path === '' ? '' : ` ${error.path}:`;
  return `strategy ${error.strategy}:${where} ${error.message} (value: ${preview(error.value)})`;
}

function guardIssues(condition: Condition, path: (string | number)[] = []): { path: (string | number)[]; message: string }[] {
  if (condition.type === 'expr') {
    return checkGuards(condition.when as Pred).map((issue) => ({ path: [...path, 'when', ...issue.path], message: issue.message }));
  }
  if (condition.type === 'all_of' || condition.type === 'any_of') {
    return (condition.conditions as Condition[]).flatMap((c, k) => guardIssues(c, [...path, 'conditions', k]));
  }
  return [];
}

function fromIssue(label: string, raw: unknown, issue: z.core.$ZodIssue): RegistryError {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const shown = keys.length === 1 ? [...path, keys[0]!] : path;
  return { strategy: label, path: formatPath(shown), value: valueAt(raw, shown), message: issue.message };
}

function strategyLabel(raw: unknown, index: number): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : undefined;
  return typeof id === 'number' && Number.isInteger(id) ? String(id) : `#${index} (no valid id)`;
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? p : `.${p}`)).join('');
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let at: unknown = raw;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

function preview(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}
