import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type Config, defaultConfig, loadConfig } from '../../runtime/config/config.js';
import { ConfigError } from '../../runtime/errors.js';
import { interpolate } from '../../runtime/config/interpolate.js';
import { ROOT } from '../support/cli.js';

/** Writes `text` as a config file of its own; returns its path. */
function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'probe-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

/** The error lines of loading `text`, without the file name in front. */
function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  const path = configFile(text);
  try {
    loadConfig(path, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n').map((line) => {
      expect(line.startsWith(`${path}: `)).toBe(true);
      return line.slice(path.length + 2);
    });
  }
  throw new Error(`no error for:\n${text}`);
}

const load = (text: string, env: NodeJS.ProcessEnv = {}): Config => loadConfig(configFile(text), env);

const DEFAULTS = {
  server: {
    host: '127.0.0.1',
    port: 8090,
    read_timeout: 30_000,
    write_timeout: 300_000,
    shutdown_timeout: 10_000,
    body_limit: '1mb',
    unit_timeout: 1_800_000,
    queue_maintenance: 30_000,
    unit_retries: 3,
  },
  database: { url: '', host: '', port: 5432, name: 'algomatic', user: 'algomatic', password: '', ssl_mode: 'disable', pool_max_conns: 20 },
  engine: { max_workers: 0, db_batch_size: 500, timeframes: ['15Min', '1Hour', '1Day'], risk_profiles: ['low', 'medium', 'high'] },
  strategies: { registry_file: 'strategies.json' },
  logging: { level: 'info', format: 'auto' },
};

/** Every field's dotted path, e.g. server.port. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix === '' ? k : `${prefix}.${k}`));
}

describe('${ENV_VAR:default} interpolation', () => {
  it('takes the variable when set, else the default, else nothing', () => {
    const env = { SET: 'value', EMPTY: '' };
    expect(interpolate('${SET:fallback}', env)).toBe('value');
    expect(interpolate('${UNSET:fallback}', env)).toBe('fallback');
    expect(interpolate('${UNSET}', env)).toBe('');
    expect(interpolate('${UNSET:}', env)).toBe('');
    // an empty variable counts as unset, like ${VAR:-default} in a shell
    expect(interpolate('${EMPTY:fallback}', env)).toBe('fallback');
  });

  it('works inside text, in lists and in nested mappings, and leaves other values alone', () => {
    const env = { HOST: 'db.internal', TF: '1Day' };
    expect(interpolate('postgres://${HOST:localhost}:${PORT:5432}/x', env)).toBe('postgres://db.internal:5432/x');
    expect(interpolate({ a: { b: ['${TF}', '1Hour'] }, n: 3, t: true, z: null }, env)).toEqual({ a: { b: ['1Day', '1Hour'] }, n: 3, t: true, z: null });
    expect(interpolate('no ${placeholder here', env)).toBe('no ${placeholder here');
  });

  it('gives numbers, durations and lists from text', () => {
    const config = load(
      [
        'server:',
        '  port: ${PORT:8100}',
        '  read_timeout: ${READ:45s}',
        '  shutdown_timeout: ${SHUTDOWN}',
        '  unit_retries: ${RETRIES:5}',
        'database:',
        '  host: ${DB_HOST:localhost}',
        '  port: ${DB_PORT:5432}',
        '  password: ${DB_PASSWORD}',
        '  pool_max_conns: ${POOL:}',
        'engine:',
        '  max_workers: ${WORKERS:2}',
        '  timeframes: ${TIMEFRAMES:15Min,1Hour}',
        '  risk_profiles: ["${PROFILE:medium}", high]',
        'logging:',
        '  level: ${LOG_LEVEL:warn}',
      ].join('\n'),
      { PORT: '9000', SHUTDOWN: '2.5', DB_PORT: '6543', DB_PASSWORD: 's3cret', TIMEFRAMES: '1Day, 1Hour ,1Day', LOG_LEVEL: 'debug' },
    );
    expect(config.server.port).toBe(9000);
    expect(config.server.read_timeout).toBe(45_000);
    expect(config.server.shutdown_timeout).toBe(2500);
    expect(config.server.unit_retries).toBe(5);
    expect(config.database).toMatchObject({ host: 'localhost', port: 6543, password: 's3cret', pool_max_conns: 20 });
    expect(config.engine).toMatchObject({ max_workers: 2, timeframes: ['1Day', '1Hour'], risk_profiles: ['medium', 'high'] });
    expect(config.logging.level).toBe('debug');
  });

  it('reads every duration unit', () => {
    const config = load('server:\n  read_timeout: 250ms\n  write_timeout: 5m\n  unit_timeout: 1h\n  shutdown_timeout: 0\n  queue_maintenance: 1.5\n');
    expect(config.server).toMatchObject({ read_timeout: 250, write_timeout: 300_000, unit_timeout: 3_600_000, shutdown_timeout: 0, queue_maintenance: 1500 });
  });
});

describe('defaults', () => {
  it('are the design document values when there is no config file', () => {
    expect(defaultConfig()).toEqual(DEFAULTS);
    const dir = mkdtempSync(join(tmpdir(), 'probe-no-config-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(loadConfig(undefined, { DB_HOST: 'ignored', DB_PASSWORD: 'ignored' })).toEqual(DEFAULTS);
      writeFileSync(join(dir, 'config.yaml'), 'server:\n  port: 9100\n');
      expect(loadConfig(undefined, {}).server.port).toBe(9100);
    } finally {
      process.chdir(cwd);
    }
  });

  it('fill whatever an empty file, empty sections or empty fields leave out', () => {
    expect(load('')).toEqual(DEFAULTS);
    expect(load('server:\ndatabase:\nengine: {}\nlogging:\n  level:\n')).toEqual(DEFAULTS);
    expect(load('server:\n  port: 9001\n')).toEqual({ ...DEFAULTS, server: { ...DEFAULTS.server, port: 9001 } });
  });

  it('are what config.example.yaml gives with no environment, and it documents every field', () => {
    const example = resolve(ROOT, 'config.example.yaml');
    expect(loadConfig(example, {})).toEqual(DEFAULTS);
    const raw = parse(readFileSync(example, 'utf8')) as unknown;
    const documented = leafPaths(raw);
    for (const path of leafPaths(DEFAULTS)) expect(documented, path).toContain(path);
    expect(documented.sort()).toEqual(leafPaths(DEFAULTS).sort());
  });

  it('a named file that does not exist is an error', () => {
    expect(() => loadConfig('/nonexistent/config.yaml', {})).toThrow(new ConfigError('config file /nonexistent/config.yaml does not exist'));
  });
});

describe('validation names the path, the value and what was expected', () => {
  const cases: [string, string, string][] = [
    ['server:\n  host: ""', 'server.host', 'server.host: expected a host name or IP address (value: "")'],
    ['server:\n  port: abc', 'server.port', 'server.port: expected an integer from 0 to 65535 (value: "abc")'],
    ['server:\n  port: 70000', 'server.port', 'server.port: expected an integer from 0 to 65535 (value: 70000)'],
    ['server:\n  port: 80.5', 'server.port', 'server.port: expected an integer from 0 to 65535 (value: 80.5)'],
    ['server:\n  read_timeout: soon', 'server.read_timeout', 'server.read_timeout: expected a positive duration such as 30s, 5m or 250ms (a bare number is seconds) (value: "soon")'],
    ['server:\n  read_timeout: 0s', 'server.read_timeout', 'server.read_timeout: expected a positive duration such as 30s, 5m or 250ms (a bare number is seconds) (value: "0s")'],
    ['server:\n  write_timeout: 5 days', 'server.write_timeout', 'server.write_timeout: expected a positive duration such as 30s, 5m or 250ms (a bare number is seconds) (value: "5 days")'],
    ['server:\n  shutdown_timeout: -1', 'server.shutdown_timeout', 'server.shutdown_timeout: expected a duration such as 30s, 5m or 250ms (a bare number is seconds) (value: -1)'],
    ['server:\n  body_limit: 1gb', 'server.body_limit', 'server.body_limit: expected a size such as 1mb or 256kb (value: "1gb")'],
    ['server:\n  unit_timeout: [1]', 'server.unit_timeout', 'server.unit_timeout: expected a positive duration such as 30s, 5m or 250ms (a bare number is seconds) (value: [1])'],
    ['server:\n  queue_maintenance: "0"', 'server.queue_maintenance', 'server.queue_maintenance: expected a positive duration such as 30s, 5m or 250ms (a bare number is seconds) (value: "0")'],
    ['server:\n  unit_retries: -1', 'server.unit_retries', 'server.unit_retries: expected an integer from 0 to 1000 (value: -1)'],
    ['database:\n  url: mysql://localhost/x', 'database.url', 'database.url: expected a connection string such as postgres://user@host:5432/name (value: "mysql://localhost/x")'],
    ['database:\n  host: 5', 'database.host', 'database.host: expected a string (value: 5)'],
    ['database:\n  port: 0', 'database.port', 'database.port: expected an integer from 1 to 65535 (value: 0)'],
    ['database:\n  name: ""', 'database.name', 'database.name: expected a non-empty string (value: "")'],
    ['database:\n  user: [a]', 'database.user', 'database.user: expected a non-empty string (value: ["a"])'],
    ['database:\n  ssl_mode: on', 'database.ssl_mode', 'database.ssl_mode: expected one of disable, prefer, require, verify-ca, verify-full (value: "on")'],
    ['database:\n  pool_max_conns: "0"', 'database.pool_max_conns', 'database.pool_max_conns: expected an integer from 1 to 10000 (value: "0")'],
    ['engine:\n  max_workers: many', 'engine.max_workers', 'engine.max_workers: expected an integer from 0 to 1024 (value: "many")'],
    ['engine:\n  db_batch_size: 0', 'engine.db_batch_size', 'engine.db_batch_size: expected an integer from 1 to 1000000 (value: 0)'],
    ['engine:\n  timeframes: []', 'engine.timeframes', 'engine.timeframes: expected a non-empty list of timeframes (value: [])'],
    ['engine:\n  timeframes: [1Hour, hourly]', 'engine.timeframes[1]', 'engine.timeframes[1]: expected a timeframe like 15Min, 1Hour or 1Day (value: "hourly")'],
    ['engine:\n  risk_profiles: {low: 1}', 'engine.risk_profiles', 'engine.risk_profiles: expected a non-empty list of risk profiles (value: {"low":1})'],
    ['engine:\n  risk_profiles: [low, extreme]', 'engine.risk_profiles[1]', 'engine.risk_profiles[1]: expected a risk profile (low, medium, high) (value: "extreme")'],
    ['strategies:\n  registry_file: ""', 'strategies.registry_file', 'strategies.registry_file: expected a file name (value: "")'],
    ['logging:\n  level: verbose', 'logging.level', 'logging.level: expected one of debug, info, warn, error (value: "verbose")'],
    ['logging:\n  format: text', 'logging.format', 'logging.format: expected one of auto, json, pretty (value: "text")'],
    ['server: 8090', 'server', 'server: expected a mapping of host, port, read_timeout, write_timeout, shutdown_timeout, body_limit, unit_timeout, queue_maintenance, unit_retries (value: 8090)'],
    ['database: [a]', 'database', 'database: expected a mapping of url, host, port, name, user, password, ssl_mode, pool_max_conns (value: ["a"])'],
    ['engine: x', 'engine', 'engine: expected a mapping of max_workers, db_batch_size, timeframes, risk_profiles (value: "x")'],
    ['strategies: 1', 'strategies', 'strategies: expected a mapping of registry_file (value: 1)'],
    ['logging: debug', 'logging', 'logging: expected a mapping of level, format (value: "debug")'],
    ['server:\n  prot: 8090', 'server.prot', 'server.prot: unknown field (expected one of host, port, read_timeout, write_timeout, shutdown_timeout, body_limit, unit_timeout, queue_maintenance, unit_retries) (value: 8090)'],
    ['loging:\n  level: info', 'loging', 'loging: unknown field (expected one of server, database, engine, strategies, logging) (value: {"level":"info"})'],
    ['- server', '(root)', 'expected a mapping of server, database, engine, strategies, logging'],
  ];

  it.each(cases)('%s -> %s', (text, _path, message) => {
    expect(problems(text)).toEqual([message]);
  });

  it('names the value after interpolation, and the variable it came from', () => {
    expect(problems('server:\n  port: ${PROBE_PORT:8090}\n', { PROBE_PORT: 'abc' })).toEqual(['server.port: expected an integer from 0 to 65535 (value: "abc" from PROBE_PORT)']);
    expect(problems('server:\n  port: ${PROBE_PORT:abc}\n')).toEqual(['server.port: expected an integer from 0 to 65535 (value: "abc")']);
    expect(problems('engine:\n  timeframes: ${TIMEFRAMES:1Day}\n', { TIMEFRAMES: '1Day,daily' })).toEqual([
      'engine.timeframes[1]: expected a timeframe like 15Min, 1Hour or 1Day (value: "daily" from TIMEFRAMES)',
    ]);
    expect(problems('logging:\n  level: ${LOG_LEVEL:info}\n', { LOG_LEVEL: 'loud' })).toEqual([
      'logging.level: expected one of debug, info, warn, error (value: "loud" from LOG_LEVEL)',
    ]);
  });

  it('reports every problem at once', () => {
    expect(problems('server:\n  port: x\nlogging:\n  level: loud\n  format: xml\n')).toEqual([
      'server.port: expected an integer from 0 to 65535 (value: "x")',
      'logging.level: expected one of debug, info, warn, error (value: "loud")',
      'logging.format: expected one of auto, json, pretty (value: "xml")',
    ]);
  });

  it('reports invalid YAML', () => {
    expect(problems('server:\n  port: [8090\n')[0]).toMatch(/^not valid YAML: /);
  });

  it('is what probe prints, with exit code 2', async () => {
    const { probe } = await import('../support/cli.js');
    const path = configFile('server:\n  port: abc\n');
    const run = await probe(['strategies', 'list', '--config', path]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`error: ${path}: server.port: expected an integer from 0 to 65535 (value: "abc")\n`);
  });
});

describe('secrets come only from the environment', () => {
  it('refuses a literal password, and never prints it', () => {
    const lines = problems('database:\n  password: hunter2\n');
    expect(lines).toEqual([
      'database.password: a password must come from the environment, e.g. password: ${DB_PASSWORD} (a literal value or a default in the file is refused; value hidden)',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('refuses a password that is not text, and a default password inside the placeholder', () => {
    expect(problems('database:\n  password: 123456\n')[0]).toMatch(/^database\.password: a password must come from the environment/);
    expect(problems('database:\n  password: ${DB_PASSWORD:hunter2}\n')[0]).toMatch(/^database\.password: a password must come from the environment/);
    expect(problems('database:\n  password: pre${DB_PASSWORD}\n')[0]).toMatch(/^database\.password: a password must come from the environment/);
  });

  it('refuses a literal password inside database.url', () => {
    const lines = problems('database:\n  url: postgres://probe:hunter2@db/algomatic\n');
    expect(lines).toEqual([
      'database.url: must not contain a literal password; use url: ${DATABASE_URL}, or the password field with ${DB_PASSWORD} (value hidden)',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('takes them from the environment', () => {
    expect(load('database:\n  password: ${DB_PASSWORD}\n', { DB_PASSWORD: 'hunter2' }).database.password).toBe('hunter2');
    expect(load('database:\n  password: ${DB_PASSWORD:}\n', {}).database.password).toBe('');
    expect(load('database:\n  url: postgres://probe:${DB_PASSWORD}@db/algomatic\n', { DB_PASSWORD: 'pw' }).database.url).toBe('postgres://probe:pw@db/algomatic');
    expect(load('database:\n  url: ${DATABASE_URL}\n', { DATABASE_URL: 'postgres://a:b@h/x' }).database.url).toBe('postgres://a:b@h/x');
  });

  it('never prints a secret from the environment in an error', () => {
    expect(problems('database:\n  url: ${DATABASE_URL}\n', { DATABASE_URL: 'mysql://probe:hunter2@h/x' })).toEqual([
      'database.url: expected a connection string such as postgres://user@host:5432/name (value: "mysql://probe:***@h/x" from DATABASE_URL)',
    ]);
  });
});

describe('LOG_LEVEL and LOG_FORMAT', () => {
  /** loadConfig(undefined, env) in a folder without config.yaml. */
  function withoutFile(env: NodeJS.ProcessEnv): Config {
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'probe-no-config-')));
    try {
      return loadConfig(undefined, env);
    } finally {
      process.chdir(cwd);
    }
  }

  /** The message of the ConfigError `load` throws. */
  function refusal(load: () => unknown): string {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('no error');
  }

  it('apply without a config file', () => {
    expect(withoutFile({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }).logging).toEqual({ level: 'warn', format: 'json' });
    expect(withoutFile({ LOG_FORMAT: 'pretty' }).logging).toEqual({ level: 'info', format: 'pretty' });
    expect(withoutFile({ LOG_LEVEL: '', LOG_FORMAT: '' }).logging).toEqual({ level: 'info', format: 'auto' });
    expect(withoutFile({ LOG_LEVEL: 'debug' })).toEqual({ ...DEFAULTS, logging: { level: 'debug', format: 'auto' } });
  });

  it('apply where a config file leaves the field out or empty; a value written in the file wins', () => {
    const env = { LOG_LEVEL: 'error', LOG_FORMAT: 'json' };
    expect(load('server:\n  port: 9001\n', env).logging).toEqual({ level: 'error', format: 'json' });
    expect(load('logging:\n  level:\n', env).logging).toEqual({ level: 'error', format: 'json' });
    expect(load('logging:\n  level: debug\n  format: pretty\n', env).logging).toEqual({ level: 'debug', format: 'pretty' });
    expect(load('logging:\n  format: ${LOG_FORMAT:pretty}\n', env).logging).toEqual({ level: 'error', format: 'json' });
  });

  it('are refused when invalid, naming the variable and the value', () => {
    expect(refusal(() => withoutFile({ LOG_LEVEL: 'verbose' }))).toBe('LOG_LEVEL (logging.level): expected one of debug, info, warn, error (value: "verbose")');
    expect(refusal(() => withoutFile({ LOG_LEVEL: 'loud', LOG_FORMAT: 'text' }))).toBe(
      [
        'LOG_LEVEL (logging.level): expected one of debug, info, warn, error (value: "loud")',
        'LOG_FORMAT (logging.format): expected one of auto, json, pretty (value: "text")',
      ].join('\n'),
    );
    expect(refusal(() => load('server:\n  port: 9001\n', { LOG_FORMAT: 'JSON' }))).toBe(
      'LOG_FORMAT (logging.format): expected one of auto, json, pretty (value: "JSON")',
    );
  });

  it('an invalid one stops probe with exit code 2, without a config file', async () => {
    const { probe } = await import('../support/cli.js');
    const run = await probe(['backtest', '--data', '.', '--symbol', 'SYNTH', '--out', join(tmpdir(), 'probe-never-written')], { LOG_LEVEL: 'chatty' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: LOG_LEVEL (logging.level): expected one of debug, info, warn, error (value: "chatty")\n');
  });
});
