import { z } from 'zod';
import { type Code, and, code } from '../codegen/code.js';
import type { EmitContext } from '../emit/context.js';
import { Column, ColumnOrNumber } from '../registry/columns.js';
import { defineFamily } from './definition.js';
import { DOWN, type Direction, type Mirrored, UP } from './direction.js';
import { allFinite, columnsOf, operand } from './shared.js';

/** `a` at or short of `b` on the previous bar and strictly past it on this one; all four values finite. */
function crossing(ctx: EmitContext, dir: Direction, a: string, b: string | number): Code {
  const [a0, a1] = [ctx.col(a), ctx.col(a, 1)];
  const [b0, b1] = [operand(ctx, b), operand(ctx, b, 1)];
  return and([ctx.barsAtLeast(1), allFinite([a0, a1, b0, b1]), code`${a1} ${dir.atOrShort} ${b1}`, code`${a0} ${dir.past} ${b0}`]);
}

const CROSSES: Record<'crosses_above' | 'crosses_below', Mirrored> = {
  crosses_above: {
    doc: 'col_a crosses above col_b (a column or a number) on this bar: at or below it on the previous bar, strictly above it now; all four values finite.',
    dir: UP,
  },
  crosses_below: {
    doc: 'col_a crosses below col_b (a column or a number) on this bar: at or above it on the previous bar, strictly below it now; all four values finite.',
    dir: DOWN,
  },
};

export const crosses = defineFamily(CROSSES, ({ dir }) => ({
  params: z.strictObject({ col_a: Column, col_b: ColumnOrNumber }),
  emit: ({ col_a, col_b }, ctx) => crossing(ctx, dir, col_a, col_b),
  columns: ({ col_a, col_b }) => columnsOf(col_a, col_b),
  never: ({ col_a, col_b }) => (typeof col_b === 'string' ? dir.never(col_a, col_b) : undefined),
}));

const BREAKS: Record<'breaks_above_level' | 'breaks_below_level', Mirrored> = {
  breaks_above_level: {
    doc: 'the close moves from at or below level_col on the previous bar to strictly above it on this bar.',
    dir: UP,
  },
  breaks_below_level: {
    doc: 'the close moves from at or above level_col on the previous bar to strictly below it on this bar.',
    dir: DOWN,
  },
};

/** The close crossing a level column. */
export const breaksLevel = defineFamily(BREAKS, ({ dir }) => ({
  params: z.strictObject({ level_col: Column }),
  emit: ({ level_col }, ctx) => crossing(ctx, dir, 'close', level_col),
  columns: ({ level_col }) => ['close', level_col],
  never: ({ level_col }) => dir.never('close', level_col),
}));
