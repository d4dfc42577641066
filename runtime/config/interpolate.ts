/**
 * `${NAME:default}` in configuration values, as the design document's
 * config.yaml uses them: the environment variable NAME, else the default
 * (empty when none is given).
 */
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;

export function interpolate(value: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (_match, name: string, fallback?: string) => env[name] ?? fallback ?? '');
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}
