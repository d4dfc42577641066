import { z } from 'zod';
import { and, code, or } from '../codegen/code.js';
import { Column, Count } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite, lagRange } from './shared.js';

export default defineCondition({
  type: 'was_above_then_crosses_below',
  doc: 'col crosses below threshold on this bar after being above it at least once in the lookback bars before.',
  params: z.strictObject({ col: Column, threshold: z.number(), lookback: Count }),
  emit: ({ col, threshold, lookback }, ctx) => {
    const [now, prev] = [ctx.col(col), ctx.col(col, 1)];
    return and([
      ctx.barsAtLeast(lookback),
      allFinite([now, prev]),
      code`${prev} >= ${threshold}`,
      code`${now} < ${threshold}`,
      or(lagRange(1, lookback).map((lag) => code`${ctx.col(col, lag)} > ${threshold}`)),
    ]);
  },
  columns: ({ col }) => [col],
});
