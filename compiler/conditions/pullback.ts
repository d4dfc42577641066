import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column } from '../registry/columns.js';
import { defineFamily } from './definition.js';
import { DOWN, type Mirrored, UP } from './direction.js';
import { allFinite } from './shared.js';

const TYPES: Record<'pullback_to' | 'pullback_below', Mirrored> = {
  pullback_to: {
    doc: 'the low dips to within tolerance_atr_mult*ATR above level_col while the close stays above the level.',
    dir: UP,
  },
  pullback_below: {
    doc: 'the high rises to within tolerance_atr_mult*ATR below level_col while the close stays below the level.',
    dir: DOWN,
  },
};

/** The bar reaches back to within a tolerance of a level while the close stays past it. */
export default defineFamily(TYPES, ({ dir }) => ({
  params: z.strictObject({ level_col: Column, tolerance_atr_mult: z.number() }),
  emit: ({ level_col, tolerance_atr_mult }, ctx) => {
    const [extreme, close, level, atr] = [ctx.col(dir.backExtreme), ctx.col('close'), ctx.col(level_col), ctx.col('atr_14')];
    return and([
      allFinite([extreme, close, level, atr]),
      code`${extreme} ${dir.atOrShort} ${level} ${dir.further} ${tolerance_atr_mult} * ${atr}`,
      code`${close} ${dir.past} ${level}`,
    ]);
  },
  columns: ({ level_col }) => [dir.backExtreme, 'close', level_col, 'atr_14'],
}));
