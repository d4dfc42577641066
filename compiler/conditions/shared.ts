import { type Code, and, code } from '../codegen/code.js';
import type { EmitContext } from '../emit/context.js';

/** A column read or a constant, as the reference's `_val` resolves a reference. */
export function operand(ctx: EmitContext, ref: string | number, lag = 0): Code {
  return typeof ref === 'number' ? code`${ref}` : ctx.col(ref, lag);
}

/** The reference's `_safe`: neither NaN nor infinite. Constants from JSON always are. */
export function allFinite(values: readonly Code[]): Code {
  return and(values.filter((v) => v.number === undefined).map((v) => code`Number.isFinite(${v})`));
}

export function noneNaN(values: readonly Code[]): Code {
  return and(values.filter((v) => v.number === undefined).map((v) => code`!Number.isNaN(${v})`));
}

/** Lags `from..to` inclusive. */
export function lagRange(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

export function columnsOf(...refs: (string | number)[]): string[] {
  return refs.filter((r): r is string => typeof r === 'string');
}
