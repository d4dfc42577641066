import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column, ColumnOrNumber } from '../registry/columns.js';
import { defineFamily } from './definition.js';
import { DOWN, type Mirrored, UP } from './direction.js';
import { allFinite, columnsOf, operand } from './shared.js';

const TYPES: Record<'above' | 'below', Mirrored> = {
  above: { doc: 'col is strictly above ref (a column or a number) on this bar; both finite.', dir: UP },
  below: { doc: 'col is strictly below ref (a column or a number) on this bar; both finite.', dir: DOWN },
};

export default defineFamily(TYPES, ({ dir }) => ({
  params: z.strictObject({ col: Column, ref: ColumnOrNumber }),
  emit: ({ col, ref }, ctx) => {
    const value = ctx.col(col);
    const level = operand(ctx, ref);
    return and([allFinite([value, level]), code`${value} ${dir.past} ${level}`]);
  },
  columns: ({ col, ref }) => columnsOf(col, ref),
  never: ({ col, ref }) => (typeof ref === 'string' ? dir.never(col, ref) : undefined),
}));
