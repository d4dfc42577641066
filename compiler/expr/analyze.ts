import { neverAbove, neverBelow } from '../diagnostics/facts.js';
import type { Num, Pred } from './types.js';
import { numColumns, numLag, plainColumn } from './walk.js';

export function predColumns(pred: Pred): string[] {
  return [...predNums(pred).flatMap(numColumns), ...predChildren(pred).flatMap((c) => predColumns(c.pred))];
}

/** Why the predicate can never hold on valid data, or undefined. */
export function predNever(pred: Pred): string | undefined {
  if ('cmp' in pred) {
    const a = plainColumn(pred.a);
    const b = plainColumn(pred.b);
    if (!a || !b || a.lag !== b.lag) return undefined;
    if (pred.cmp === '>') return neverAbove(a.col, b.col);
    if (pred.cmp === '<') return neverBelow(a.col, b.col);
    return undefined;
  }
  if ('all' in pred) return pred.all.map(predNever).find((r) => r !== undefined);
  if ('any' in pred) {
    const reasons = pred.any.map(predNever);
    return reasons.every((r) => r !== undefined) ? reasons.join('; and ') : undefined;
  }
  if ('every' in pred) return predNever(pred.every);
  if ('some' in pred) return predNever(pred.some);
  if ('count' in pred) return predNever(pred.count);
  return undefined;
}

export interface GuardIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Every read `k` bars back must follow a `min_bars` of at least `k` in an
 * enclosing `all`: the reference would wrap a negative index around to the
 * end of the series, which no strategy means.
 */
export function checkGuards(pred: Pred, path: (string | number)[] = [], shift = 0, guaranteed = 0): GuardIssue[] {
  const issues: GuardIssue[] = [];
  const nums = predNums(pred);
  const key = 'cmp' in pred ? undefined : 'finite' in pred ? 'finite' : 'not_nan' in pred ? 'not_nan' : undefined;
  nums.forEach((num, k) => {
    const back = numLag(num) + shift;
    if (back > guaranteed) {
      const where = key === undefined ? [...path, k === 0 ? 'a' : 'b'] : [...path, key, k];
      issues.push({ path: where, message: `reads ${back} bar(s) back without a preceding {"min_bars": ${back}} in an enclosing "all"` });
    }
  });
  if ('all' in pred) {
    let known = guaranteed;
    pred.all.forEach((child, k) => {
      issues.push(...checkGuards(child, [...path, 'all', k], shift, known));
      if ('min_bars' in child) known = Math.max(known, child.min_bars + shift);
    });
    return issues;
  }
  if ('any' in pred) pred.any.forEach((c, k) => issues.push(...checkGuards(c, [...path, 'any', k], shift, guaranteed)));
  if ('votes' in pred) pred.votes.forEach((c, k) => issues.push(...checkGuards(c, [...path, 'votes', k], shift, guaranteed)));
  if ('not' in pred) issues.push(...checkGuards(pred.not, [...path, 'not'], shift, guaranteed));
  for (const form of ['every', 'some', 'count'] as const) {
    if (form in pred) {
      const quantified = pred as { lags: readonly [number, number] } & Record<typeof form, Pred>;
      issues.push(...checkGuards(quantified[form], [...path, form], shift + quantified.lags[1], guaranteed));
    }
  }
  return issues;
}

function predNums(pred: Pred): readonly Num[] {
  if ('cmp' in pred) return [pred.a, pred.b];
  if ('finite' in pred) return pred.finite;
  if ('not_nan' in pred) return pred.not_nan;
  return [];
}

function predChildren(pred: Pred): { pred: Pred }[] {
  if ('all' in pred) return pred.all.map((p) => ({ pred: p }));
  if ('any' in pred) return pred.any.map((p) => ({ pred: p }));
  if ('votes' in pred) return pred.votes.map((p) => ({ pred: p }));
  if ('not' in pred) return [{ pred: pred.not }];
  if ('every' in pred) return [{ pred: pred.every }];
  if ('some' in pred) return [{ pred: pred.some }];
  if ('count' in pred) return [{ pred: pred.count }];
  return [];
}
