import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { DEFAULT_TIMEFRAMES, isTimeframe as isRegistryTimeframe } from '../registry/vocabulary.js';
import { PLACEHOLDER, interpolate, isBarePlaceholder } from './interpolate.js';

/**
 * config.yaml (design document, section 9): every field optional, with the
 * defaults below; `${ENV_VAR:default}` anywhere (see interpolate.ts).
 * config.example.yaml documents every field and test/config checks that it
 * gives exactly these defaults.
 *
 * A field left empty (`port:` with nothing after it, or `${VAR:}` with VAR
 * unset) takes its default, except the text fields, where empty is a value.
 */

/** Parses a raw value, or returns undefined when it is not what the field expects. */
type Parser<T> = (value: unknown) => T | undefined;

function field<T>(fallback: T, expected: string, parser: Parser<T>, emptyIsDefault = true) {
  return z
    .unknown()
    .transform((value, ctx): T => {
      if (value === undefined || value === null || (emptyIsDefault && value === '')) return fallback;
      const parsed = parser(value);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
        return z.NEVER;
      }
      return parsed;
    })
    .prefault(null);
}

const trimmed = (value: unknown): string | undefined => (typeof value === 'string' ? value.trim() : undefined);

/** An integer from `min` to `max`; a string of digits counts (it may come from the environment). */
function integer(fallback: number, min: number, max: number) {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  return field(fallback, expected, (value) => {
    const n = typeof value === 'number' ? value : /^[+-]?\d+$/.test(trimmed(value) ?? '') ? Number(trimmed(value)) : Number.NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  });
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * A duration like `30s`, `5m`, `250ms`, `1h`, as the design document writes
 * them, or a number of seconds; the value is in milliseconds.
 */
function duration(fallbackMs: number, { positive }: { positive: boolean }) {
  return field(fallbackMs, `${positive ? 'a positive' : 'a'} duration such as 30s, 5m or 250ms (a bare number is seconds)`, (value) => {
    let ms: number;
    if (typeof value === 'number') ms = value * 1000;
    else {
      const match = DURATION.exec(trimmed(value) ?? '');
      if (!match) return undefined;
      ms = Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS];
    }
    return Number.isFinite(ms) && ms >= 0 && (!positive || ms > 0) ? ms : undefined;
  });
}

/** One of `choices`, exactly as written. */
function oneOf<const T extends string>(fallback: T, choices: readonly T[]) {
  return field(fallback, `one of ${choices.join(', ')}`, (value) => choices.find((c) => c === value));
}

/** Text; when `nonEmpty`, an empty value is refused rather than taken as the default. */
function text(fallback: string, { nonEmpty = false, pattern, expected }: { nonEmpty?: boolean; pattern?: RegExp; expected?: string } = {}) {
  return field(
    fallback,
    expected ?? (nonEmpty ? 'a non-empty string' : 'a string'),
    (value) => {
      if (typeof value !== 'string') return undefined;
      if (nonEmpty && value.trim() === '') return undefined;
      if (pattern && value !== '' && !pattern.test(value)) return undefined;
      return value;
    },
    false,
  );
}

/**
 * A list: a YAML sequence, or comma-separated text (as an environment
 * variable gives it). Not empty; each item matches `item` (a bad one is
 * named by its index); repeats dropped.
 */
function list<T extends string>(fallback: readonly T[], expected: string, itemExpected: string, item: (value: string) => value is T) {
  return z
    .unknown()
    .transform((value, ctx): T[] => {
      if (value === undefined || value === null || value === '') return [...fallback];
      const items = Array.isArray(value) ? (value as unknown[]) : typeof value === 'string' ? value.split(',') : undefined;
      if (items === undefined || items.length === 0) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
        return z.NEVER;
      }
      const chosen: T[] = [];
      items.forEach((v, k) => {
        const text = typeof v === 'string' ? v.trim() : undefined;
        if (text !== undefined && item(text)) chosen.push(text);
        else ctx.addIssue({ code: 'custom', message: `expected ${itemExpected}`, path: [k], input: v });
      });
      return [...new Set(chosen)];
    })
    .prefault(null);
}

/** A mapping of `shape`'s fields; absent or empty means all defaults, another field is an error. */
function section<S extends z.ZodRawShape>(shape: S) {
  const fields = Object.keys(shape).join(', ');
  return z.preprocess(
    (value) => value ?? {},
    z.strictObject(shape, {
      error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field (expected one of ${fields})` : `expected a mapping of ${fields}`),
    }),
  );
}

export const RISK_PROFILES = ['low', 'medium', 'high'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** `auto`: pretty on a terminal (stderr is a TTY), JSON otherwise; runtime/logger.ts decides. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

const isTimeframe = (t: string): t is string => isRegistryTimeframe(t);
const isRiskProfile = (t: string): t is (typeof RISK_PROFILES)[number] => (RISK_PROFILES as readonly string[]).includes(t);

export const ConfigSchema = section({
  server: section({
    /** Listen address; anything but loopback needs PROBE_API_TOKEN. */
    host: text('127.0.0.1', { nonEmpty: true, expected: 'a host name or IP address' }),
    /** 0 = any free port. */
    port: integer(8090, 0, 65535),
    /** A request (headers and body) must arrive within this, else 408. */
    read_timeout: duration(30_000, { positive: true }),
    /** The design document's; accepted, not applied yet. */
    write_timeout: duration(300_000, { positive: true }),
    /** How long a stopping instance lets the unit in flight finish. */
    shutdown_timeout: duration(10_000, { positive: false }),
    body_limit: text('1mb', { pattern: /^[1-9]\d*(kb|mb)$/i, nonEmpty: true, expected: 'a size such as 1mb or 256kb' }),
    /** A work unit running longer counts as dead and is retried (by any instance). */
    unit_timeout: duration(1_800_000, { positive: true }),
    /** How often dead units are looked for. */
    queue_maintenance: duration(30_000, { positive: true }),
    unit_retries: integer(3, 0, 1000),
  }),
  database: section({
    /** A whole connection string; DATABASE_URL overrides it and the fields below. */
    url: text('', { pattern: /^postgres(ql)?:\/\/\S+$/, expected: 'a connection string such as postgres://user@host:5432/name' }),
    /** Empty: an embedded PostgreSQL (unless url or DATABASE_URL is set). */
    host: text(''),
    port: integer(5432, 1, 65535),
    name: text('algomatic', { nonEmpty: true }),
    user: text('algomatic', { nonEmpty: true }),
    /** Only from the environment: `${DB_PASSWORD}`. */
    password: text(''),
    ssl_mode: oneOf('disable', SSL_MODES),
    pool_max_conns: integer(20, 1, 10_000),
  }),
  engine: section({
    /** Worker threads; 0 = one per core. */
    max_workers: integer(0, 0, 1024),
    /** Result rows per COPY batch. */
    db_batch_size: integer(500, 1, 1_000_000),
    timeframes: list(DEFAULT_TIMEFRAMES, 'a non-empty list of timeframes', 'a timeframe like 15Min, 1Hour or 1Day', isTimeframe),
    risk_profiles: list(RISK_PROFILES, 'a non-empty list of risk profiles', `a risk profile (${RISK_PROFILES.join(', ')})`, isRiskProfile),
  }),
  strategies: section({
    registry_file: text('strategies.json', { nonEmpty: true, expected: 'a file name' }),
  }),
  logging: section({
    /** Where the file leaves it out or empty: LOG_LEVEL (see ENVIRONMENT_DEFAULTS). */
    level: oneOf('info', LOG_LEVELS),
    /** Where the file leaves it out or empty: LOG_FORMAT. */
    format: oneOf('auto', LOG_FORMATS),
  }),
});

export type Config = z.output<typeof ConfigSchema>;
export type LoggingConfig = Config['logging'];


/** The built-in defaults, before the environment: what a missing config.yaml gives with no LOG_LEVEL or LOG_FORMAT. */
export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}

/**
 * Fields whose default is an environment variable, with a config file or
 * without one: a terminal user sets LOG_FORMAT=json or LOG_LEVEL=debug
 * without writing a file. The variable fills the field where the file
 * leaves it out or empty; a value written in the file wins.
 */
const ENVIRONMENT_DEFAULTS: readonly { readonly section: 'logging'; readonly field: string; readonly variable: string }[] = [
  { section: 'logging', field: 'level', variable: 'LOG_LEVEL' },
  { section: 'logging', field: 'format', variable: 'LOG_FORMAT' },
];

/**
 * Reads config.yaml (`path`, else ./config.yaml when present, else all
 * defaults), interpolates `${ENV:default}`, fills ENVIRONMENT_DEFAULTS and
 * validates it, naming the path (or the variable), the value and what was
 * expected for every problem at once. Secrets come only from the
 * environment: a literal password in the file is refused.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  const file = path ?? (existsSync('config.yaml') ? 'config.yaml' : undefined);
  const raw = file === undefined ? {} : readConfigFile(file);
  const { values, fromEnvironment } = withEnvironmentDefaults(interpolate(raw, env), env);
  const parsed = ConfigSchema.safeParse(values);
  if (!parsed.success) {
    const sources = { file, raw, env, fromEnvironment };
    throw new ConfigError(parsed.error.issues.flatMap((issue) => describeIssue(sources, issue, values)).join('\n'));
  }
  return parsed.data;
}

/** The file's YAML, refused when it is not YAML or holds a literal secret. */
function readConfigFile(file: string): unknown {
  if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    // yaml's message goes on with a code frame: its first line names the problem, line and column
    throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]!.replace(/:$/, '')}`);
  }
  const secrets = literalSecrets(raw);
  if (secrets.length > 0) throw new ConfigError(secrets.map((s) => `${file}: ${s}`).join('\n'));
  return raw;
}

const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isUnset = (value: unknown): boolean => value === undefined || value === null || value === '';

/**
 * `values` with ENVIRONMENT_DEFAULTS filled in, and which dotted paths
 * took their value from which variable (an error names the variable).
 * A section that is not a mapping is left alone for validation to refuse.
 */
function withEnvironmentDefaults(values: unknown, env: NodeJS.ProcessEnv): { values: unknown; fromEnvironment: Map<string, string> } {
  const fromEnvironment = new Map<string, string>();
  if (!isMapping(values)) return { values, fromEnvironment };
  const filled: Record<string, unknown> = { ...values };
  for (const { section, field, variable } of ENVIRONMENT_DEFAULTS) {
    const setting = env[variable];
    const current = filled[section] ?? {};
    if (setting === undefined || setting === '' || !isMapping(current) || !isUnset(current[field])) continue;
    filled[section] = { ...current, [field]: setting };
    fromEnvironment.set(`${section}.${field}`, variable);
  }
  return { values: filled, fromEnvironment };
}

/** Fields whose value is never printed, even in an error. */
const SECRET_FIELDS = new Set(['database.password']);

/** The value at `path`; an index into comma-separated text is its item. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((at, key) => {
    if (typeof key === 'number' && typeof at === 'string') return at.split(',')[key]?.trim();
    if (typeof key === 'number' && Array.isArray(at)) return at[key];
    return isMapping(at) ? at[String(key)] : undefined;
  }, root);
}

/** `engine.timeframes[1]` */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((key, k) => (typeof key === 'number' ? `[${key}]` : `${k === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** Where a config's values came from, for its error messages. */
interface Sources {
  readonly file: string | undefined;
  /** The file's values before interpolation. */
  readonly raw: unknown;
  readonly env: NodeJS.ProcessEnv;
  /** Dotted path -> the variable of ENVIRONMENT_DEFAULTS that gave its value. */
  readonly fromEnvironment: ReadonlyMap<string, string>;
}

/**
 * The variables set in `env` that a `${NAME...}` in the file's value at
 * `path` took; an item of a list from one text (`${TIMEFRAMES}`) names that
 * text's variables.
 */
function variablesAt(sources: Sources, path: readonly PropertyKey[]): string[] {
  const written = path.map((_key, k) => valueAt(sources.raw, path.slice(0, k + 1))).find((value) => typeof value === 'string');
  if (typeof written !== 'string') return [];
  const names = [...written.matchAll(PLACEHOLDER)].map((match) => match[1]!);
  return [...new Set(names)].filter((name) => sources.env[name] !== undefined && sources.env[name] !== '');
}

function shown(where: string, value: unknown, variables: readonly string[]): string {
  if (value === undefined) return '';
  if (SECRET_FIELDS.has(where)) return ' (value hidden)';
  const text = JSON.stringify(value);
  const from = variables.length === 0 ? '' : ` from ${variables.join(', ')}`;
  return ` (value: ${where === 'database.url' ? maskPassword(text) : text}${from})`;
}

function describeIssue(sources: Sources, issue: z.core.$ZodIssue, values: unknown): string[] {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
  return keys.map((path) => {
    const where = pathText(path);
    const variable = sources.fromEnvironment.get(where);
    // a value from ENVIRONMENT_DEFAULTS is the environment's mistake, not the file's
    if (variable !== undefined) return `${variable} (${where}): ${issue.message}${shown(where, valueAt(values, path), [])}`;
    const prefix = sources.file === undefined ? '' : `${sources.file}: `;
    if (where === '') return `${prefix}${issue.message}`;
    return `${prefix}${where}: ${issue.message}${shown(where, valueAt(values, path), variablesAt(sources, path))}`;
  });
}

/** `scheme://user:secret@host` -> `scheme://user:***@host`. */
function maskPassword(text: string): string {
  return text.replace(/(:\/\/[^/@:\s"]*:)[^/@\s"]*@/g, '$1***@');
}

/**
 * database.password must be `${VAR}` (or `${VAR:}`: no default in the
 * file), and a password inside database.url must be one too.
 */
function literalSecrets(raw: unknown): string[] {
  const database = valueAt(raw, ['database']);
  if (database === null || typeof database !== 'object' || Array.isArray(database)) return [];
  const { password, url } = database as Record<string, unknown>;
  const problems: string[] = [];
  if (password !== undefined && password !== null && password !== '' && !(typeof password === 'string' && isBarePlaceholder(password))) {
    problems.push(
      'database.password: a password must come from the environment, e.g. password: ${DB_PASSWORD} (a literal value or a default in the file is refused; value hidden)',
    );
  }
  if (typeof url === 'string') {
    const secret = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:]*:([^/@]*)@/.exec(url)?.[1];
    if (secret !== undefined && secret !== '' && !isBarePlaceholder(secret)) {
      problems.push(
        'database.url: must not contain a literal password; use url: ${DATABASE_URL}, or the password field with ${DB_PASSWORD} (value hidden)',
      );
    }
  }
  return problems;
}
