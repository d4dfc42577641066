import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { bearerToken, tokenMatches } from '../../runtime/service/http/auth.js';
import { buildServer } from '../../runtime/service/http/server.js';
import { strategyInfos } from '../../runtime/registry/strategy-info.js';
import { FakeRunService } from '../support/fake-run-service.js';

// observe the comparison: the real timingSafeEqual, wrapped
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const { timingSafeEqual } = await import('node:crypto');
const timingSafeEqualMock = vi.mocked(timingSafeEqual);

const STRATEGIES = strategyInfos();
const TOKEN = 's3cr3t-T0ken_with.chars~+/=';

/** One request per protected operation, valid apart from the token. */
const PROTECTED: [method: string, url: string, body?: unknown][] = [
  ['POST', '/api/v1/runs', { symbols: ['AAPL'] }],
  ['GET', '/api/v1/runs/r1'],
  ['DELETE', '/api/v1/runs/r1'],
  ['GET', '/api/v1/runs/r1/results?limit=5'],
  ['GET', '/api/v1/strategies'],
  ['GET', '/api/v1/strategies?category=trend'],
  ['GET', '/api/v1/strategies/1'],
];

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: { error?: { code: string; message: string; details: unknown } } & Record<string, unknown>;
}

function server(token: string | undefined, service = new FakeRunService({ strategyIds: STRATEGIES.map((s) => s.id) })): FastifyInstance {
  return buildServer({ service, version: '1.0.0', bodyLimit: 16_384, requestTimeoutMs: 5000, strategies: STRATEGIES, logger: false, ...(token === undefined ? {} : { token }) });
}

async function inject(app: FastifyInstance, method: string, url: string, body?: unknown, authorization?: string): Promise<Answer> {
  const r = await app.inject({
    method: method as 'GET',
    url,
    headers: { ...(authorization === undefined ? {} : { authorization }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: r.statusCode, headers: r.headers as Record<string, string>, body: r.json() };
}

function expectUnauthorized(answer: Answer, what: string): void {
  expect(answer.status, what).toBe(401);
  expect(answer.body, what).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String), details: null } });
  expect(answer.headers['www-authenticate'], what).toMatch(/^Bearer realm="probe"/);
  expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
}

describe('with a token configured', () => {
  let app: FastifyInstance;
  let service: FakeRunService;
  beforeAll(async () => {
    service = new FakeRunService({ strategyIds: STRATEGIES.map((s) => s.id) });
    app = server(TOKEN, service);
    await app.ready();
    await service.submit({
      symbols: ['AAPL'], timeframes: ['1Day'], riskProfiles: ['low'], strategyIds: null, startDate: null, endDate: null, persistTrades: false, runId: 'r1',
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(PROTECTED)('%s %s needs the token', async (method, url, body) => {
    expectUnauthorized(await inject(app, method, url, body), 'no header');
    expectUnauthorized(await inject(app, method, url, body, 'Bearer wrong'), 'wrong token');
    const ok = await inject(app, method, url, body, `Bearer ${TOKEN}`);
    expect(ok.status).toBeLessThan(300);
  });

  it('refuses before anything else: no validation, no service call, no 404 or 405 hints', async () => {
    const calls = service.calls.length;
    expectUnauthorized(await inject(app, 'POST', '/api/v1/runs', { symbols: 'not an array', extra: 1 }), 'invalid body');
    expectUnauthorized(await inject(app, 'GET', '/api/v1/runs/ghost'), 'unknown run');
    expectUnauthorized(await inject(app, 'GET', '/api/v1/runs/bad%20id'), 'invalid id');
    expectUnauthorized(await inject(app, 'GET', '/api/v1/no-such-thing'), 'unknown route');
    expectUnauthorized(await inject(app, 'PUT', '/api/v1/runs'), 'wrong method');
    expect(service.calls.length).toBe(calls);
  });

  it('keeps /health and /openapi.json open', async () => {
    expect((await inject(app, 'GET', '/health')).status).toBe(200);
    expect((await inject(app, 'GET', '/health', undefined, 'Bearer wrong')).status).toBe(200);
    expect((await inject(app, 'GET', '/openapi.json')).status).toBe(200);
    expect((await inject(app, 'GET', '/openapi.json', undefined, 'Basic Zm9vOmJhcg==')).status).toBe(200);
  });

  it('takes the scheme in any case, and refuses other schemes and malformed headers', async () => {
    for (const header of [`bearer ${TOKEN}`, `BEARER ${TOKEN}`, `Bearer  ${TOKEN}`, `Bearer ${TOKEN} `]) {
      expect((await inject(app, 'GET', '/api/v1/strategies', undefined, header)).status, header).toBe(200);
    }
    const refused = [
      `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`,
      `Token ${TOKEN}`,
      TOKEN,
      'Bearer',
      'Bearer ',
      `Bearer ${TOKEN} extra`,
      `Bearer${TOKEN}`,
      ' ',
    ];
    for (const header of refused) {
      const answer = await inject(app, 'GET', '/api/v1/strategies', undefined, header);
      expectUnauthorized(answer, header);
    }
    const basic = await inject(app, 'GET', '/api/v1/strategies', undefined, 'Basic Zm9vOmJhcg==');
    expect(basic.headers['www-authenticate']).toBe('Bearer realm="probe", error="invalid_request"');
    const wrong = await inject(app, 'GET', '/api/v1/strategies', undefined, 'Bearer nope');
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="probe", error="invalid_token"');
  });

  it('refuses near misses: a prefix, an extension, another case', async () => {
    for (const token of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), `${TOKEN.slice(0, -1)}?`, '']) {
      expectUnauthorized(await inject(app, 'GET', '/api/v1/strategies', undefined, `Bearer ${token}`), token);
    }
  });

  describe('constant-time comparison', () => {
    beforeEach(() => {
      timingSafeEqualMock.mockClear();
    });

    it('compares fixed-length digests with timingSafeEqual, whatever the lengths given', () => {
      for (const given of ['', 'x', TOKEN.slice(0, 5), TOKEN, `${TOKEN}${'y'.repeat(1000)}`]) {
        expect(tokenMatches(given, TOKEN)).toBe(given === TOKEN);
      }
      expect(timingSafeEqualMock).toHaveBeenCalledTimes(5);
      for (const [a, b] of timingSafeEqualMock.mock.calls) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
      }
    });

    it('is what the server uses for every token it is given', async () => {
      await inject(app, 'GET', '/api/v1/strategies', undefined, 'Bearer short');
      await inject(app, 'GET', '/api/v1/strategies', undefined, `Bearer ${'long'.repeat(100)}`);
      await inject(app, 'GET', '/api/v1/strategies', undefined, `Bearer ${TOKEN}`);
      expect(timingSafeEqualMock).toHaveBeenCalledTimes(3);
    });

    it('parses only the Bearer scheme', () => {
      expect(bearerToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
      expect(bearerToken(`bEaReR ${TOKEN}`)).toBe(TOKEN);
      expect(bearerToken('Basic abc')).toBeUndefined();
      expect(bearerToken('Bearer a b')).toBeUndefined();
      expect(bearerToken(undefined)).toBeUndefined();
    });
  });
});

describe('over real HTTP', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    app = server(TOKEN);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('needs the token on the API and not on /health', async () => {
    const none = await fetch(`${base}/api/v1/strategies`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="probe"');
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const wrong = await fetch(`${base}/api/v1/runs`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: JSON.stringify({ symbols: ['AAPL'] }),
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${base}/api/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ symbols: ['AAPL'] }),
    });
    expect(right.status).toBe(202);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
  });
});

describe('without a token', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = server(undefined);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('leaves the API open and ignores any Authorization header', async () => {
    expect((await inject(app, 'GET', '/api/v1/strategies')).status).toBe(200);
    expect((await inject(app, 'GET', '/api/v1/strategies', undefined, 'Bearer anything')).status).toBe(200);
    expect((await inject(app, 'POST', '/api/v1/runs', { symbols: ['SPY'] })).status).toBe(202);
  });

  it('refuses to be configured with an empty token', () => {
    expect(() => server('')).toThrow(/token must not be empty/);
  });
});
