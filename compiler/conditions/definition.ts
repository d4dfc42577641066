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
 * the compiler can prove about it. One file per type, like ajv's keywords;
 * mirror pairs share a file and a definition (`defineFamily`).
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

/** What a family's table gives each of its types: its doc line and whatever tells it from the others. */
export type FamilyRow = { readonly doc: string };

/**
 * Several condition types served by one definition and a table, as ajv's
 * limitNumber serves maximum, minimum, exclusiveMaximum and exclusiveMinimum
 * from one definition and a table of operators: `rows` maps each type to
 * what differs (its doc and, say, the direction of its comparisons), and
 * `define` writes the rest once, from a row. The types come out in the
 * table's order.
 */
export function defineFamily<R extends FamilyRow, P>(
  rows: Readonly<Record<string, R>>,
  define: (row: R) => Omit<ConditionDefinition<P>, 'type' | 'doc'>,
): ConditionDefinition<P>[] {
  return Object.entries(rows).map(([type, row]) => ({ type, doc: row.doc, ...define(row) }));
}
