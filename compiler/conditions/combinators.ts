import { z } from 'zod';
import { type Code, and, or } from '../codegen/code.js';
import { type Condition, type ConditionDefinition, defineFamily } from './definition.js';

interface Row {
  readonly doc: string;
  /** How the sub-conditions' code combines. */
  readonly combine: (parts: readonly Code[]) => Code;
  /** Why the combination can never hold, from why each sub-condition cannot (undefined where it can). */
  readonly never: (reasons: readonly (string | undefined)[]) => string | undefined;
}

const TYPES: Record<'all_of' | 'any_of', Row> = {
  all_of: {
    doc: 'every one of conditions holds.',
    combine: and,
    never: (reasons) => reasons.find((r) => r !== undefined),
  },
  any_of: {
    doc: 'at least one of conditions holds.',
    combine: or,
    never: (reasons) => (reasons.every((r) => r !== undefined) ? reasons.join('; and ') : undefined),
  },
};

/**
 * all_of and any_of, whose parameters are conditions: the caller passes the
 * schema of a condition, so this module need not import the union that
 * lists these very types.
 */
export function combinators(condition: z.ZodType<Condition>): ConditionDefinition<{ conditions: Condition[] }>[] {
  return defineFamily(TYPES, ({ combine, never }) => ({
    params: z.strictObject({ conditions: z.array(condition).min(1) }),
    emit: ({ conditions }, ctx, recurse) => combine(conditions.map((c) => recurse.emit(c, ctx))),
    columns: ({ conditions }, recurse) => conditions.flatMap((c) => recurse.columns(c)),
    never: ({ conditions }, recurse) => never(conditions.map((c) => recurse.never(c))),
  }));
}
