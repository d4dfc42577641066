import { createHash } from 'node:crypto';

/**
 * The registry's identity: the sha256 (hex) of its canonical form, which
 * `make generate` writes into generated/ (REGISTRY_HASH) and the runtime
 * compares with a registry file (see registry-file.ts).
 *
 * The canonical form is the parsed JSON with the strategies sorted by id,
 * every object's keys sorted (by UTF-16 code units) and no whitespace, as
 * JSON.stringify writes strings and numbers. Formatting, key order and the
 * order of the strategies therefore do not change it (they do not change
 * what the compiler emits either); any change to a value does.
 */
export function registryHash(data: unknown): string {
  const strategies = Array.isArray(data) ? [...(data as unknown[])].sort((a, b) => idOf(a) - idOf(b)) : data;
  return createHash('sha256').update(canonicalJson(strategies)).digest('hex');
}

/** JSON text with sorted object keys and no whitespace; undefined members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`not a JSON value: ${typeof value}`);
  return text;
}

/** A strategy's id for sorting; entries without a numeric id keep their place among themselves, after the others. */
function idOf(strategy: unknown): number {
  const id = typeof strategy === 'object' && strategy !== null ? (strategy as Record<string, unknown>).id : undefined;
  return typeof id === 'number' && Number.isFinite(id) ? id : Number.MAX_VALUE;
}
