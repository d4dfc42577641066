import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeNeverTrue, findNeverTrue } from '../../compiler/diagnostics/never.js';
import { loadRegistry } from '../support/registry.js';
import { ENDPOINTS, type Endpoint, openApiPath, routeSchema } from '../../runtime/service/http/endpoints.js';
import { COMPONENT_SCHEMAS, type JsonSchema } from '../../runtime/service/http/schemas.js';
import { buildServer, listRoutes, type ServerOptions } from '../../runtime/service/http/server.js';
import { strategyInfos } from '../../runtime/registry/strategy-info.js';
import { type OpenApiDocument, openApiDocument } from '../../runtime/service/openapi.js';
import { type ResultItem, ServiceError } from '../../runtime/service/types.js';
import { FakeRunService, resultItem } from '../support/fake-run-service.js';
import type { SummaryRow } from '../../runtime/report/model.js';
import { SUMMARY_COLUMNS, summaryRecord } from '../../runtime/report/summary-csv.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

const STRATEGIES = strategyInfos();
const STRATEGY_IDS = STRATEGIES.map((s) => s.id);
const VERSION = '9.8.7';
const DOCUMENT = openApiDocument(VERSION);
const TOKEN = 'test-token-0123456789';

// ---------------------------------------------------------------- the document as a validator

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The schema with every `$ref` into the document's components inlined (the schemas are not recursive). */
function resolveRefs(doc: OpenApiDocument, schema: JsonSchema, depth = 0): JsonSchema {
  if (depth > 20) throw new Error('schema nesting too deep (a recursive $ref?)');
  if (schema.$ref !== undefined) {
    const match = /^#\/components\/schemas\/(\w+)$/.exec(schema.$ref);
    const target = match ? (doc.components.schemas as Record<string, JsonSchema>)[match[1]!] : undefined;
    if (target === undefined) throw new Error(`unresolvable $ref ${schema.$ref}`);
    return resolveRefs(doc, target, depth + 1);
  }
  const out: Record<string, unknown> = { ...schema };
  if (schema.items) out.items = resolveRefs(doc, schema.items, depth + 1);
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolveRefs(doc, v, depth + 1)]));
  }
  if (typeof schema.additionalProperties === 'object') out.additionalProperties = resolveRefs(doc, schema.additionalProperties, depth + 1);
  return out as JsonSchema;
}

const ajv = new Ajv({ strict: true, allErrors: true });
addFormats.default(ajv);
const compiled = new Map<string, ValidateFunction>();

function validatorFor(key: string, schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(resolveRefs(DOCUMENT, schema));
    compiled.set(key, validate);
  }
  return validate;
}

const documentedPaths = Object.keys(DOCUMENT.paths).map((path) => ({
  path,
  regex: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The document's path for a concrete URL, static paths before templated ones. */
function documentedPath(url: string): string | undefined {
  const pathname = url.split('?')[0]!;
  const matches = documentedPaths.filter((p) => p.regex.test(pathname));
  matches.sort((a, b) => a.path.split('{').length - b.path.split('{').length);
  return matches[0]?.path;
}

const checked: string[] = [];

/**
 * Every response goes through here: a documented operation's status must be
 * documented for it and the body valid against its schema; anything else
 * (unknown route, 405) must be a valid Error.
 */
function checkAgainstDocument(method: string, url: string, status: number, body: Json): void {
  const path = documentedPath(url);
  const operation = path === undefined ? undefined : DOCUMENT.paths[path]?.[method.toLowerCase() as 'get'];
  let schema: JsonSchema;
  let key: string;
  if (operation === undefined) {
    expect(status, `${method} ${url}: undocumented operation must fail`).toBeGreaterThanOrEqual(400);
    schema = { $ref: '#/components/schemas/Error' };
    key = 'Error';
  } else {
    const response = operation.responses[String(status)];
    expect(response, `${method} ${path}: status ${status} is not documented`).toBeDefined();
    // JSON, or the one other media type an operation publishes (the report's text/html, its body the text)
    schema = Object.values(response!.content)[0]!.schema;
    key = `${method} ${path} ${status}`;
  }
  const validate = validatorFor(key, schema);
  if (!validate(body)) throw new Error(`${method} ${url} ${status}: body does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
  checked.push(`${method} ${path ?? '(none)'} ${status}`);
}

// ---------------------------------------------------------------- clients: inject and real HTTP

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly json: Json;
}

interface SendOptions {
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON with Content-Type application/json; a string as is. */
  readonly body?: unknown;
}

type Transport = (method: string, url: string, options: SendOptions) => Promise<Reply>;

function encode(options: SendOptions): { headers: Record<string, string>; payload?: string } {
  const headers = { ...options.headers };
  if (options.body === undefined) return { headers };
  if (typeof options.body === 'string') return { headers, payload: options.body };
  return { headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(options.body) };
}

function parse(status: number, headers: Record<string, string>, text: string, method: string): Reply {
  // the report is the one answer that is not JSON: its body is checked as the string it is
  if (status === 200 && /^text\/html/.test(headers['content-type'] ?? '')) return { status, headers, text, json: text };
  if (method !== 'HEAD') expect(headers['content-type'], `${method} ${status}: JSON expected`).toMatch(/^application\/json/);
  return { status, headers, text, json: text === '' ? null : (JSON.parse(text) as Json) };
}

const injectTransport =
  (app: FastifyInstance): Transport =>
  async (method, url, options) => {
    const { headers, payload } = encode(options);
    const r = await app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
    const flat = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
    return parse(r.statusCode, flat, r.body, method);
  };

const fetchTransport =
  (base: string): Transport =>
  async (method, url, options) => {
    const { headers, payload } = encode(options);
    const r = await fetch(`${base}${url}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const flat: Record<string, string> = {};
    r.headers.forEach((v, k) => (flat[k] = v));
    return parse(r.status, flat, await r.text(), method);
  };

interface Harness {
  readonly app: FastifyInstance;
  readonly service: FakeRunService;
  readonly logs: string[];
  readonly send: (method: string, url: string, options?: SendOptions) => Promise<Reply>;
  close(): Promise<void>;
}

async function harness(kind: 'inject' | 'http', extra: Partial<ServerOptions> = {}): Promise<Harness> {
  const service = new FakeRunService({ strategyIds: STRATEGY_IDS });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = buildServer({
    service,
    version: VERSION,
    bodyLimit: 64 * 1024,
    requestTimeoutMs: 10_000,
    strategies: STRATEGIES,
    logger: { level: 'error', stream },
    ...extra,
  });
  let transport: Transport;
  if (kind === 'http') {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    transport = fetchTransport(address);
  } else {
    await app.ready();
    transport = injectTransport(app);
  }
  return {
    app,
    service,
    logs,
    send: async (method, url, options = {}) => {
      const reply = await transport(method, url, options);
      if (method !== 'HEAD') checkAgainstDocument(method, url, reply.status, reply.json);
      return reply;
    },
    close: () => app.close(),
  };
}

function errorOf(reply: Reply): { code: string; message: string; details: Record<string, Json> | null } {
  return (reply.json as { error: { code: string; message: string; details: Record<string, Json> | null } }).error;
}

// ---------------------------------------------------------------- the endpoints, over both transports

describe.each(['inject', 'http'] as const)('endpoints (%s)', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  describe('GET /health', () => {
    it('answers ok with the version, strategy count and uptime', async () => {
      await h.close();
      h = await harness(kind, { startedAt: Date.now() - 65_000 });
      const r = await h.send('GET', '/health');
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        status: 'ok',
        version: VERSION,
        strategies_loaded: 100,
        uptime_seconds: expect.any(Number),
        database: 'ok',
        event_loop_lag_ms: { p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) },
        worker_restarts: 0,
      });
      expect((r.json as { uptime_seconds: number }).uptime_seconds).toBeGreaterThanOrEqual(65);
      expect((r.json as { uptime_seconds: number }).uptime_seconds).toBeLessThan(70);
    });

    it('answers 503 SERVICE_UNAVAILABLE, the health fields in details, when the database is down, throws or hangs', async () => {
      const degraded = { status: 'degraded', database: 'unreachable' };
      h.service.databaseUp = false;
      const down = await h.send('GET', '/health');
      expect(down.status).toBe(503);
      expect(errorOf(down)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: degraded });
      h.service.databaseUp = true;
      h.service.failNext('databaseOk', new Error('connect ECONNREFUSED'));
      const thrown = await h.send('GET', '/health');
      expect(thrown.status).toBe(503);
      expect(errorOf(thrown)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: degraded });
      await h.close();
      h = await harness(kind, { healthTimeoutMs: 50 });
      h.service.hang('databaseOk');
      const started = Date.now();
      const hung = await h.send('GET', '/health');
      expect(hung.status).toBe(503);
      expect(errorOf(hung)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: degraded });
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  describe('GET /openapi.json', () => {
    it('serves the document', async () => {
      const r = await h.send('GET', '/openapi.json');
      expect(r.status).toBe(200);
      expect(r.json).toEqual(JSON.parse(JSON.stringify(DOCUMENT)));
    });
  });

  describe('POST /api/v1/runs', () => {
    it('queues a run with the defaults: 3 timeframes, 3 risk profiles, every strategy', async () => {
      const r = await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'] } });
      expect(r.status).toBe(202);
      expect(r.json).toEqual({ run_id: expect.any(String), status: 'queued', total_combinations: 1 * 3 * 100 * 3, estimated_seconds: 3 });
      const runId = (r.json as { run_id: string }).run_id;
      expect(r.headers.location).toBe(`/api/v1/runs/${runId}`);
      const submit = h.service.calls.find((c) => c.method === 'submit');
      expect(submit).toEqual({
        method: 'submit',
        request: {
          symbols: ['AAPL'],
          timeframes: ['15Min', '1Hour', '1Day'],
          riskProfiles: ['low', 'medium', 'high'],
          strategyIds: null,
          startDate: null,
          endDate: null,
          persistTrades: false,
          runId: null,
        },
      });
    });

    it('passes every field, drops duplicates and counts symbols x timeframes x strategies x profiles', async () => {
      const r = await h.send('POST', '/api/v1/runs', {
        body: {
          symbols: ['AAPL', 'SPY', 'AAPL'],
          timeframes: ['1Hour', '1Day', '1Hour'],
          risk_profiles: ['high', 'low', 'high'],
          strategy_ids: [3, 1, 2, 3],
          start_date: '2025-01-01',
          end_date: '2025-12-31',
          persist_trades: true,
          run_id: 'nightly:2025-12-31_a.b-c',
        },
      });
      expect(r.status).toBe(202);
      expect(r.json).toMatchObject({ run_id: 'nightly:2025-12-31_a.b-c', status: 'queued', total_combinations: 2 * 2 * 3 * 2 });
      expect(h.service.calls.at(-1)).toEqual({
        method: 'submit',
        request: {
          symbols: ['AAPL', 'SPY'],
          timeframes: ['1Hour', '1Day'],
          riskProfiles: ['low', 'high'],
          strategyIds: [3, 1, 2],
          startDate: '2025-01-01',
          endDate: '2025-12-31',
          persistTrades: true,
          runId: 'nightly:2025-12-31_a.b-c',
        },
      });
    });

    it('accepts explicit nulls and the same start and end day', async () => {
      const r = await h.send('POST', '/api/v1/runs', {
        body: { symbols: ['^VIX', 'brk.b'], strategy_ids: null, start_date: '2024-02-29', end_date: '2024-02-29', run_id: null },
      });
      expect(r.status).toBe(202);
      expect(r.json).toMatchObject({ total_combinations: 2 * 3 * 100 * 3 });
    });

    it('resumes an existing run id, and refuses one with a different request (409)', async () => {
      const body = { symbols: ['SPY'], timeframes: ['1Day'], run_id: 'resume-me' };
      const first = await h.send('POST', '/api/v1/runs', { body });
      h.service.progress('resume-me', 120);
      h.service.fail('resume-me', 'worker lost');
      const again = await h.send('POST', '/api/v1/runs', { body });
      expect(again.status).toBe(202);
      expect(again.json).toEqual({ ...(first.json as object), estimated_seconds: 0.6 });
      expect((await h.send('GET', '/api/v1/runs/resume-me')).json).toMatchObject({ status: 'queued', progress: { completed: 120, total: 300 } });
      const conflict = await h.send('POST', '/api/v1/runs', { body: { ...body, timeframes: ['1Hour'] } });
      expect(conflict.status).toBe(409);
      expect(errorOf(conflict)).toMatchObject({ code: 'CONFLICT', details: { run_id: 'resume-me' } });
      h.service.complete('resume-me');
      const completed = await h.send('POST', '/api/v1/runs', { body });
      expect(completed.json).toMatchObject({ run_id: 'resume-me', status: 'completed', estimated_seconds: 0 });
    });

    it('passes INVALID_SYMBOL from the service as a 400', async () => {
      const r = await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL', 'NOPE'] } });
      expect(r.status).toBe(400);
      expect(errorOf(r)).toEqual({ code: 'INVALID_SYMBOL', message: 'Symbol NOPE not found in database', details: { symbols: ['NOPE'] } });
    });

    it('passes a VALIDATION_ERROR from the service as a 400', async () => {
      h.service.failNext('submit', new ServiceError('VALIDATION_ERROR', 'no bars for AAPL', { field: 'symbols', symbols: ['AAPL'] }));
      const r = await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'] } });
      expect(r.status).toBe(400);
      expect(errorOf(r)).toEqual({ code: 'VALIDATION_ERROR', message: 'no bars for AAPL', details: { field: 'symbols', symbols: ['AAPL'] } });
    });

    const long = 'A'.repeat(21);
    const invalid: [string, unknown, string][] = [
      ['no symbols', {}, 'symbols'],
      ['empty symbols', { symbols: [] }, 'symbols'],
      ['101 symbols', { symbols: Array.from({ length: 101 }, (_, i) => `S${i}`) }, 'symbols'],
      ['a bad symbol', { symbols: ['AAPL', 'SPY', 'A B'] }, 'symbols[2]'],
      ['a long symbol', { symbols: [long] }, 'symbols[0]'],
      ['a number as symbol', { symbols: [42] }, 'symbols[0]'],
      ['symbols as a string', { symbols: 'AAPL' }, 'symbols'],
      ['a bad timeframe', { symbols: ['AAPL'], timeframes: ['1Hour', '1Year'] }, 'timeframes[1]'],
      ['empty timeframes', { symbols: ['AAPL'], timeframes: [] }, 'timeframes'],
      ['a bad risk profile', { symbols: ['AAPL'], risk_profiles: ['extreme'] }, 'risk_profiles[0]'],
      ['a string strategy id', { symbols: ['AAPL'], strategy_ids: ['1'] }, 'strategy_ids[0]'],
      ['a fractional strategy id', { symbols: ['AAPL'], strategy_ids: [1.5] }, 'strategy_ids[0]'],
      ['an unknown strategy id', { symbols: ['AAPL'], strategy_ids: [1, 2, 999] }, 'strategy_ids[2]'],
      ['an impossible date', { symbols: ['AAPL'], start_date: '2025-02-30' }, 'start_date'],
      ['a date with time', { symbols: ['AAPL'], end_date: '2025-02-03T00:00:00Z' }, 'end_date'],
      ['end before start', { symbols: ['AAPL'], start_date: '2025-06-01', end_date: '2025-05-31' }, 'end_date'],
      ['a string boolean', { symbols: ['AAPL'], persist_trades: 'true' }, 'persist_trades'],
      ['a bad run id', { symbols: ['AAPL'], run_id: 'has space' }, 'run_id'],
      ['a long run id', { symbols: ['AAPL'], run_id: 'r'.repeat(51) }, 'run_id'],
      ['an unknown field', { symbols: ['AAPL'], symbol: 'AAPL' }, 'symbol'],
    ];
    it.each(invalid)('refuses %s with VALIDATION_ERROR naming the field', async (_name, body, field) => {
      const r = await h.send('POST', '/api/v1/runs', { body });
      expect(r.status).toBe(400);
      const error = errorOf(r);
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(error.details).toMatchObject({ in: 'body', field });
      expect(error.message).toContain(field);
      expect(h.service.calls.filter((c) => c.method === 'submit')).toEqual([]);
    });

    it('names the unknown strategy id', async () => {
      const r = await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], strategy_ids: [1, 4242] } });
      expect(errorOf(r).message).toContain('4242');
      expect(errorOf(r).details).toMatchObject({ strategy_id: 4242 });
    });

    it('refuses a body that is not an object, not JSON, not sent as JSON or too large', async () => {
      const array = await h.send('POST', '/api/v1/runs', { body: [1, 2] });
      expect([array.status, errorOf(array).code]).toEqual([400, 'VALIDATION_ERROR']);
      const missing = await h.send('POST', '/api/v1/runs');
      expect([missing.status, errorOf(missing).code]).toEqual([400, 'VALIDATION_ERROR']);
      const malformed = await h.send('POST', '/api/v1/runs', { body: '{"symbols": ["AAPL"', headers: { 'content-type': 'application/json' } });
      expect([malformed.status, errorOf(malformed).code]).toEqual([400, 'INVALID_JSON']);
      const empty = await h.send('POST', '/api/v1/runs', { body: '', headers: { 'content-type': 'application/json' } });
      expect([empty.status, errorOf(empty).code]).toEqual([400, 'INVALID_JSON']);
      const proto = await h.send('POST', '/api/v1/runs', { body: '{"symbols":["AAPL"],"__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } });
      expect([proto.status, errorOf(proto).code]).toEqual([400, 'INVALID_JSON']);
      const text = await h.send('POST', '/api/v1/runs', { body: '{"symbols":["AAPL"]}', headers: { 'content-type': 'text/plain' } });
      expect([text.status, errorOf(text).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const form = await h.send('POST', '/api/v1/runs', { body: 'symbols=AAPL', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect([form.status, errorOf(form).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const big = await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], run_id: null, pad: 'x'.repeat(70_000) } });
      expect([big.status, errorOf(big).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      expect(h.service.calls.filter((c) => c.method === 'submit')).toEqual([]);
    });
  });

  describe('GET /api/v1/runs/:run_id', () => {
    async function submit(runId = 'r1'): Promise<string> {
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL', 'SPY'], timeframes: ['1Day'], strategy_ids: [1, 2], run_id: runId } });
      return runId;
    }

    it('shows a queued run’s progress, with no elapsed time yet', async () => {
      const id = await submit();
      const r = await h.send('GET', `/api/v1/runs/${id}`);
      expect(r.status).toBe(200);
      // 12 combinations at the fake's 300 a second, rounded up to a tenth
      expect(r.json).toEqual({ run_id: id, status: 'queued', progress: { completed: 0, total: 12, elapsed_seconds: null, estimated_seconds: 0.1 } });
    });

    it('shows a running run’s progress and elapsed time', async () => {
      const id = await submit();
      h.service.start(id, Date.now() - 4200);
      h.service.progress(id, 5);
      const r = await h.send('GET', `/api/v1/runs/${id}`);
      expect(r.json).toMatchObject({ run_id: id, status: 'running', progress: { completed: 5, total: 12, estimated_seconds: 0.1 } });
      const elapsed = (r.json as { progress: { elapsed_seconds: number } }).progress.elapsed_seconds;
      expect(elapsed).toBeGreaterThanOrEqual(4.2);
      expect(elapsed).toBeLessThan(10);
    });

    it('adds the summary once completed', async () => {
      const id = await submit();
      h.service.start(id, Date.now() - 7800);
      h.service.complete(id, [resultItem(), resultItem({ open_hour: 11 })], 12345);
      const r = await h.send('GET', `/api/v1/runs/${id}`);
      expect(r.json).toMatchObject({
        status: 'completed',
        progress: { completed: 12, total: 12 },
        summary: { total_combinations: 12, total_trades: 12345, total_result_records: 2 },
      });
      expect(r.json).not.toHaveProperty('error');
      expect((r.json as { progress: object }).progress).not.toHaveProperty('estimated_seconds');
    });

    it('adds the error once failed', async () => {
      const id = await submit();
      h.service.fail(id, 'unit AAPL/1Day failed 3 times');
      const r = await h.send('GET', `/api/v1/runs/${id}`);
      expect(r.json).toMatchObject({ status: 'failed', error: { message: 'unit AAPL/1Day failed 3 times' } });
      expect(r.json).not.toHaveProperty('summary');
    });

    it('answers 404 RUN_NOT_FOUND for an unknown run and 400 for an invalid id', async () => {
      const missing = await h.send('GET', '/api/v1/runs/nope');
      expect(missing.status).toBe(404);
      expect(errorOf(missing)).toEqual({ code: 'RUN_NOT_FOUND', message: 'no run with id nope', details: { run_id: 'nope' } });
      const bad = await h.send('GET', `/api/v1/runs/${encodeURIComponent("'; DROP TABLE tickers; --")}`);
      expect(bad.status).toBe(400);
      expect(errorOf(bad)).toMatchObject({ code: 'VALIDATION_ERROR', details: { in: 'path', parameter: 'run_id' } });
      const tooLong = await h.send('GET', `/api/v1/runs/${'r'.repeat(51)}`);
      expect(tooLong.status).toBe(400);
    });
  });

  describe('DELETE /api/v1/runs/:run_id', () => {
    it('cancels a queued or running run', async () => {
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], run_id: 'c1' } });
      h.service.progress('c1', 30);
      const r = await h.send('DELETE', '/api/v1/runs/c1');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ run_id: 'c1', status: 'cancelled', progress: { completed: 30, total: 900 } });
      expect((await h.send('GET', '/api/v1/runs/c1')).json).toMatchObject({ status: 'cancelled' });
    });

    it('leaves a finished run as it is', async () => {
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], run_id: 'done' } });
      h.service.complete('done');
      const r = await h.send('DELETE', '/api/v1/runs/done');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ status: 'completed', summary: { total_combinations: 900 } });
    });

    it('answers 404 for an unknown run and 400 for an invalid id', async () => {
      const r = await h.send('DELETE', '/api/v1/runs/ghost');
      expect(r.status).toBe(404);
      expect(errorOf(r).code).toBe('RUN_NOT_FOUND');
      const bad = await h.send('DELETE', '/api/v1/runs/..%2F..%2Fetc%2Fpasswd');
      expect(bad.status).toBe(400);
      expect(errorOf(bad).details).toEqual({ in: 'path', parameter: 'run_id' });
    });
  });

  describe('GET /api/v1/runs/:run_id/results', () => {
    const rows = [
      resultItem(),
      resultItem({ symbol: 'SPY', long_short: 'short' }),
      resultItem({ strategy_id: 2, strategy_name: 'ema50_ema200_golden_death_cross', risk_profile: 'high' }),
      resultItem({ timeframe: '1Day', open_hour: 0 }),
      resultItem({ open_day: '2025-03-16', pnl_mean: -0.01 }),
    ];
    beforeEach(async () => {
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL', 'SPY'], run_id: 'res' } });
      h.service.complete('res', rows, 20);
    });

    it('pages the results with limit 100 and offset 0 by default', async () => {
      const r = await h.send('GET', '/api/v1/runs/res/results');
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ results: rows, total: 5, limit: 100, offset: 0 });
      expect(h.service.calls.at(-1)).toEqual({ method: 'results', runId: 'res', filters: {}, limit: 100, offset: 0 });
    });

    it('passes every filter and the page to the service', async () => {
      const r = await h.send('GET', '/api/v1/runs/res/results?symbol=AAPL&timeframe=1Hour&strategy_id=1&risk_profile=medium&long_short=long&limit=2&offset=1');
      expect(r.status).toBe(200);
      expect(h.service.calls.at(-1)).toEqual({
        method: 'results',
        runId: 'res',
        filters: { symbol: 'AAPL', timeframe: '1Hour', strategyId: 1, riskProfile: 'medium', longShort: 'long' },
        limit: 2,
        offset: 1,
      });
      expect(r.json).toEqual({ results: [rows[4]], total: 2, limit: 2, offset: 1 });
    });

    it('answers exactly the documented fields of a row, whatever else the service hands over', async () => {
      const row = resultItem({ open_hour: 23 });
      h.service.complete('res', [{ ...row, id: 99, run_id: 'res', period_start: '2025-01-01' } as ResultItem]);
      const r = await h.send('GET', '/api/v1/runs/res/results?offset=5');
      expect(r.json).toEqual({ results: [row], total: 6, limit: 100, offset: 5 });
      expect(r.text).not.toMatch(/period_start|"id"/);
    });

    it('accepts the largest page', async () => {
      const r = await h.send('GET', '/api/v1/runs/res/results?limit=10000&offset=4');
      expect(r.json).toEqual({ results: [rows[4]], total: 5, limit: 10000, offset: 4 });
    });

    const invalid: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=10001', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=99999999999999999999', 'offset'],
      ['strategy_id=x', 'strategy_id'],
      ['strategy_id=0', 'strategy_id'],
      ['risk_profile=extreme', 'risk_profile'],
      ['long_short=both', 'long_short'],
      ['timeframe=1Year', 'timeframe'],
      [`symbol=${encodeURIComponent('<script>alert(1)</script>')}`, 'symbol'],
      ['symbl=AAPL', 'symbl'],
    ];
    it.each(invalid)('refuses ?%s naming the parameter', async (query, parameter) => {
      const r = await h.send('GET', `/api/v1/runs/res/results?${query}`);
      expect(r.status).toBe(400);
      expect(errorOf(r)).toMatchObject({ code: 'VALIDATION_ERROR', details: { in: 'query', parameter } });
      expect(errorOf(r).message).toContain(parameter);
    });

    it('answers 404 for an unknown run', async () => {
      const r = await h.send('GET', '/api/v1/runs/other/results');
      expect(r.status).toBe(404);
      expect(errorOf(r).code).toBe('RUN_NOT_FOUND');
    });
  });

  describe('GET /api/v1/runs/:run_id/summary and /report', () => {
    const row = (overrides: Partial<SummaryRow>): SummaryRow => ({
      symbol: 'AAPL', timeframe: '1Hour', strategyId: 1, strategyName: 'ema20_ema50_trend_cross', riskProfile: 'low', trades: 3,
      longTrades: 2, shortTrades: 1, winRate: 2 / 3, avgPnl: 0.01, avgWin: 0.02, avgLoss: -0.01, profitFactor: 4, totalReturn: 0.0301,
      maxDrawdown: 0.01, sharpePerTrade: 0.5, avgBarsHeld: 4.5, exitsStop: 1, exitsTarget: 1, exitsTrailing: 0, exitsTime: 0,
      exitsSignal: 1, neverTrades: null, ...overrides,
    });
    const rows = [
      row({}),
      row({ riskProfile: 'high', trades: 0, longTrades: 0, shortTrades: 0, winRate: null, avgPnl: null, avgWin: null, avgLoss: null,
        profitFactor: null, totalReturn: null, maxDrawdown: null, sharpePerTrade: null, avgBarsHeld: null, exitsStop: 0, exitsTarget: 0,
        exitsSignal: 0, neverTrades: 'entry_long can never be true' }),
      row({ symbol: 'SPY', timeframe: '1Day', strategyId: 2, strategyName: 'ema50_ema200_golden_death_cross' }),
    ];
    beforeEach(async () => {
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL', 'SPY'], run_id: 'rep' } });
    });

    it('answers the summary rows under summary.csv\'s columns, nulls where undefined, with the verification', async () => {
      h.service.complete('rep');
      h.service.setReport('rep', rows, 'verified against the stored results (12 rows)');
      const r = await h.send('GET', '/api/v1/runs/rep/summary');
      expect(r.status).toBe(200);
      const body = r.json as { summary: Record<string, Json>[]; total: number; limit: number; offset: number; verification: string };
      expect(body).toMatchObject({ total: 3, limit: 100, offset: 0, verification: 'verified against the stored results (12 rows)' });
      expect(body.summary.map((item) => Object.keys(item))).toEqual(rows.map(() => [...SUMMARY_COLUMNS]));
      expect(body.summary.map((item) => Object.values(item))).toEqual(rows.map((x) => Object.values(summaryRecord(x))));
      expect(body.summary[1]).toMatchObject({ trades: 0, win_rate: null, sharpe_per_trade: null, never_trades: 'entry_long can never be true' });
      expect(h.service.calls.at(-1)).toEqual({ method: 'summary', runId: 'rep', filters: {}, limit: 100, offset: 0 });
    });

    it('takes /results\' filters and paging', async () => {
      h.service.complete('rep');
      h.service.setReport('rep', rows, null);
      const r = await h.send('GET', '/api/v1/runs/rep/summary?symbol=aapl&timeframe=1Hour&strategy_id=1&long_short=short&limit=1&offset=1');
      expect(h.service.calls.at(-1)).toEqual({
        method: 'summary', runId: 'rep', filters: { symbol: 'aapl', timeframe: '1Hour', strategyId: 1, longShort: 'short' }, limit: 1, offset: 1,
      });
      expect(r.json).toMatchObject({ total: 2, limit: 1, offset: 1, verification: null });
      expect((r.json as { summary: { risk_profile: string }[] }).summary.map((x) => x.risk_profile)).toEqual(['high']);
      for (const query of ['limit=0', 'risk_profile=extreme', 'long_short=both', 'symbl=AAPL']) {
        const bad = await h.send('GET', `/api/v1/runs/rep/summary?${query}`);
        expect(bad.status, query).toBe(400);
        expect(errorOf(bad).code).toBe('VALIDATION_ERROR');
      }
      expect((await h.send('GET', '/api/v1/runs/rep%2F/report')).status).toBe(400);
    });

    it('answers the report page as text/html', async () => {
      h.service.complete('rep');
      h.service.setReport('rep', rows, null, '<!doctype html><title>rep ✓</title>');
      const r = await h.send('GET', '/api/v1/runs/rep/report');
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.text).toBe('<!doctype html><title>rep ✓</title>');
    });

    it('answers 409 CONFLICT while the run is queued or running, and reports a failed run as far as it got', async () => {
      for (const status of ['queued', 'running'] as const) {
        if (status === 'running') h.service.start('rep');
        for (const what of ['summary', 'report']) {
          const r = await h.send('GET', `/api/v1/runs/rep/${what}`);
          expect(r.status, `${status} ${what}`).toBe(409);
          expect(errorOf(r)).toEqual({ code: 'CONFLICT', message: `run rep is ${status}: its report is made once it has finished`, details: { run_id: 'rep', status } });
        }
      }
      h.service.fail('rep', 'boom');
      expect((await h.send('GET', '/api/v1/runs/rep/summary')).status).toBe(200);
    });

    it('answers 404 for an unknown run, 500 and 503 as the other endpoints', async () => {
      for (const what of ['summary', 'report'] as const) {
        const missing = await h.send('GET', `/api/v1/runs/other/${what}`);
        expect(missing.status).toBe(404);
        expect(errorOf(missing).code).toBe('RUN_NOT_FOUND');
        h.service.complete('rep');
        h.service.failNext(what, new Error('relation does not exist'));
        expect((await h.send('GET', `/api/v1/runs/rep/${what}`)).status).toBe(500);
        h.service.hang('status');
        await h.close();
        const service = h.service;
        h = await harness(kind, { serviceTimeoutMs: 100 });
        await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL', 'SPY'], run_id: 'rep' } });
        h.service.hang('status');
        const slow = await h.send('GET', `/api/v1/runs/rep/${what}`);
        expect(slow.status).toBe(503);
        expect(errorOf(slow).code).toBe('SERVICE_UNAVAILABLE');
        service.resume('status');
        h.service.resume('status');
      }
    });
  });

  describe('strategies', () => {
    it('lists every strategy by id, summary fields only', async () => {
      const r = await h.send('GET', '/api/v1/strategies');
      expect(r.status).toBe(200);
      const list = (r.json as { strategies: { id: number }[] }).strategies;
      expect(list.map((s) => s.id)).toEqual(STRATEGY_IDS);
      expect(list[0]).toEqual({
        id: 1,
        name: 'ema20_ema50_trend_cross',
        display_name: 'EMA20/EMA50 Trend Cross',
        category: 'trend',
        direction: 'long_short',
        tags: STRATEGIES[0]!.tags,
        version: 1,
      });
    });

    it('filters by category and refuses an unknown one', async () => {
      for (const category of ['trend', 'mean_reversion', 'breakout', 'volume_flow', 'pattern', 'regime']) {
        const r = await h.send('GET', `/api/v1/strategies?category=${category}`);
        const list = (r.json as { strategies: { category: string }[] }).strategies;
        expect(list.length).toBe(STRATEGIES.filter((s) => s.category === category).length);
        expect(list.every((s) => s.category === category)).toBe(true);
      }
      const bad = await h.send('GET', '/api/v1/strategies?category=momentum');
      expect(bad.status).toBe(400);
      expect(errorOf(bad)).toMatchObject({ code: 'VALIDATION_ERROR', details: { in: 'query', parameter: 'category' } });
    });

    it('shows one strategy with its conditions and exit parameters', async () => {
      const r = await h.send('GET', '/api/v1/strategies/1');
      expect(r.status).toBe(200);
      const registry = loadRegistry().find((s) => s.id === 1)!;
      expect(r.json).toEqual({
        id: 1,
        name: registry.name,
        display_name: registry.display_name,
        category: registry.category,
        direction: registry.direction,
        philosophy: registry.philosophy,
        tags: registry.tags,
        version: registry.version,
        entry_long: registry.entry_long,
        entry_short: registry.entry_short,
        exit_long: registry.exit_long,
        exit_short: registry.exit_short,
        atr_stop_mult: registry.atr_stop_mult,
        atr_target_mult: registry.atr_target_mult,
        trailing_atr_mult: registry.trailing_atr_mult,
        time_stop_bars: registry.time_stop_bars,
        required_indicators: registry.required_indicators,
        warnings: [],
      });
    });

    it('shows the compiler\'s warnings: the strategy a duplicate trades like, and why a strategy never trades', async () => {
      const twins = await Promise.all([54, 99].map((id) => h.send('GET', `/api/v1/strategies/${id}`)));
      expect(twins.map((r) => r.status)).toEqual([200, 200]);
      const [of54, of99] = twins.map((r) => (r.json as { warnings: string[] }).warnings);
      expect(of54).toEqual([expect.stringMatching(/^compiles to the same signals and exits as strategy 99 vol_breakout_failure_exit \(.*\), so the two trade identically\.$/)]);
      expect(of99).toEqual([expect.stringMatching(/^compiles to the same signals and exits as strategy 54 bb_squeeze_breakout \(/)]);

      const never = loadRegistry().find((s) => s.id === 51)!;
      const r = await h.send('GET', '/api/v1/strategies/51');
      expect(r.status).toBe(200);
      expect((r.json as { warnings: string[] }).warnings).toEqual([
        'can never trade: no entry side its direction (long_short) consults can ever be true.',
        ...findNeverTrue(never).map(describeNeverTrue),
      ]);
      expect((r.json as { warnings: string[] }).warnings[1]).toMatch(/^entry_long\[0\] \(breaks_above_level\) can never be true: close can never be above donchian_high_20 /);
    });

    it('validates every strategy’s detail against the document', async () => {
      for (const id of STRATEGY_IDS) expect((await h.send('GET', `/api/v1/strategies/${id}`)).status).toBe(200);
    });

    it('answers 404 STRATEGY_NOT_FOUND and 400 for an id that is not a positive integer', async () => {
      const missing = await h.send('GET', '/api/v1/strategies/101');
      expect(missing.status).toBe(404);
      expect(errorOf(missing)).toMatchObject({ code: 'STRATEGY_NOT_FOUND', details: { id: 101 } });
      for (const id of ['abc', '0', '-1', '1.5', '1e400', '99999999999']) {
        const r = await h.send('GET', `/api/v1/strategies/${id}`);
        expect(r.status, id).toBe(400);
        expect(errorOf(r)).toMatchObject({ code: 'VALIDATION_ERROR', details: { in: 'path', parameter: 'id' } });
      }
    });
  });

  describe('errors', () => {
    it('answers 500 INTERNAL_ERROR without internals, and logs the real error', async () => {
      const failure = new Error('relation "strategy_probe_results" does not exist: SELECT * FROM strategy_probe_results WHERE run_id = $1');
      h.service.failNext('status', failure);
      const r = await h.send('GET', '/api/v1/runs/abc');
      expect(r.status).toBe(500);
      expect(errorOf(r)).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error; the server log has the details', details: null });
      expect(r.text).not.toMatch(/SELECT|strategy_probe_results|at .*\.ts|stack/);
      expect(h.logs.join('')).toContain('strategy_probe_results');
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], run_id: 'x' } });
      for (const method of ['submit', 'cancel', 'results'] as const) {
        h.service.failNext(method, new TypeError('cannot read properties of undefined'));
      }
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], run_id: 'x' } }).then((x) => expect(x.status).toBe(500));
      await h.send('DELETE', '/api/v1/runs/x').then((x) => expect(x.status).toBe(500));
      await h.send('GET', '/api/v1/runs/x/results').then((x) => expect(x.status).toBe(500));
    });

    it('answers 404 NOT_FOUND for unknown routes, inside and outside the API', async () => {
      for (const url of ['/', '/nothing', '/api', '/api/v1', '/api/v1/', '/api/v2/runs', '/api/v1/runs/a/b/c', '/health/', '/API/v1/strategies']) {
        const r = await h.send('GET', url);
        expect(r.status, url).toBe(404);
        expect(errorOf(r).code).toBe('NOT_FOUND');
      }
    });

    it('answers 405 METHOD_NOT_ALLOWED with Allow for a known path and another method', async () => {
      const cases: [string, string, string][] = [
        ['GET', '/api/v1/runs', 'POST'],
        ['PUT', '/api/v1/runs/x', 'DELETE, GET, HEAD'],
        ['POST', '/api/v1/strategies', 'GET, HEAD'],
        ['PATCH', '/api/v1/strategies/1', 'GET, HEAD'],
        ['DELETE', '/health', 'GET, HEAD'],
        ['POST', '/openapi.json', 'GET, HEAD'],
        ['DELETE', '/api/v1/runs/x/results', 'GET, HEAD'],
      ];
      for (const [method, url, allow] of cases) {
        const r = await h.send(method, url);
        expect(r.status, `${method} ${url}`).toBe(405);
        expect(r.headers.allow).toBe(allow);
        expect(errorOf(r).code).toBe('METHOD_NOT_ALLOWED');
      }
    });

    it('answers 503 SERVICE_UNAVAILABLE when the service does not answer in time', async () => {
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], run_id: 'slow' } });
      await h.close();
      const service = h.service;
      h = await harness(kind, { serviceTimeoutMs: 100 });
      await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], run_id: 'slow' } });
      for (const method of ['submit', 'status', 'cancel'] as const) h.service.hang(method);
      const answers = [
        await h.send('POST', '/api/v1/runs', { body: { symbols: ['AAPL'], run_id: 'slow' } }),
        await h.send('GET', '/api/v1/runs/slow'),
        await h.send('DELETE', '/api/v1/runs/slow'),
        await h.send('GET', '/api/v1/runs/slow/results'),
      ];
      for (const r of answers) {
        expect(r.status).toBe(503);
        expect(errorOf(r).code).toBe('SERVICE_UNAVAILABLE');
      }
      expect(service).not.toBe(h.service);
    });

    it('answers a broken %-escape with 400 BAD_REQUEST', async () => {
      const r = await h.send('GET', '/api/v1/runs/%E0%A4%A');
      expect(r.status).toBe(400);
      expect(errorOf(r).code).toBe('BAD_REQUEST');
    });

    it('sends no-store and nosniff on every response', async () => {
      for (const url of ['/health', '/api/v1/strategies', '/nothing']) {
        const r = await h.send('GET', url);
        expect(r.headers['cache-control']).toBe('no-store');
        expect(r.headers['x-content-type-options']).toBe('nosniff');
      }
    });
  });

  describe('with a token', () => {
    it('documents the 401s it answers', async () => {
      await h.close();
      h = await harness(kind, { token: TOKEN });
      for (const [method, url] of [
        ['POST', '/api/v1/runs'],
        ['GET', '/api/v1/runs/x'],
        ['DELETE', '/api/v1/runs/x'],
        ['GET', '/api/v1/runs/x/results'],
        ['GET', '/api/v1/runs/x/summary'],
        ['GET', '/api/v1/runs/x/report'],
        ['GET', '/api/v1/strategies'],
        ['GET', '/api/v1/strategies/1'],
      ] as const) {
        const r = await h.send(method, url, { headers: { authorization: 'Bearer wrong' } });
        expect(r.status).toBe(401);
      }
    });
  });
});

// ---------------------------------------------------------------- the document itself

describe('the OpenAPI document', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = buildServer({
      service: new FakeRunService({ strategyIds: STRATEGY_IDS }),
      version: VERSION,
      bodyLimit: 1024,
      requestTimeoutMs: 1000,
      strategies: STRATEGIES,
      logger: false,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('is OpenAPI 3.0.3 with the server’s version', () => {
    expect(DOCUMENT.openapi).toBe('3.0.3');
    expect(DOCUMENT.info.version).toBe(VERSION);
    expect(DOCUMENT.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists exactly the server’s routes (fastify’s own list; HEAD mirrors GET, 405s are not operations)', () => {
    const routes = listRoutes(app)
      .filter((r) => r.endpoint && r.method !== 'HEAD')
      .map((r) => `${r.method} ${openApiPath(r.url)}`)
      .sort();
    const documented = Object.entries(DOCUMENT.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(routes).toEqual(documented);
    expect(routes).toEqual([
      'DELETE /api/v1/runs/{run_id}',
      'GET /api/v1/runs/{run_id}',
      'GET /api/v1/runs/{run_id}/report',
      'GET /api/v1/runs/{run_id}/results',
      'GET /api/v1/runs/{run_id}/summary',
      'GET /api/v1/strategies',
      'GET /api/v1/strategies/{id}',
      'GET /health',
      'GET /openapi.json',
      'POST /api/v1/runs',
    ].sort());
    // and every documented GET also answers HEAD, every other method of a path answers 405
    const all = listRoutes(app);
    for (const route of all.filter((r) => r.endpoint && r.method === 'GET')) {
      expect(all.some((r) => r.method === 'HEAD' && r.url === route.url)).toBe(true);
    }
    for (const path of new Set(all.map((r) => r.url))) {
      const methods = all.filter((r) => r.url === path).map((r) => r.method).sort();
      expect(methods, path).toEqual([...app.supportedMethods].sort());
    }
  });

  it('describes every operation: parameters, body, responses with schemas, security', () => {
    for (const [path, item] of Object.entries(DOCUMENT.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(op.responses['500'], where).toBeDefined();
        const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name), where).toEqual(pathParams);
        for (const p of op.parameters ?? []) expect(p.schema.type, `${where} ${p.name}`).toBeDefined();
        const api = path.startsWith('/api/v1/');
        expect(op.security, where).toEqual(api ? [{ bearerAuth: [] }] : []);
        if (api) {
          expect(op.responses['401'], where).toBeDefined();
        }
        for (const [status, response] of Object.entries(op.responses)) {
          expect(response.description.length, `${where} ${status}`).toBeGreaterThan(0);
          // compiles, with every $ref resolved
          validatorFor(`doc ${where} ${status}`, Object.values(response.content)[0]!.schema);
          if (Number(status) >= 400) expect(response.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
        }
      }
    }
    expect(DOCUMENT.paths['/api/v1/runs']!.post!.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/RunRequest' } } },
    });
    expect(DOCUMENT.paths['/api/v1/runs']!.post!.responses['413']).toBeDefined();
    expect(DOCUMENT.paths['/api/v1/runs']!.post!.responses['415']).toBeDefined();
  });

  it('writes every response with the very schema it publishes for it (errors by class: all are Error)', () => {
    for (const endpoint of Object.values(ENDPOINTS) as Endpoint[]) {
      const served = routeSchema(endpoint).response as Record<string, JsonSchema>;
      const operation = DOCUMENT.paths[openApiPath(endpoint.path)]![endpoint.method.toLowerCase() as 'get']!;
      expect(Object.keys(operation.responses).sort()).toEqual(Object.keys(endpoint.responses).sort());
      for (const [status, response] of Object.entries(operation.responses)) {
        const key = Number(status) >= 400 ? `${status[0]}xx` : status;
        if (response.content['application/json'] === undefined) {
          // not JSON (the report's HTML): sent as is, with no serialiser
          expect(Object.keys(response.content), `${endpoint.operationId} ${status}`).toEqual(['text/html']);
          expect(served[key], `${endpoint.operationId} ${status}`).toBeUndefined();
          continue;
        }
        expect(served[key], `${endpoint.operationId} ${status}`).toEqual(resolveRefs(DOCUMENT, response.content['application/json'].schema));
      }
    }
  });

  it('validates requests with the very schemas it publishes', () => {
    expect(ENDPOINTS.submitRun.body).toBe(COMPONENT_SCHEMAS.RunRequest);
    const params = DOCUMENT.paths['/api/v1/runs/{run_id}/results']!.get!.parameters!;
    expect(params.map((p) => p.name)).toEqual(['run_id', 'symbol', 'timeframe', 'strategy_id', 'risk_profile', 'long_short', 'limit', 'offset']);
    const limit = params.find((p) => p.name === 'limit')!.schema;
    expect(limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 10000, default: 100 });
  });

  it('has only resolvable references and no unused component schemas', () => {
    const text = JSON.stringify(DOCUMENT);
    const refs = new Set([...text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]));
    for (const name of refs) expect(DOCUMENT.components.schemas).toHaveProperty(name!);
    for (const name of Object.keys(DOCUMENT.components.schemas)) expect(refs.has(name), name).toBe(true);
  });

  it('uses only the Schema Object keywords of OpenAPI 3.0.3 (no const, examples, type arrays...)', () => {
    const allowed = new Set([
      '$ref', 'type', 'nullable', 'description', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems',
      'minLength', 'maxLength', 'pattern', 'format', 'enum', 'minimum', 'maximum', 'default',
    ]);
    const walk = (schema: JsonSchema, where: string): void => {
      for (const key of Object.keys(schema)) expect(allowed.has(key), `${where}: ${key}`).toBe(true);
      expect(schema.type === undefined || typeof schema.type === 'string', where).toBe(true);
      if (schema.$ref !== undefined) expect(Object.keys(schema), `${where}: $ref has siblings`).toEqual(['$ref']);
      if (schema.nullable !== undefined) expect(schema.type, `${where}: nullable without type`).toBeDefined();
      if (schema.required !== undefined) for (const name of schema.required) expect(schema.properties, `${where}: required ${name}`).toHaveProperty(name);
      for (const [name, sub] of Object.entries(schema.properties ?? {})) walk(sub, `${where}.${name}`);
      if (schema.items) walk(schema.items, `${where}[]`);
      if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${where}{}`);
    };
    for (const [name, schema] of Object.entries(DOCUMENT.components.schemas)) walk(schema, name);
    for (const [path, item] of Object.entries(DOCUMENT.paths)) {
      for (const [method, op] of Object.entries(item)) for (const p of op.parameters ?? []) walk(p.schema, `${method} ${path} ${p.name}`);
    }
  });

  it('is plain JSON (survives a round trip unchanged)', () => {
    expect(JSON.parse(JSON.stringify(DOCUMENT))).toEqual(DOCUMENT);
  });

});

// ---------------------------------------------------------------- limits over real sockets

/** The responses in a raw HTTP/1.1 byte stream (Content-Length bodies only). */
function parseResponses(data: string): { status: number; head: string; body: string }[] {
  const out: { status: number; head: string; body: string }[] = [];
  let rest = data;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) throw new Error(`incomplete response: ${rest}`);
    const head = rest.slice(0, end);
    const length = Number(/^content-length: *(\d+)$/im.exec(head)?.[1] ?? 0);
    out.push({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

describe('limits', () => {
  it('answers a request that does not arrive within requestTimeoutMs with 408 and closes the connection', async () => {
    const app = buildServer({
      service: new FakeRunService({ strategyIds: STRATEGY_IDS }),
      version: VERSION,
      bodyLimit: 1024,
      requestTimeoutMs: 300,
      strategies: STRATEGIES,
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      expect(app.server.requestTimeout).toBe(300);
      expect(app.server.timeout).toBe(600);
      const { port } = app.server.address() as { port: number };
      const post = 'POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';
      const cases: [string, string, string?][] = [
        ['headers never finished', 'GET /health HTTP/1.1\r\nHost: x\r\n'],
        ['a body announced and never sent', `${post}Content-Length: 100\r\n\r\n{"sym`],
        ['a chunked body never finished', `${post}Transfer-Encoding: chunked\r\n\r\n3\r\n{"s\r\n`],
        ['a body trickling in', `${post}Content-Length: 100\r\n\r\n`, '{"symbols":["AAPL","SPY","MSFT","BRK.B","^VIX","AAPL","SPY","MSFT","BRK.B","^VIX","AAPL"]}'],
      ];
      for (const [what, head, trickle] of cases) {
        const started = Date.now();
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          let data = '';
          let timer: NodeJS.Timeout | undefined;
          socket.on('data', (chunk) => (data += chunk.toString()));
          socket.on('close', () => {
            clearInterval(timer);
            resolve(data);
          });
          socket.on('error', reject);
          socket.write(head);
          let i = 0;
          if (trickle !== undefined) timer = setInterval(() => socket.writable && socket.write(trickle[i++ % trickle.length]!), 50);
        });
        expect(Date.now() - started, what).toBeLessThan(2000);
        const [response] = parseResponses(answer);
        expect(response?.status, what).toBe(408);
        expect(JSON.parse(response!.body), what).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time', details: null } });
      }
    } finally {
      await app.close();
    }
  });

  it('answers requests arriving while it shuts down with 503 and closes the connection', async () => {
    const service = new FakeRunService({ strategyIds: STRATEGY_IDS });
    const app = buildServer({ service, version: VERSION, bodyLimit: 1024, requestTimeoutMs: 5000, serviceTimeoutMs: 300, strategies: STRATEGIES, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    service.hang('status');
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /api/v1/runs/x HTTP/1.1\r\nHost: x\r\n\r\n');
    await vi.waitFor(() => expect(service.calls.some((c) => c.method === 'status')).toBe(true));
    const closing = app.close();
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    await closing;
    const responses = parseResponses(data);
    expect(responses.map((r) => r.status)).toEqual([503, 503]);
    const bodies = responses.map((r) => JSON.parse(r.body) as { error: { code: string; message: string } });
    expect(bodies.map((b) => b.error.code)).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);
    expect(bodies[0]!.error.message).toMatch(/did not answer in time/);
    expect(responses[1]!.head).toMatch(/^connection: close$/im);
    expect(bodies[1]!.error.message).toBe('the server is shutting down');
  });

  it('refuses an empty token', () => {
    expect(() =>
      buildServer({ service: new FakeRunService({ strategyIds: [] }), version: VERSION, bodyLimit: 1, requestTimeoutMs: 1, strategies: [], token: '' }),
    ).toThrow(/token/);
  });
});

// last: the tests above answered every documented (operation, status) but the 500s no endpoint can be made to give
describe('coverage of the document', () => {
  it('saw every documented response validated', () => {
    const seen = new Set(checked);
    const missing: string[] = [];
    for (const [path, item] of Object.entries(DOCUMENT.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const status of Object.keys(op.responses)) {
          const key = `${method.toUpperCase()} ${path} ${status}`;
          if (!seen.has(key)) missing.push(key);
        }
      }
    }
    // no service call to fail or time out behind these (the shutdown 503 is tested over a raw socket)
    expect(missing.sort()).toEqual([
      'GET /api/v1/strategies 500',
      'GET /api/v1/strategies 503',
      'GET /api/v1/strategies/{id} 500',
      'GET /api/v1/strategies/{id} 503',
      'GET /health 500',
      'GET /openapi.json 500',
      'GET /openapi.json 503',
    ]);
  });
});
