import type { z } from 'zod';
import type { Code } from '../codegen/code.js';
import type { EmitContext } from '../emit/context.js';

/** A condition as it stands in the registry: its type and its parameters. */
export type Condition = { readonly type: string } & Readonly<Record<string, unknown>>;

/** Lets a combinator hand its sub-conditions back to the dispatcher. */
export interface Recurse {
  emit(condition: Condition, ctx: EmitContext): Code;
  never(condition: Condition): string | undefined;
  columns(condition: Condition): string[];
}

/**
 * One condition type: the parameters it takes, the code it becomes and what
 * the compiler can prove about it. One file per type, like ajv's keywords.
 */
export interface ConditionDefinition<P = Record<string, unknown>> {
  readonly type: string;
  /** One line for the docs and for `probe strategies show`. */
  readonly doc: string;
  readonly params: z.ZodType<P>;
  /** A boolean JavaScript expression true when the condition holds at the context's bar. */
  emit(params: P, ctx: EmitContext, recurse: Recurse): Code;
  /** Columns it reads, so the runtime computes just those. */
  columns(params: P, recurse: Recurse): string[];
  /** Why it can never be true, when that can be proved. */
  never?(params: P, recurse: Recurse): string | undefined;
}

export function defineCondition<P>(definition: ConditionDefinition<P>): ConditionDefinition<P> {
  return definition;
}
