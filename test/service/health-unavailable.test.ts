import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { isConnectionError } from '../../runtime/db/connect.js';
import { COMPONENT_SCHEMAS, type JsonSchema } from '../../runtime/service/http/schemas.js';
import { buildServer } from '../../runtime/service/http/server.js';
import { FakeRunService } from '../support/fake-run-service.js';

/**
 * While the database is down, /health answers 503 (a load balancer takes
 * the instance out) and the API's calls that need the database answer 503
 * SERVICE_UNAVAILABLE, not a 500: PostgreSQL restarting is not a bug of
 * ours. /health also reports how many worker threads were replaced.
 */
let app: FastifyInstance | undefined;
let service: FakeRunService;

function server(workerRestarts?: () => number): FastifyInstance {
  service = new FakeRunService({ strategyIds: [1, 2] });
  app = buildServer({ service, version: '1.2.3', bodyLimit: 1 << 20, requestTimeoutMs: 5000, strategies: [], logger: false, workerRestarts });
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const ajv = new Ajv({ strict: false });
const resolve = (schema: JsonSchema): JsonSchema => JSON.parse(JSON.stringify(schema).replace(/\{"\$ref":"#\/components\/schemas\/(\w+)"\}/g, (_, name: string) =>
  JSON.stringify(COMPONENT_SCHEMAS[name as keyof typeof COMPONENT_SCHEMAS]))) as JsonSchema;
const validHealth = ajv.compile(resolve(COMPONENT_SCHEMAS.Health));
const validError = ajv.compile(resolve(COMPONENT_SCHEMAS.Error));

/** An error as pg or node's net module make it. */
const pgError = (message: string, code?: string): Error => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('GET /health', () => {
  it('answers 200 with the worker restarts while the database answers', async () => {
    const r = await server(() => 3).inject({ method: 'GET', url: '/health' });
    expect(r.statusCode).toBe(200);
    const body = r.json<Record<string, unknown>>();
    expect(body).toMatchObject({ status: 'ok', database: 'ok', worker_restarts: 3 });
    expect(validHealth(body), ajv.errorsText(validHealth.errors)).toBe(true);
  });

  it('reports 0 worker restarts without a pool', async () => {
    const r = await server().inject({ method: 'GET', url: '/health' });
    expect(r.json()).toMatchObject({ worker_restarts: 0 });
  });

  it('answers 503 SERVICE_UNAVAILABLE, with the health figures, while the database does not answer', async () => {
    const app = server(() => 1);
    for (const down of [() => (service.databaseUp = false), () => service.failNext('databaseOk', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))]) {
      service.databaseUp = true;
      down();
      const r = await app.inject({ method: 'GET', url: '/health' });
      expect(r.statusCode).toBe(503);
      expect(r.headers['retry-after']).toBe('5');
      const body = r.json<{ error: { code: string; details: Record<string, unknown> } }>();
      expect(validError(body), ajv.errorsText(validError.errors)).toBe(true);
      expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.error.details).toMatchObject({ status: 'degraded', database: 'unreachable', version: '1.2.3', worker_restarts: 1 });
      expect(validHealth(body.error.details), ajv.errorsText(validHealth.errors)).toBe(true);
    }
    service.databaseUp = true;
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('API calls while the database is down', () => {
  const connectionErrors: [string, Error][] = [
    ['ECONNREFUSED', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['ECONNRESET', pgError('read ECONNRESET', 'ECONNRESET')],
    ['57P01 admin_shutdown', pgError('terminating connection due to administrator command', '57P01')],
    ['57P03 cannot_connect_now', pgError('the database system is starting up', '57P03')],
    ['Connection terminated', pgError('Connection terminated unexpectedly')],
    ['a dead client', pgError('Client has encountered a connection error and is not queryable')],
    ['ECONNREFUSED on every address', new AggregateError([pgError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
    ['ECONNREFUSED as a cause', new Error('cannot load the run', { cause: pgError('connect ECONNREFUSED', 'ECONNREFUSED') })],
  ];

  it.each(connectionErrors)('%s: 503 SERVICE_UNAVAILABLE', async (_, error) => {
    expect(isConnectionError(error)).toBe(true);
    const app = server();
    service.failNext('status', error);
    const r = await app.inject({ method: 'GET', url: '/api/v1/runs/some-run' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'the database is unreachable; try again shortly', details: null } });
    expect(r.headers['retry-after']).toBe('5');
  });

  it('a submission meeting a restart: 503', async () => {
    const app = server();
    service.failNext('submit', pgError('terminating connection due to administrator command', '57P01'));
    const r = await app.inject({ method: 'POST', url: '/api/v1/runs', payload: { symbols: ['AAPL'] } });
    expect(r.statusCode).toBe(503);
  });

  it('other failures stay a 500 that discloses nothing', async () => {
    for (const error of [new Error('boom'), pgError('duplicate key value violates unique constraint', '23505'), pgError('syntax error', '42601')]) {
      expect(isConnectionError(error)).toBe(false);
      const app = server();
      service.failNext('status', error);
      const r = await app.inject({ method: 'GET', url: '/api/v1/runs/some-run' });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toMatchObject({ error: { code: 'INTERNAL_ERROR' } });
      await app.close();
    }
  });
});
