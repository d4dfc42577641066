import { Code, TRUE, and, code, join, or } from '../codegen/code.js';
import type { EmitContext } from '../emit/context.js';
import type { CmpOp, Num, Pred } from './types.js';

const JS_OPERATOR: Record<CmpOp, Code> = {
  '>': new Code('>'),
  '>=': new Code('>='),
  '<': new Code('<'),
  '<=': new Code('<='),
  '==': new Code('==='),
  '!=': new Code('!=='),
};

const ARITHMETIC = { add: new Code('+'), sub: new Code('-'), mul: new Code('*'), div: new Code('/') } as const;

export function emitNum(num: Num, ctx: EmitContext): Code {
  if (typeof num === 'number') return code`${num}`;
  if (typeof num === 'string') return ctx.col(num);
  if ('col' in num) return ctx.col(num.col, num.lag);
  if ('rolling' in num) {
    const variable = ctx.rolling(
      num.rolling === 'percentile'
        ? { kind: 'percentile', of: num.of, window: num.window, q: num.q, minCount: num.min_count }
        : { kind: num.rolling, of: num.of, window: num.window },
    );
    return ctx.series(variable, num.lag);
  }
  switch (num.op) {
    case 'abs':
      return code`Math.abs(${emitNum(num.args[0], ctx)})`;
    case 'max':
      return code`pyMax(${emitNum(num.args[0], ctx)}, ${emitNum(num.args[1], ctx)})`;
    case 'min':
      return code`pyMin(${emitNum(num.args[0], ctx)}, ${emitNum(num.args[1], ctx)})`;
    default:
      return code`(${emitNum(num.args[0], ctx)} ${ARITHMETIC[num.op]} ${emitNum(num.args[1], ctx)})`;
  }
}

export function emitPred(pred: Pred, ctx: EmitContext): Code {
  if ('cmp' in pred) return code`${emitNum(pred.a, ctx)} ${JS_OPERATOR[pred.cmp]} ${emitNum(pred.b, ctx)}`;
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

function atLeast(parts: readonly Code[], k: number): Code {
  const tally = join(parts.map((p) => code`(${p} ? 1 : 0)`), ' + ');
  return code`(${tally}) >= ${k}`;
}
