import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'in_top_pct_of_range',
  doc: 'the close sits in the top pct fraction of the bar range (a bar with high == low never qualifies).',
  params: z.strictObject({ pct: z.number() }),
  emit: ({ pct }, ctx) => {
    const [high, low, close] = [ctx.col('high'), ctx.col('low'), ctx.col('close')];
    return and([
      allFinite([high, low, close]),
      code`${high} !== ${low}`,
      code`(${close} - ${low}) / (${high} - ${low}) >= (1 - ${pct})`,
    ]);
  },
  columns: () => ['high', 'low', 'close'],
});
