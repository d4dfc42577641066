/**
 * `${NAME:default}` in configuration values, as the design document's
 * config.yaml uses them: the environment variable NAME when it is set and
 * not empty, else the default (empty when none is given: `${NAME}` and
 * `${NAME:}` are the same). A placeholder may be the whole value or part
 * of it (`postgres://${DB_HOST:localhost}/x`); every string of the file is
 * interpolated, list items included, keys not. Values are interpolated
 * before they are validated, so numbers, durations and lists may come from
 * the environment as text.
 */
export const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;

export function interpolate(value: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_match, name: string, fallback?: string) => {
      const set = env[name];
      return set !== undefined && set !== '' ? set : (fallback ?? '');
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}

/** True when `text` is nothing but one placeholder without a default: `${NAME}` or `${NAME:}`. */
export function isBarePlaceholder(text: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*:?\}$/.test(text);
}
