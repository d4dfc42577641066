import { conditions } from '../../compiler/conditions/index.js';
import type { Condition } from '../../compiler/conditions/definition.js';
import { ConditionSchema } from '../../compiler/conditions/schema.js';
import { KernelTable } from '../../compiler/emit/kernels.js';
import { emitSide } from '../../compiler/emit/strategy.js';
import type { Strategy } from '../../compiler/registry/schema.js';
import * as python from '../../runtime/kernels/python.js';
import * as rolling from '../../runtime/kernels/rolling.js';
import type { Series } from '../../runtime/registry/compiled.js';

const RUNTIME_KERNELS: Record<string, unknown> = { ...python, ...rolling };

/**
 * Compiles one registry condition the way `make generate` does and returns
 * the bars (as booleans) where it holds, so tests can check a condition's
 * generated code against hand-computed expectations.
 */
export function evaluateCondition(condition: unknown, columns: Record<string, ArrayLike<number>>): boolean[] {
  const parsed = ConditionSchema.parse(condition) as Condition;
  const length = Math.max(...Object.values(columns).map((c) => c.length));
  const strategy = {
    id: 1,
    name: 'under_test',
    direction: 'long_short',
    entry_long: [parsed],
    entry_short: [],
    exit_long: [],
    exit_short: [],
  } as unknown as Strategy;
  const table = new KernelTable();
  const emitted = emitSide(strategy, 'entry_long', table);
  // the generated kernels, as kernels.ts defines them, over the runtime's
  const kernels: Record<string, unknown> = { ...RUNTIME_KERNELS };
  for (const f of table.functions()) {
    const make = new Function(...Object.keys(RUNTIME_KERNELS), `return function ${f.name}(${f.parameters.map((p) => p.name).join(', ')}) {\n${f.body}\n};`);
    kernels[f.name] = make(...Object.values(RUNTIME_KERNELS)) as unknown;
  }
  const names = Object.keys(kernels);
  const fn = new Function(...names, 's', 'out', emitted.body) as (...args: unknown[]) => void;
  const series: Series = {
    length,
    columns: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Float64Array.from(v)])),
  };
  const out = new Uint8Array(length);
  fn(...names.map((n) => kernels[n]), series, out);
  return Array.from(out, (v) => v === 1);
}

/** What the compiler can prove about a condition: why it never holds, if it never does. */
export function neverReason(condition: unknown): string | undefined {
  return conditions.never(ConditionSchema.parse(condition) as Condition);
}
