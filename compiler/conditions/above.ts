import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { neverAbove } from '../diagnostics/facts.js';
import { Column, ColumnOrNumber } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite, columnsOf, operand } from './shared.js';

export default defineCondition({
  type: 'above',
  doc: 'col is strictly above ref (a column or a number) on this bar; both finite.',
  params: z.strictObject({ col: Column, ref: ColumnOrNumber }),
  emit: ({ col, ref }, ctx) => {
    const value = ctx.col(col);
    const level = operand(ctx, ref);
    return and([allFinite([value, level]), code`${value} > ${level}`]);
  },
  columns: ({ col, ref }) => columnsOf(col, ref),
  never: ({ col, ref }) => (typeof ref === 'string' ? neverAbove(col, ref) : undefined),
});
