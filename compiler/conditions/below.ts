import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { neverBelow } from '../diagnostics/facts.js';
import { Column, ColumnOrNumber } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite, columnsOf, operand } from './shared.js';

export default defineCondition({
  type: 'below',
  doc: 'col is strictly below ref (a column or a number) on this bar; both finite.',
  params: z.strictObject({ col: Column, ref: ColumnOrNumber }),
  emit: ({ col, ref }, ctx) => {
    const value = ctx.col(col);
    const level = operand(ctx, ref);
    return and([allFinite([value, level]), code`${value} < ${level}`]);
  },
  columns: ({ col, ref }) => columnsOf(col, ref),
  never: ({ col, ref }) => (typeof ref === 'string' ? neverBelow(col, ref) : undefined),
});
