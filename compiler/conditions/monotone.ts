import { z } from 'zod';
import { type Code, and, code } from '../codegen/code.js';
import type { EmitContext } from '../emit/context.js';
import { Column, Count } from '../registry/columns.js';
import { defineFamily } from './definition.js';
import { DOWN, type Direction, type Mirrored, UP } from './direction.js';
import { lagRange, noneNaN } from './shared.js';

/** The last `bars`+1 values of `col` hold no NaN and each is strictly past the one before it. */
function run(ctx: EmitContext, dir: Direction, col: string, bars: number): Code {
  return and([
    ctx.barsAtLeast(bars),
    noneNaN(lagRange(0, bars).map((lag) => ctx.col(col, lag))),
    ...lagRange(1, bars).map((lag) => code`${ctx.col(col, lag - 1)} ${dir.past} ${ctx.col(col, lag)}`),
  ]);
}

const RISING: Record<'rising' | 'falling', Mirrored> = {
  rising: { doc: 'the last bars+1 values of col hold no NaN and each is strictly above the one before it.', dir: UP },
  falling: { doc: 'the last bars+1 values of col hold no NaN and each is strictly below the one before it.', dir: DOWN },
};

export const risingFalling = defineFamily(RISING, ({ dir }) => ({
  params: z.strictObject({ col: Column, bars: Count }),
  emit: ({ col, bars }, ctx) => run(ctx, dir, col, bars),
  columns: ({ col }) => [col],
}));

const CONSECUTIVE: Record<'consecutive_higher_closes' | 'consecutive_lower_closes', Mirrored> = {
  consecutive_higher_closes: { doc: 'each of the last count closes is strictly higher than the close before it.', dir: UP },
  consecutive_lower_closes: { doc: 'each of the last count closes is strictly lower than the close before it.', dir: DOWN },
};

/** A run of closes. */
export const consecutiveCloses = defineFamily(CONSECUTIVE, ({ dir }) => ({
  params: z.strictObject({ count: Count }),
  emit: ({ count }, ctx) => run(ctx, dir, 'close', count),
  columns: () => ['close'],
}));
