import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import type { LoggingConfig } from '../../runtime/config/config.js';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { PROGRESS_INTERVAL_MS, etaText, progressFigures, progressInterval, progressLog, rateText } from '../../runtime/cli/progress.js';
import { createLogger, fastifyLoggerOptions, formatFor } from '../../runtime/logger.js';
import { buildServer, strategyInfos } from '../../runtime/service/http/server.js';
import { probe } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { FakeRunService } from '../support/fake-run-service.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

type Line = Record<string, unknown>;

/** A stream collecting the lines a logger writes. */
function sink(): Writable & { text(): string; lines(): Line[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, {
    text: () => text,
    lines: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line),
  });
}

/** The JSON log lines of a command's stderr (other lines are its messages). */
const logLines = (stderr: string): Line[] => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);

const JSON_INFO: LoggingConfig = { level: 'info', format: 'json' };
const TOKEN = 'tok-3f9a7c1e55';

describe('the logger', () => {
  it('writes JSON lines at the configured level and above', () => {
    const out = sink();
    const log = createLogger({ level: 'warn', format: 'json' }, out);
    log.info('not shown');
    log.warn({ n: 3 }, 'shown');
    log.error('also shown');
    expect(out.lines().map((l) => [l.level, l.msg, l.n])).toEqual([
      ['warn', 'shown', 3],
      ['error', 'also shown', undefined],
    ]);
    expect(out.lines()[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('never writes a password, token or authorization field, nor the password of a connection string', () => {
    const out = sink();
    const log = createLogger(JSON_INFO, out);
    log.info(
      {
        password: 'hunter2',
        token: TOKEN,
        authorization: `Bearer ${TOKEN}`,
        headers: { authorization: `Bearer ${TOKEN}` },
        db: { password: 'hunter2', connectionString: 'postgres://probe:hunter2@db:5432/algomatic' },
        request: { headers: { authorization: TOKEN } },
        url: 'postgres://probe:hunter2@db/algomatic',
      },
      'cannot use the database at postgres://probe:hunter2@db:5432/algomatic',
    );
    log.child({ token: TOKEN }).warn('child');
    const text = out.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(TOKEN);
    const [first] = out.lines();
    expect(first).toMatchObject({
      password: '[redacted]',
      token: '[redacted]',
      authorization: '[redacted]',
      headers: { authorization: '[redacted]' },
      db: { password: '[redacted]', connectionString: 'postgres://probe:***@db:5432/algomatic' },
      url: 'postgres://probe:***@db/algomatic',
      msg: 'cannot use the database at postgres://probe:***@db:5432/algomatic',
    });
  });

  it('formats lines with pino-pretty when format is pretty', () => {
    const out = sink();
    const log = createLogger({ level: 'info', format: 'pretty' }, out);
    log.info({ combinations: 6, password: 'hunter2' }, 'run finished');
    const text = out.text();
    expect(text).toMatch(/INFO.*run finished/);
    expect(text).toContain('"combinations":6');
    expect(text).not.toContain('hunter2');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('formats lines as JSON in format auto when they do not go to a terminal', () => {
    const out = sink();
    createLogger({ level: 'info', format: 'auto' }, out).info({ n: 1 }, 'plain');
    expect(out.lines()).toMatchObject([{ level: 'info', msg: 'plain', n: 1 }]);
  });

  it('takes format auto as pretty when stderr is a terminal, JSON otherwise; json and pretty as they are', () => {
    const formats = (isTTY: boolean): string[] => {
      const was = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
      try {
        return [formatFor('auto'), formatFor('auto', 2), formatFor('json'), formatFor('pretty'), formatFor('auto', sink())];
      } finally {
        if (was) Object.defineProperty(process.stderr, 'isTTY', was);
        else delete (process.stderr as { isTTY?: boolean }).isTTY;
      }
    };
    expect(formats(true)).toEqual(['pretty', 'pretty', 'json', 'pretty', 'json']);
    expect(formats(false)).toEqual(['json', 'json', 'json', 'pretty', 'json']);
  });

  it("logs an HTTP request's lines at debug only, and failures at every level", async () => {
    const run = async (level: LoggingConfig['level']): Promise<Line[]> => {
      const out = sink();
      const app = buildServer({
        service: new FakeRunService({ strategyIds: STRATEGIES.map((s) => s.id) }),
        version: '0.0.0',
        token: TOKEN,
        bodyLimit: 1024,
        requestTimeoutMs: 1000,
        strategies: strategyInfos(),
        logger: fastifyLoggerOptions({ level, format: 'json' }, out),
      });
      await app.inject({ method: 'GET', url: '/api/v1/strategies', headers: { authorization: `Bearer ${TOKEN}` } });
      await app.close();
      expect(out.text()).not.toContain(TOKEN);
      return out.lines();
    };
    const info = await run('info');
    expect(info.filter((l) => l.reqId !== undefined)).toEqual([]);
    const debug = await run('debug');
    expect(debug.filter((l) => l.reqId !== undefined).map((l) => [l.level, l.msg])).toEqual([
      ['debug', 'incoming request'],
      ['debug', 'request completed'],
    ]);
  });
});

describe('probe backtest logs its start and finish on stderr', () => {
  it('with the counts and seconds, stdout staying the summary', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'probe-log-')), 'out');
    const run = await probe(
      ['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', out, '--timeframes', '1Day', '--strategies', '1,2', '--risk-profiles', 'low,high', '--workers', '1'],
      { DATABASE_URL: 'postgres://probe:hunter2@db/algomatic', PROBE_API_TOKEN: TOKEN },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^4 combinations: \d+ trades -> .*\n$/);
    const lines = logLines(run.stderr);
    expect(lines).toHaveLength(2);
    const [start, finish] = lines;
    expect(start).toMatchObject({ level: 'info', command: 'backtest', event: 'run_start', symbols: 1, timeframes: 1, strategies: 2, profiles: 2, combinations: 4 });
    expect(finish).toMatchObject({ level: 'info', command: 'backtest', event: 'run_finish', symbols: 1, timeframes: 1, strategies: 2, profiles: 2, combinations: 4 });
    const [, trades, rows] = /^4 combinations: (\d+) trades -> .*, (\d+) result rows/.exec(run.stdout)!;
    expect(finish!.trades).toBe(Number(trades));
    expect(finish!.result_rows).toBe(Number(rows));
    expect(typeof finish!.seconds).toBe('number');
    expect(run.stderr + run.stdout).not.toContain('hunter2');
    expect(run.stderr + run.stdout).not.toContain(TOKEN);
  });

  it('in the format and at the level of the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-log-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'logging:\n  level: ${LOG_LEVEL:info}\n  format: pretty\nengine:\n  timeframes: [1Day]\n  risk_profiles: [medium]\n');
    const args = ['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', join(dir, 'out'), '--timeframes', '1Day', '--strategies', '3', '--config', config];
    const pretty = await probe(args);
    expect(pretty.status, pretty.stderr).toBe(0);
    expect(pretty.stdout).toMatch(/^1 combinations: /);
    expect(pretty.stderr).toMatch(/INFO.*backtest SYNTH: 1Day x 1 strategies x medium \(1 combinations\)/);
    expect(pretty.stderr).toMatch(/INFO.*backtest SYNTH finished: 1 combinations/);
    const quiet = await probe(args, { LOG_LEVEL: 'warn' });
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});

describe('probe run logs its start and finish on stderr', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase({ schema: true });
    await importBars(db.pool, 'SYNTH', '1Day', readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv')));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('with the counts and seconds, and no password or token even when DATABASE_URL has one', async () => {
    const password = decodeURIComponent(new URL(db.url).password);
    expect(password).not.toBe('');
    const run = await probe(
      ['run', '--symbols', 'synth', '--timeframes', '1Day', '--strategies', '1,2', '--risk-profiles', 'low,high', '--workers', '1', '--run-id', 'logged', '--persist-trades'],
      { DATABASE_URL: db.url, PROBE_API_TOKEN: TOKEN, DB_PASSWORD: password },
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = logLines(run.stderr);
    expect(lines.map((l) => l.event)).toEqual(['run_start', 'run_finish']);
    const [start, finish] = lines;
    const counts = { symbols: 1, timeframes: 1, strategies: 2, profiles: 2, combinations: 4 };
    expect(start).toMatchObject({ level: 'info', command: 'run', run_id: 'logged', ...counts, workers: 1 });
    expect(start!.database).toContain(':***@');
    expect(finish).toMatchObject({ level: 'info', command: 'run', run_id: 'logged', ...counts, combinations_run: 4, resumed: 0, persist_trades: true });
    const { rows } = await db.pool.query<{ results: number; trades: number }>(
      `SELECT (SELECT count(*)::int FROM strategy_probe_results WHERE run_id = 'logged') AS results,
              (SELECT count(*)::int FROM strategy_probe_trades t JOIN strategy_probe_results r ON r.id = t.strategy_probe_result_id WHERE r.run_id = 'logged') AS trades`,
    );
    expect(finish!.result_rows).toBe(rows[0]!.results);
    expect(finish!.trades).toBe(rows[0]!.trades);
    expect(rows[0]!.trades).toBeGreaterThan(0);
    expect(typeof finish!.seconds).toBe('number');
    expect(run.stdout).toMatch(/^run logged: 4 combinations run; /);
    for (const secret of [password, encodeURIComponent(password), TOKEN]) {
      expect(run.stderr).not.toContain(secret);
      expect(run.stdout).not.toContain(secret);
    }
  });
});

describe('progress off a terminal', () => {
  /** progressLog on a clock the test moves. */
  function reporter(intervalMs: number): { out: ReturnType<typeof sink>; at: (ms: number, done: number, total: number) => void } {
    const out = sink();
    let now = 1_000_000;
    const progress = progressLog('backtest', createLogger(JSON_INFO, out), intervalMs, () => now);
    return { out, at: (ms, done, total) => ((now = 1_000_000 + ms), progress.update(done, total)) };
  }

  it('logs done/total, the rate and the time left once per interval, measured from the first report', () => {
    const { out, at } = reporter(10_000);
    at(0, 0, 100);
    at(4_000, 10, 100);
    at(9_999, 15, 100);
    expect(out.lines()).toEqual([]);
    at(10_000, 20, 100);
    at(15_000, 30, 100);
    at(20_500, 80, 100);
    expect(out.lines().map(({ level, event, done, total, percent, per_second, eta_seconds, msg }) => ({ level, event, done, total, percent, per_second, eta_seconds, msg }))).toEqual([
      { level: 'info', event: 'progress', done: 20, total: 100, percent: 20, per_second: 2, eta_seconds: 40, msg: 'backtest: 20/100 combinations (20%), 2.0/s, ETA 40s' },
      // 80 in 20.5 s: 3.9/s, 20 left take 5.125 s
      { level: 'info', event: 'progress', done: 80, total: 100, percent: 80, per_second: 3.9, eta_seconds: 6, msg: 'backtest: 80/100 combinations (80%), 3.9/s, ETA 6s' },
    ]);
  });

  it('logs nothing once all is done, and counts the rate from what was done at the first report', () => {
    const { out, at } = reporter(1_000);
    at(0, 50, 100);
    at(5_000, 100, 100);
    expect(out.lines()).toEqual([]);
    const resumed = reporter(1_000);
    resumed.at(0, 50, 100);
    resumed.at(5_000, 75, 100);
    expect(resumed.out.lines()).toMatchObject([{ done: 75, per_second: 5, eta_seconds: 5 }]);
  });

  it('figures the rate and the time left, unknown before anything was done', () => {
    expect(progressFigures(0, 900, 0, 2_000)).toEqual({ percent: 0, perSecond: undefined, etaSeconds: undefined });
    expect(progressFigures(300, 900, 0, 2_000)).toEqual({ percent: 33, perSecond: 150, etaSeconds: 4 });
    expect([rateText(undefined), rateText(2.345), rateText(150.4)]).toEqual(['-/s', '2.3/s', '150/s']);
    expect([etaText(undefined), etaText(0), etaText(41.2), etaText(185), etaText(3_725)]).toEqual(['ETA -', 'ETA 0s', 'ETA 42s', 'ETA 3m05s', 'ETA 1h02m']);
  });

  it('takes its interval from PROBE_PROGRESS_INTERVAL_MS, warning about a bad one', () => {
    const out = sink();
    const log = createLogger(JSON_INFO, out);
    expect(progressInterval({}, log)).toBe(PROGRESS_INTERVAL_MS);
    expect(progressInterval({ PROBE_PROGRESS_INTERVAL_MS: '250' }, log)).toBe(250);
    expect(out.lines()).toEqual([]);
    expect(progressInterval({ PROBE_PROGRESS_INTERVAL_MS: '0' }, log)).toBe(PROGRESS_INTERVAL_MS);
    expect(progressInterval({ PROBE_PROGRESS_INTERVAL_MS: 'soon' }, log)).toBe(PROGRESS_INTERVAL_MS);
    expect(out.lines().map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'PROBE_PROGRESS_INTERVAL_MS: expected a positive whole number of milliseconds (value: "0"); logging progress every 10 s'],
      ['warn', 'PROBE_PROGRESS_INTERVAL_MS: expected a positive whole number of milliseconds (value: "soon"); logging progress every 10 s'],
    ]);
  });
});
