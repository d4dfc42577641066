import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { neverAbove } from '../diagnostics/facts.js';
import { Column, ColumnOrNumber } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite, columnsOf, operand } from './shared.js';

export default defineCondition({
  type: 'crosses_above',
  doc: 'col_a crosses above col_b (a column or a number) on this bar: at or below it on the previous bar, strictly above it now; all four values finite.',
  params: z.strictObject({ col_a: Column, col_b: ColumnOrNumber }),
  emit: ({ col_a, col_b }, ctx) => {
    const a0 = ctx.col(col_a);
    const a1 = ctx.col(col_a, 1);
    const b0 = operand(ctx, col_b);
    const b1 = operand(ctx, col_b, 1);
    return and([ctx.barsAtLeast(1), allFinite([a0, a1, b0, b1]), code`${a1} <= ${b1}`, code`${a0} > ${b0}`]);
  },
  columns: ({ col_a, col_b }) => columnsOf(col_a, col_b),
  never: ({ col_a, col_b }) => (typeof col_b === 'string' ? neverAbove(col_a, col_b) : undefined),
});
