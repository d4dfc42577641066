import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 as prng } from '../../runtime/input/random.js';
import { DATE_PATTERN, ERROR_CODES, RUN_ID_PATTERN, SYMBOL_PATTERN, TIMEFRAME_PATTERN } from '../../runtime/service/http/schemas.js';
import { buildServer } from '../../runtime/service/http/server.js';
import { strategyInfos } from '../../runtime/registry/strategy-info.js';
import { FakeRunService } from '../support/fake-run-service.js';

/**
 * A bounded, deterministic fuzz of malformed requests over real HTTP: each
 * must get a 4xx (never a 5xx) in the API's error shape, and the server must
 * still be healthy afterwards. The seed and case index are in every failure.
 */

/** FUZZ_SEED=n explores other cases; the default keeps runs reproducible. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_2026);
const CASES = Number(process.env.FUZZ_CASES ?? 500);
const BODY_LIMIT = 32 * 1024;
const TOKEN = 'fuzz-token';
const STRATEGIES = strategyInfos();


const random = prng(SEED);
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
const chance = (p: number): boolean => random() < p;

const INJECTIONS = [
  "'; DROP TABLE tickers; --",
  '" OR 1=1 --',
  "1' UNION SELECT password FROM pg_shadow --",
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '${7*7}',
  '{{7*7}}',
  '%00',
  '\u0000',
  '\u202e',
  'AAPL\r\nX-Injected: 1',
  '$(rm -rf /)',
  '`id`',
  '__proto__',
  'constructor',
  '😀',
  'ＡＡＰＬ',
  '',
  ' ',
  'NaN',
  '-1',
  '1e309',
];

/** Too long for any field: `min` to `max` characters (whole code points, so it always encodes). */
function longString(min = 21, max = 5000): string {
  return pick(['A', 'x', '9', '<', "'", '😀']).repeat(int(min, max));
}

function junkValue(depth = 0): unknown {
  switch (int(0, depth > 2 ? 5 : 8)) {
    case 0:
      return pick(INJECTIONS);
    case 1:
      return int(-1e6, 1e6) * (chance(0.5) ? 1 : 0.37);
    case 2:
      return chance(0.5);
    case 3:
      return null;
    case 4:
      return longString();
    case 5:
      return pick([Number.MAX_SAFE_INTEGER, -0, 1e308, 2 ** 31, -(2 ** 31)]);
    case 6:
      return Array.from({ length: int(0, 5) }, () => junkValue(depth + 1));
    case 7:
      return Object.fromEntries(Array.from({ length: int(0, 4) }, () => [pick(INJECTIONS), junkValue(depth + 1)]));
    default:
      return { symbols: junkValue(depth + 1) };
  }
}

function validBody(): Record<string, unknown> {
  return {
    symbols: ['AAPL', 'SPY'].slice(0, int(1, 2)),
    timeframes: ['1Hour'],
    risk_profiles: ['low', 'high'],
    strategy_ids: [1, 2],
    start_date: '2025-01-01',
    end_date: '2025-06-30',
    persist_trades: false,
    run_id: `fuzz-${int(0, 1e6)}`,
  };
}

/** A value of a type `field` (or, with `item`, an item of that array field) does not take. */
function wrongType(field: string, item = false): unknown {
  const nullable = !item && ['strategy_ids', 'start_date', 'end_date', 'run_id'].includes(field);
  const options: unknown[] = [-1.5, { a: 1 }, [[]], [{}], [null], [true]];
  if (!nullable) options.push(null);
  if (field !== 'persist_trades') options.push(true, false);
  // a small integer is a valid strategy id, a word a valid run id
  if (!(item && field === 'strategy_ids')) options.push(42);
  if (field !== 'run_id') options.push('text');
  return pick(options);
}

interface Case {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
  /** True when any status below 500 will do (a random request may happen to be valid). */
  readonly anyStatus?: boolean;
}

const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_TYPE = { 'content-type': 'application/json' };

function postRuns(body: string | Buffer, kind: string, headers: Record<string, string> = JSON_TYPE): Case {
  return { kind, method: 'POST', path: '/api/v1/runs', headers: { ...AUTH, ...headers }, body };
}

const GENERATORS: readonly (() => Case)[] = [
  // bad JSON
  () => {
    const text = JSON.stringify(validBody());
    const broken = pick([
      text.slice(0, int(1, text.length - 1)),
      text.replace(/"/g, "'"),
      text.replace('}', ',}'),
      `${text}${text}`,
      text.replace(':', ''),
      `// comment\n${text}`,
      `\uFEFF\uFEFF${text}`,
      text.replace('false', 'NaN'),
      text.replace('[', '[,'),
      '{"symbols": ["AAPL"], "symbols": ',
      '{{{{',
      ']',
      'null',
      'undefined',
      '"just a string"',
      '12345',
      'true',
    ]);
    return postRuns(broken, 'bad JSON');
  },
  () => postRuns(Buffer.from(Array.from({ length: int(1, 300) }, () => int(0, 255))), 'random bytes'),
  () => postRuns(Buffer.concat([Buffer.from('{"symbols":["'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"]}')]), 'invalid UTF-8'),
  () => postRuns('{"symbols":["AAPL"],"__proto__":{"polluted":true}}', 'prototype pollution'),
  () => postRuns('{"symbols":["AAPL"],"constructor":{"prototype":{"polluted":true}}}', 'constructor pollution'),
  // wrong types
  () => {
    const body = validBody();
    const field = pick(Object.keys(body));
    body[field] = wrongType(field);
    return postRuns(JSON.stringify(body), `wrong type for ${field}`);
  },
  () => {
    const body = validBody();
    const field = pick(['symbols', 'timeframes', 'risk_profiles', 'strategy_ids']);
    body[field] = [...(body[field] as unknown[]), wrongType(field, true)];
    return postRuns(JSON.stringify(body), `wrong item type in ${field}`);
  },
  () => postRuns(JSON.stringify(junkValue()), 'junk body'),
  () => {
    const body = validBody();
    // (assigning __proto__ would set the prototype, not add a key)
    const keys = INJECTIONS.filter((s) => s !== '' && s !== '__proto__').concat(['symbol', 'riskProfiles', 'RUN_ID', 'extra']);
    body[pick(keys)] = junkValue();
    return postRuns(JSON.stringify(body), 'unknown field');
  },
  // huge arrays
  () => {
    const body = validBody();
    const field = pick(['symbols', 'timeframes', 'risk_profiles', 'strategy_ids']);
    const limits: Record<string, [number, unknown]> = { symbols: [101, 'AAPL'], timeframes: [21, '1Hour'], risk_profiles: [11, 'low'], strategy_ids: [1001, 1] };
    const [min, item] = limits[field]!;
    body[field] = Array.from({ length: int(min, min * (chance(0.3) ? 40 : 2)) }, () => item);
    return postRuns(JSON.stringify(body), `huge ${field}`);
  },
  () => postRuns(JSON.stringify({ symbols: ['AAPL'], pad: 'x'.repeat(BODY_LIMIT + int(1, 5000)) }), 'over the body limit'),
  // deep nesting
  () => {
    const depth = int(100, 12_000);
    const open = chance(0.5) ? '['.repeat(depth) : '{"a":'.repeat(depth);
    const close = open.startsWith('[') ? ']'.repeat(depth) : '}'.repeat(depth);
    return postRuns(`{"symbols":${open}${chance(0.3) ? '{"__proto__":1}' : '1'}${close}}`, `nesting ${depth}`);
  },
  // long strings and injections in every slot
  () => {
    const body = validBody();
    const field = pick(['symbols', 'timeframes', 'run_id', 'start_date', 'end_date']);
    const pattern = new RegExp({ symbols: SYMBOL_PATTERN, timeframes: TIMEFRAME_PATTERN, run_id: RUN_ID_PATTERN }[field] ?? DATE_PATTERN, 'u');
    // only the injections the field's pattern refuses ("NaN" is a fine run id)
    const value = chance(0.5) ? longString() : pick(INJECTIONS.filter((v) => !pattern.test(v)));
    body[field] = field === 'run_id' || field.endsWith('_date') ? value : [value];
    return postRuns(JSON.stringify(body), `bad string in ${field}`);
  },
  () => {
    const body = validBody();
    body.start_date = pick(['2025-13-01', '2025-02-30', '2025-1-1', '25-01-01', '2025-01-01T00:00:00Z', '2025/01/01', '0000-00-00']);
    return postRuns(JSON.stringify(body), 'bad date');
  },
  () => {
    const body = validBody();
    body.strategy_ids = [pick([0, -1, 101, 1e9, 2 ** 31, 1.5])];
    return postRuns(JSON.stringify(body), 'bad strategy id');
  },
  // content types
  () =>
    postRuns(JSON.stringify(validBody()), 'content type', {
      'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'json', '*/*']),
    }),
  () => postRuns(JSON.stringify(validBody()), 'no content type', {}),
  // path parameters
  () => {
    const value = chance(0.5) ? pick(INJECTIONS) : longString(51, 400);
    const encoded = encodeURIComponent(value);
    const route = pick(['/api/v1/runs/%s', '/api/v1/runs/%s/results', '/api/v1/strategies/%s']);
    return { kind: 'bad path parameter', method: route.endsWith('results') || chance(0.5) ? 'GET' : 'DELETE', path: route.replace('%s', encoded || '%20'), headers: AUTH };
  },
  // query strings
  () => {
    const params = new URLSearchParams();
    const names = ['symbol', 'timeframe', 'strategy_id', 'risk_profile', 'long_short', 'limit', 'offset'];
    const name = chance(0.8) ? pick(names) : pick(INJECTIONS.filter((s) => s !== '')) || 'x';
    const bad: Record<string, readonly string[]> = {
      limit: ['0', '10001', '-5', '1.5', 'abc', '', '1e3', '0x10', ' 7', '99999999999999999999'],
      offset: ['-1', 'x', '1.0', '', '2147483648'],
      strategy_id: ['0', 'one', '', '-3'],
      long_short: ['both', 'LONG', ''],
      risk_profile: ['extreme', ''],
    };
    const value = bad[name] ? pick(bad[name]!) : chance(0.5) ? pick(INJECTIONS) : longString(21, 300);
    params.append(name, value);
    const twice = chance(0.2);
    if (twice) params.append(name, value);
    // an injection string may happen to be a well-formed symbol ("NaN", "-1"): then any answer below 500 will do
    const maybeValid = name === 'symbol' && !twice && new RegExp(SYMBOL_PATTERN, 'u').test(value);
    return { kind: `bad query ${name}`, method: 'GET', path: `/api/v1/runs/known/results?${params.toString()}`, headers: AUTH, anyStatus: maybeValid };
  },
  () => ({
    kind: 'bad category',
    method: 'GET',
    path: `/api/v1/strategies?category=${encodeURIComponent(pick([...INJECTIONS.filter((s) => s !== ''), 'TREND', 'momentum']))}`,
    headers: AUTH,
  }),
  // authorization
  () => ({
    kind: 'bad token',
    method: pick(['GET', 'POST', 'DELETE']),
    path: pick(['/api/v1/runs', '/api/v1/runs/known', '/api/v1/strategies', '/api/v1/strategies/1', '/api/v1/nothing']),
    headers: pick<Record<string, string>>([{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }, { authorization: pick(INJECTIONS.filter((s) => !/[\r\n\u0000]/.test(s) && /^[\x20-\x7e]*$/.test(s))) }]),
  }),
  // a known path, a method it does not have
  () => ({
    kind: 'wrong method',
    method: pick(['PUT', 'PATCH', 'OPTIONS', 'TRACE']),
    path: pick(['/health', '/openapi.json', '/api/v1/runs', '/api/v1/runs/known', '/api/v1/runs/known/results', '/api/v1/strategies', '/api/v1/strategies/1']),
    headers: AUTH,
  }),
  // random paths, methods and query strings: anything but a 5xx
  () => {
    const segments = Array.from({ length: int(0, 6) }, () =>
      pick(['api', 'v1', 'runs', 'strategies', 'results', 'health', 'openapi.json', '..', '.', '', '%2e%2e', '%2F', '%zz', '%', encodeURIComponent(pick(INJECTIONS)), String(int(-5, 200))]),
    );
    const query = chance(0.5) ? `?${Array.from({ length: int(1, 4) }, () => `${encodeURIComponent(pick(INJECTIONS))}=${encodeURIComponent(pick(INJECTIONS))}`).join('&')}` : '';
    return {
      kind: 'random path',
      method: pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'MKCOL', 'SEARCH']),
      path: `/${chance(0.5) ? 'api/v1/' : ''}${segments.join('/')}${query}`,
      headers: chance(0.7) ? AUTH : {},
      anyStatus: true,
    };
  },
];

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function send(port: number, c: Case): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: c.method, path: c.path, headers: c.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // the server may answer (413) and close before reading a large body: the answer still counts
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      else setTimeout(() => reject(new Error(`no answer: ${error.code}`)), 2000).unref();
    });
    req.end(c.body);
  });
}

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
    socket.write(text);
    setTimeout(() => socket.end(), 300);
  });
}

const CODES = new Set<string>(ERROR_CODES);

function expectErrorShape(text: string, where: string): void {
  let parsed: unknown;
  expect(() => (parsed = JSON.parse(text)), `${where}: not JSON: ${text.slice(0, 200)}`).not.toThrow();
  const body = parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  expect(Object.keys(body), where).toEqual(['error']);
  expect(Object.keys(body.error!).sort(), where).toEqual(['code', 'details', 'message']);
  expect(CODES.has(body.error!.code as string), `${where}: code ${String(body.error!.code)}`).toBe(true);
  expect(typeof body.error!.message, where).toBe('string');
  expect((body.error!.message as string).length, where).toBeGreaterThan(0);
  expect(body.error!.details === null || typeof body.error!.details === 'object', where).toBe(true);
  expect(text, `${where}: leaks internals`).not.toMatch(/node_modules|\.ts:\d+|\bat [\w.]+ \(|FST_ERR|stack/);
}

describe('fuzz: malformed requests over real HTTP', () => {
  let app: FastifyInstance;
  let port: number;
  let service: FakeRunService;
  const logs: string[] = [];

  beforeAll(async () => {
    service = new FakeRunService({ strategyIds: STRATEGIES.map((s) => s.id) });
    app = buildServer({
      service,
      version: '0.0.0-fuzz',
      token: TOKEN,
      bodyLimit: BODY_LIMIT,
      requestTimeoutMs: 5000,
      strategies: STRATEGIES,
      logger: { level: 'error', stream: { write: (line: string) => void logs.push(line) } },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
    await service.submit({
      symbols: ['AAPL'], timeframes: ['1Hour'], riskProfiles: ['low'], strategyIds: [1], startDate: null, endDate: null, persistTrades: false, runId: 'known',
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it(`answers ${CASES} malformed requests with a 4xx in the error shape`, async () => {
    const kinds = new Map<string, number>();
    const statuses = new Map<number, number>();
    for (let i = 0; i < CASES; i++) {
      const c = GENERATORS[i % GENERATORS.length]!();
      const where = `seed ${SEED} case ${i} (${c.kind}): ${c.method} ${c.path.slice(0, 120)}`;
      const answer = await send(port, c);
      kinds.set(c.kind.split(' ')[0]!, (kinds.get(c.kind.split(' ')[0]!) ?? 0) + 1);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect(answer.status, where).toBeLessThan(500);
      if (!c.anyStatus) expect(answer.status, where).toBeGreaterThanOrEqual(400);
      if (c.method === 'HEAD') continue;
      expect(answer.headers['content-type'], where).toMatch(/^application\/json/);
      if (answer.status >= 400) expectErrorShape(answer.body, where);
      else expect(() => JSON.parse(answer.body), where).not.toThrow();
    }
    expect(logs, 'nothing reached the 500 path').toEqual([]);
    // the fuzz reached every kind of refusal
    for (const status of [400, 401, 404, 405, 413, 415]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  });

  it('answers requests node’s parser refuses in the error shape too', async () => {
    const cases = [
      'GARBAGE\r\n\r\n',
      'GET /health HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n\r\n',
      'POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /health HTTP/1.1\r\n\r\n',
      'FOO /health HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /health HTTP/7.0\r\nHost: x\r\n\r\n',
      'GET /api/v1/runs/\u00ff HTTP/1.1\r\nHost: x\r\n\r\n',
    ];
    for (const text of cases) {
      const where = JSON.stringify(text.slice(0, 80));
      const answer = await raw(port, text);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      expect(status, where).toBeGreaterThanOrEqual(400);
      expect(status, where).toBeLessThan(500);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      expectErrorShape(body, where);
    }
  });

  it('still answers /health, and nothing malformed reached the service', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
    const symbol = new RegExp(SYMBOL_PATTERN, 'u');
    const timeframe = new RegExp(TIMEFRAME_PATTERN);
    const runId = new RegExp(RUN_ID_PATTERN);
    const known = new Set(STRATEGIES.map((s) => s.id));
    for (const call of service.calls) {
      if (call.method === 'submit') {
        const r = call.request;
        expect(r.symbols.length).toBeGreaterThan(0);
        expect(r.symbols.length).toBeLessThanOrEqual(100);
        expect(r.symbols.every((s) => symbol.test(s))).toBe(true);
        expect(r.timeframes.every((t) => timeframe.test(t))).toBe(true);
        expect(r.riskProfiles.every((p) => ['low', 'medium', 'high'].includes(p))).toBe(true);
        expect(r.strategyIds === null || r.strategyIds.every((id) => known.has(id))).toBe(true);
        expect(r.runId === null || runId.test(r.runId)).toBe(true);
        expect(typeof r.persistTrades).toBe('boolean');
      }
      if (call.method === 'status' || call.method === 'cancel' || call.method === 'results') expect(runId.test(call.runId)).toBe(true);
      if (call.method === 'results') {
        expect(call.limit).toBeGreaterThanOrEqual(1);
        expect(call.limit).toBeLessThanOrEqual(10_000);
        expect(call.offset).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
