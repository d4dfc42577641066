import { type Code, Name, TRUE, and, code, join, operators, or } from '../codegen/code.js';
import type { EmitContext, RollingRequest } from '../emit/context.js';
import type { CmpOp, Num, Pred, Rolling } from './types.js';

/** The registry's comparisons as JavaScript's operators. */
export const COMPARISON: Readonly<Record<CmpOp, Code>> = {
  '>': operators.GT,
  '>=': operators.GTE,
  '<': operators.LT,
  '<=': operators.LTE,
  '==': operators.EQ,
  '!=': operators.NEQ,
};

const ARITHMETIC = { add: operators.ADD, sub: operators.SUB, mul: operators.MUL, div: operators.DIV } as const;

const PYTHON_MODULE = 'runtime/kernels/python.js';
/** Python's max and min (the first argument unless the second compares greater/smaller). */
const PYTHON = { max: new Name('pyMax', PYTHON_MODULE), min: new Name('pyMin', PYTHON_MODULE) } as const;

export function emitNum(num: Num, ctx: EmitContext): Code {
  if (typeof num === 'number') return code`${num}`;
  if (typeof num === 'string') return ctx.col(num);
  if ('col' in num) return ctx.col(num.col, num.lag);
  if ('rolling' in num) return ctx.series(ctx.rolling(rollingRequest(num)), num.lag);
  switch (num.op) {
    case 'abs':
      return code`Math.abs(${emitNum(num.args[0], ctx)})`;
    case 'max':
    case 'min':
      return code`${PYTHON[num.op]}(${emitNum(num.args[0], ctx)}, ${emitNum(num.args[1], ctx)})`;
    default:
      return code`(${emitNum(num.args[0], ctx)} ${ARITHMETIC[num.op]} ${emitNum(num.args[1], ctx)})`;
  }
}

/** The series a rolling number reads (at its lag). */
export function rollingRequest(num: Rolling): RollingRequest {
  return num.rolling === 'percentile'
    ? { kind: 'percentile', of: num.of, window: num.window, q: num.q, minCount: num.min_count }
    : { kind: num.rolling, of: num.of, window: num.window };
}

export function emitPred(pred: Pred, ctx: EmitContext): Code {
  if ('cmp' in pred) return code`${emitNum(pred.a, ctx)} ${COMPARISON[pred.cmp]} ${emitNum(pred.b, ctx)}`;
  if ('all' in pred) return and(pred.all.map((p) => emitPred(p, ctx)));
  if ('any' in pred) return or(pred.any.map((p) => emitPred(p, ctx)));
  if ('not' in pred) return code`!(${emitPred(pred.not, ctx)})`;
  if ('finite' in pred) return and(pred.finite.map((n) => (typeof n === 'number' ? TRUE : code`Number.isFinite(${emitNum(n, ctx)})`)));
  if ('not_nan' in pred) return and(pred.not_nan.map((n) => (typeof n === 'number' ? TRUE : code`!Number.isNaN(${emitNum(n, ctx)})`)));
  if ('min_bars' in pred) return ctx.barsAtLeast(pred.min_bars);
  if ('votes' in pred) return atLeast(pred.votes.map((p) => emitPred(p, ctx)), pred.at_least);
  const [from, to] = pred.lags;
  const lags = Array.from({ length: to - from + 1 }, (_, k) => from + k);
  if ('every' in pred) return and(lags.map((lag) => emitPred(pred.every, ctx.shift(lag))));
  if ('some' in pred) return or(lags.map((lag) => emitPred(pred.some, ctx.shift(lag))));
  return atLeast(lags.map((lag) => emitPred(pred.count, ctx.shift(lag))), pred.at_least);
}

/** At least `k` of the parts hold (the 1 and 0 interpolated as numbers, which kernels lift as they lift every constant). */
function atLeast(parts: readonly Code[], k: number): Code {
  const tally = join(parts.map((p) => code`(${p} ? ${1} : ${0})`), code` + `);
  return code`(${tally}) >= ${k}`;
}
