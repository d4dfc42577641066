/** Numbers of the expression form (docs/registry.md). */
export type Num =
  | number
  | string
  | { readonly col: string; readonly lag: number }
  | { readonly op: 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min'; readonly args: readonly [Num, Num] }
  | { readonly op: 'abs'; readonly args: readonly [Num] }
  | Rolling;

export type Rolling =
  | { readonly rolling: 'mean' | 'min' | 'max'; readonly of: Num; readonly window: number; readonly lag: number }
  | {
      readonly rolling: 'percentile';
      readonly of: Num;
      readonly window: number;
      readonly lag: number;
      readonly q: number;
      readonly min_count: number;
    };

export type CmpOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** Predicates of the expression form. */
export type Pred =
  | { readonly cmp: CmpOp; readonly a: Num; readonly b: Num }
  | { readonly all: readonly Pred[] }
  | { readonly any: readonly Pred[] }
  | { readonly not: Pred }
  | { readonly finite: readonly Num[] }
  | { readonly not_nan: readonly Num[] }
  | { readonly min_bars: number }
  | { readonly votes: readonly Pred[]; readonly at_least: number }
  | { readonly every: Pred; readonly lags: readonly [number, number] }
  | { readonly some: Pred; readonly lags: readonly [number, number] }
  | { readonly count: Pred; readonly lags: readonly [number, number]; readonly at_least: number };
