import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { defineFamily } from './definition.js';
import { DOWN, type Mirrored, UP } from './direction.js';
import { allFinite } from './shared.js';

const TYPES: Record<'gap_up' | 'gap_down', Mirrored> = {
  gap_up: { doc: 'the open is more than atr_mult*ATR above the previous close.', dir: UP },
  gap_down: { doc: 'the open is more than atr_mult*ATR below the previous close.', dir: DOWN },
};

export default defineFamily(TYPES, ({ dir }) => ({
  params: z.strictObject({ atr_mult: z.number() }),
  emit: ({ atr_mult }, ctx) => {
    const [open, prevClose, atr] = [ctx.col('open'), ctx.col('close', 1), ctx.col('atr_14')];
    return and([
      ctx.barsAtLeast(1),
      allFinite([open, prevClose, atr]),
      code`${open} ${dir.past} ${prevClose} ${dir.further} ${atr_mult} * ${atr}`,
    ]);
  },
  columns: () => ['open', 'close', 'atr_14'],
}));
