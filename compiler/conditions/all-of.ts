import { z } from 'zod';
import { and } from '../codegen/code.js';
import type { Condition } from './definition.js';
import { defineCondition } from './definition.js';
import { ConditionSchema } from './schema.js';

export default defineCondition({
  type: 'all_of',
  doc: 'every one of conditions holds.',
  params: z.strictObject({ conditions: z.array(z.lazy(() => ConditionSchema)).min(1) }),
  emit: ({ conditions }, ctx, recurse) => and(conditions.map((c: Condition) => recurse.emit(c, ctx))),
  columns: ({ conditions }, recurse) => conditions.flatMap((c: Condition) => recurse.columns(c)),
  never: ({ conditions }, recurse) => {
    for (const c of conditions) {
      const why = recurse.never(c);
      if (why !== undefined) return why;
    }
    return undefined;
  },
});
