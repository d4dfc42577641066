import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column, Count } from '../registry/columns.js';
import { defineCondition } from './definition.js';

export default defineCondition({
  type: 'squeeze',
  doc: 'width_col is at its lowest of the last lookback bars (this one included), none of them NaN.',
  params: z.strictObject({ width_col: Column, lookback: Count }),
  emit: ({ width_col, lookback }, ctx) => {
    // the rolling minimum is NaN when the window holds a NaN, as the reference's check demands
    const lowest = ctx.series(ctx.rolling({ kind: 'min', of: width_col, window: lookback }));
    return and([ctx.barsAtLeast(lookback), code`!Number.isNaN(${lowest})`, code`${ctx.col(width_col)} <= ${lowest}`]);
  },
  columns: ({ width_col }) => [width_col],
});
