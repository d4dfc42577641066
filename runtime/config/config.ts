import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { interpolate } from './interpolate.js';

/** Durations like `30s`, `5m`, `250ms`, as the design document writes them. */
const Duration = z
  .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'expected a duration such as 30s, 5m or 250ms')])
  .transform((v) => (typeof v === 'number' ? v * 1000 : toMs(v)));

function toMs(text: string): number {
  const [, amount, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text)!;
  return Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
}

/** Numbers may arrive as strings after `${ENV:default}` interpolation. */
const Int = (min: number) => z.coerce.number().int().min(min);

export const ConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: Int(0).max(65535).default(8090),
      read_timeout: Duration.default(30_000),
      write_timeout: Duration.default(300_000),
      shutdown_timeout: Duration.default(10_000),
      body_limit: z.string().regex(/^\d+(kb|mb)$/i, 'expected a size such as 1mb or 256kb').default('1mb'),
      /** A work unit running longer counts as dead and is retried (by any instance). */
      unit_timeout: Duration.default(1_800_000),
      /** How often dead units are looked for. */
      queue_maintenance: Duration.default(30_000),
      unit_retries: Int(0).default(3),
    })
    .prefault({}),
  database: z
    .strictObject({
      url: z.string().default(''),
      host: z.string().default(''),
      port: Int(1).max(65535).default(5432),
      name: z.string().default('algomatic'),
      user: z.string().default('algomatic'),
      password: z.string().default(''),
      ssl_mode: z.enum(['disable', 'require', 'verify-full', 'prefer']).default('disable'),
      pool_max_conns: Int(1).default(20),
    })
    .prefault({}),
  engine: z
    .strictObject({
      max_workers: Int(0).default(0),
      db_batch_size: Int(1).default(500),
      timeframes: z.array(z.string()).min(1).default(['15Min', '1Hour', '1Day']),
      risk_profiles: z.array(z.enum(['low', 'medium', 'high'])).min(1).default(['low', 'medium', 'high']),
    })
    .prefault({}),
  strategies: z.strictObject({ registry_file: z.string().default('strategies.json') }).prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      format: z.enum(['json', 'pretty']).default('json'),
    })
    .prefault({}),
});

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {}

/**
 * Reads config.yaml (a missing file means all defaults), interpolates
 * `${ENV:default}` and validates it, naming the path, value and what was
 * expected for every problem.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  const file = path ?? (existsSync('config.yaml') ? 'config.yaml' : undefined);
  let raw: unknown = {};
  if (file !== undefined) {
    if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
    try {
      raw = parse(readFileSync(file, 'utf8')) ?? {};
    } catch (error) {
      throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message}`);
    }
  }
  const secret = literalSecret(raw);
  if (secret) throw new ConfigError(`${file}: ${secret}`);
  const parsed = ConfigSchema.safeParse(interpolate(raw, env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.map(String).join('.');
      const value = issue.path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[String(key)] : undefined), interpolate(raw, env));
      return `${file ?? 'config'}: ${where}: ${issue.message}${value === undefined ? '' : ` (value: ${JSON.stringify(value)})`}`;
    });
    throw new ConfigError(problems.join('\n'));
  }
  return parsed.data;
}

/** Secrets come only from the environment: a literal password in the file is refused. */
function literalSecret(raw: unknown): string | undefined {
  const database = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).database : undefined;
  if (database === null || typeof database !== 'object') return undefined;
  const { password, url } = database as Record<string, unknown>;
  if (typeof password === 'string' && password !== '' && !/^\$\{[A-Za-z_][A-Za-z0-9_]*(:[^}]*)?\}$/.test(password)) {
    return 'database.password must come from the environment, e.g. password: ${DB_PASSWORD}';
  }
  if (typeof url === 'string' && /^[a-z]+:\/\/[^/@]*:[^/@$]+@/.test(url)) {
    return 'database.url must not contain a password; use ${DATABASE_URL} or the password field with ${DB_PASSWORD}';
  }
  return undefined;
}
