import { type Code, operators } from '../codegen/code.js';
import { neverAbove, neverBelow } from '../diagnostics/facts.js';

/**
 * What tells the two types of a mirror pair apart (above/below,
 * crosses_above/crosses_below, gap_up/gap_down, ...): the direction of their
 * comparisons. `DOWN` is `UP` with every comparison turned round, so a pair
 * is one definition that reads its operators from the row's direction.
 */
export interface Direction {
  /** Strictly past: `>` going up, `<` going down. */
  readonly past: Code;
  /** At or past: `>=` up, `<=` down. */
  readonly atOrPast: Code;
  /** Strictly short of: `<` up, `>` down. */
  readonly short: Code;
  /** At or short of: `<=` up, `>=` down. */
  readonly atOrShort: Code;
  /** Further along: `+` up, `-` down. */
  readonly further: Code;
  /** The bar's extreme on the other side: the low going up, the high going down. */
  readonly backExtreme: 'low' | 'high';
  /** Why column `a` can never be past column `b`, when that is known. */
  readonly never: (a: string, b: string) => string | undefined;
}

export const UP: Direction = {
  past: operators.GT,
  atOrPast: operators.GTE,
  short: operators.LT,
  atOrShort: operators.LTE,
  further: operators.ADD,
  backExtreme: 'low',
  never: neverAbove,
};

export const DOWN: Direction = {
  past: operators.LT,
  atOrPast: operators.LTE,
  short: operators.GT,
  atOrShort: operators.GTE,
  further: operators.SUB,
  backExtreme: 'high',
  never: neverBelow,
};

/** A row of a mirror pair's table: the type's doc line and its direction. */
export interface Mirrored {
  readonly doc: string;
  readonly dir: Direction;
}
