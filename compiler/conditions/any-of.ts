import { z } from 'zod';
import { or } from '../codegen/code.js';
import type { Condition } from './definition.js';
import { defineCondition } from './definition.js';
import { ConditionSchema } from './schema.js';

export default defineCondition({
  type: 'any_of',
  doc: 'at least one of conditions holds.',
  params: z.strictObject({ conditions: z.array(z.lazy(() => ConditionSchema)).min(1) }),
  emit: ({ conditions }, ctx, recurse) => or(conditions.map((c: Condition) => recurse.emit(c, ctx))),
  columns: ({ conditions }, recurse) => conditions.flatMap((c: Condition) => recurse.columns(c)),
  never: ({ conditions }, recurse) => {
    const reasons = conditions.map((c: Condition) => recurse.never(c));
    return reasons.every((r) => r !== undefined) ? reasons.join('; and ') : undefined;
  },
});
