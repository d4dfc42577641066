import { z } from 'zod';

/**
 * A union chosen by a key rather than tried branch by branch, so an error
 * names what is wrong in the one branch the author meant instead of listing
 * every branch that did not match.
 */
export function keyedUnion<T>(
  what: string,
  pick: (value: unknown) => string | undefined,
  branches: Readonly<Record<string, z.ZodType>> | ((key: string) => z.ZodType | undefined),
  expected: string | (() => string),
  prepare: (value: unknown) => unknown = (value) => value,
): z.ZodType<T> {
  const branchOf = typeof branches === 'function' ? branches : (key: string) => branches[key];
  return z.custom<T>(() => true).superRefine((value, ctx) => {
    const key = pick(value);
    const branch = key === undefined ? undefined : branchOf(key);
    if (!branch) {
      const wanted = typeof expected === 'function' ? expected() : expected;
      ctx.addIssue({ code: 'custom', message: `not a valid ${what}: expected ${wanted}` });
      return;
    }
    const parsed = branch.safeParse(prepare(value));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        // name the one unknown key in the path, as zod does at the top level
        if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) path.push(issue.keys[0]!);
        ctx.addIssue({ code: 'custom', message: issue.message, path });
      }
    }
  });
}

export function objectKey(keys: readonly string[]) {
  return (value: unknown): string | undefined =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? keys.find((k) => k in value) : undefined;
}

export function stringField(field: string) {
  return (value: unknown): string | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    const v = (value as Record<string, unknown>)[field];
    return typeof v === 'string' ? v : undefined;
  };
}
