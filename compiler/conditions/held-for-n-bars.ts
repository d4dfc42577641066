import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { COMPARISON } from '../expr/emit.js';
import { Comparison } from '../expr/schema.js';
import { Column, Count } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite, lagRange } from './shared.js';

export default defineCondition({
  type: 'held_for_n_bars',
  doc: 'for each of the last n_bars bars, col is finite and `col op value` holds.',
  params: z.strictObject({ col: Column, op: Comparison, value: z.number(), n_bars: Count }),
  emit: ({ col, op, value, n_bars }, ctx) =>
    and([
      ctx.barsAtLeast(n_bars - 1),
      ...lagRange(0, n_bars - 1).map((lag) => {
        const read = ctx.col(col, lag);
        return and([allFinite([read]), code`${read} ${COMPARISON[op]} ${value}`]);
      }),
    ]),
  columns: ({ col }) => [col],
});
