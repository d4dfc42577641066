import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column, Count } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { lagRange, noneNaN } from './shared.js';

export default defineCondition({
  type: 'rising',
  doc: 'the last bars+1 values of col hold no NaN and each is strictly above the one before it.',
  params: z.strictObject({ col: Column, bars: Count }),
  emit: ({ col, bars }, ctx) =>
    and([
      ctx.barsAtLeast(bars),
      noneNaN(lagRange(0, bars).map((lag) => ctx.col(col, lag))),
      ...lagRange(1, bars).map((lag) => code`${ctx.col(col, lag - 1)} > ${ctx.col(col, lag)}`),
    ]),
  columns: ({ col }) => [col],
});
