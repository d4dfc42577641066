import { z } from 'zod';
import { and, code, or } from '../codegen/code.js';
import { Column, Count } from '../registry/columns.js';
import { defineFamily } from './definition.js';
import { DOWN, type Mirrored, UP } from './direction.js';
import { allFinite, lagRange } from './shared.js';

const TYPES: Record<'was_below_then_crosses_above' | 'was_above_then_crosses_below', Mirrored> = {
  was_below_then_crosses_above: {
    doc: 'col crosses above threshold on this bar after being below it at least once in the lookback bars before.',
    dir: UP,
  },
  was_above_then_crosses_below: {
    doc: 'col crosses below threshold on this bar after being above it at least once in the lookback bars before.',
    dir: DOWN,
  },
};

export default defineFamily(TYPES, ({ dir }) => ({
  params: z.strictObject({ col: Column, threshold: z.number(), lookback: Count }),
  emit: ({ col, threshold, lookback }, ctx) => {
    const [now, prev] = [ctx.col(col), ctx.col(col, 1)];
    return and([
      ctx.barsAtLeast(lookback),
      allFinite([now, prev]),
      code`${prev} ${dir.atOrShort} ${threshold}`,
      code`${now} ${dir.past} ${threshold}`,
      or(lagRange(1, lookback).map((lag) => code`${ctx.col(col, lag)} ${dir.short} ${threshold}`)),
    ]);
  },
  columns: ({ col }) => [col],
}));
