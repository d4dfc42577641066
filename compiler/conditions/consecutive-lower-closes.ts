import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Count } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { lagRange, noneNaN } from './shared.js';

export default defineCondition({
  type: 'consecutive_lower_closes',
  doc: 'each of the last count closes is strictly lower than the close before it.',
  params: z.strictObject({ count: Count }),
  emit: ({ count }, ctx) =>
    and([
      ctx.barsAtLeast(count),
      noneNaN(lagRange(0, count).map((lag) => ctx.col('close', lag))),
      ...lagRange(1, count).map((lag) => code`${ctx.col('close', lag - 1)} < ${ctx.col('close', lag)}`),
    ]),
  columns: () => ['close'],
});
