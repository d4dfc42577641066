import fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { EventLoopLag } from '../event-loop-lag.js';
import { openApiDocument } from '../openapi.js';
import type { RunService } from '../types.js';
import { ApiError } from './api-error.js';
import { requireToken } from './auth.js';
import { API_PREFIX, ENDPOINTS, type Endpoint } from './endpoints.js';
import { handleClientError, handleError } from './errors.js';
import { addMethodNotAllowed, isMethodNotAllowed, type RouteContext } from './route.js';
import { runRoutes } from './run-routes.js';
import type { StrategyInfo } from '../../registry/strategy-info.js';
import { strategyRoutes } from './strategy-routes.js';
import { systemRoutes } from './system-routes.js';
import type { JsonSchema } from './schemas.js';
import { addBodyDeadline } from './timeouts.js';
import { clip, coerceIntegers, createValidatorCompiler } from './validation.js';

export type { StrategyInfo } from '../../registry/strategy-info.js';
export { strategyInfos } from '../../registry/strategy-info.js';

export interface ServerOptions {
  readonly service: RunService;
  readonly version: string;
  /** When set, every /api/v1 route needs `Authorization: Bearer <token>`. Must not be empty. */
  readonly token?: string;
  /** Largest request body accepted, in bytes (else 413). */
  readonly bodyLimit: number;
  /** A request (headers and body) must arrive within this (else 408); a connection may idle twice as long. */
  readonly requestTimeoutMs: number;
  readonly strategies: readonly StrategyInfo[];
  /** When the server started (ms since the epoch), for uptime_seconds; default now. */
  readonly startedAt?: number;
  /** fastify's logger option; default true (pino, level info). Failures behind a 500 are logged here and only here. */
  readonly logger?: FastifyServerOptions['logger'];
  /** How long /health waits for the database; default 2000 ms. */
  readonly healthTimeoutMs?: number;
  /** How long a call of the service may take before the request gets 503 SERVICE_UNAVAILABLE; default requestTimeoutMs. */
  readonly serviceTimeoutMs?: number;
  /** The event-loop lag /health reports; default one of the server's own, closed with it. */
  readonly eventLoopLag?: EventLoopLag;
  /** Worker threads replaced after dying (WorkerPool.restarts), for /health; default 0. */
  readonly workerRestarts?: () => number;
}

/** A route as fastify registered it. */
export interface RegisteredRoute {
  readonly method: string;
  /** fastify's form, e.g. /api/v1/runs/:run_id */
  readonly url: string;
  /** False for the routes that only answer 405 for the methods a path lacks. */
  readonly endpoint: boolean;
}

const routeLists = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route the server has (after ready()), HEAD and 405 routes included. */
export function listRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return routeLists.get(app) ?? [];
}

const endpoints = Object.values(ENDPOINTS) as Endpoint[];

async function notFound(request: FastifyRequest): Promise<never> {
  throw new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${clip(request.url.split('?')[0]!, 100)}`);
}

/**
 * The HTTP layer of `probe serve` (design document, section 6) over a
 * RunService. Not listening yet: call listen() (or inject() in tests).
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  if (options.token !== undefined && options.token.length === 0) throw new Error('the API token must not be empty');
  const app = fastify({
    logger: options.logger ?? true,
    bodyLimit: options.bodyLimit,
    // a request (headers and body) must arrive within requestTimeoutMs, else 408 in the API's shape (handleClientError
    // for the headers, addBodyDeadline for the body); a connection may idle longer, so that a stalled request gets
    // that 408 rather than a silent close
    requestTimeout: options.requestTimeoutMs,
    connectionTimeout: 2 * options.requestTimeoutMs,
    clientErrorHandler: handleClientError,
    // a URL the router cannot decode (e.g. a broken %-escape) is a 400 in the API's shape too
    frameworkErrors: handleError,
    // long enough for the schemas to name an overlong run id (a 400), rather than the router's 414
    routerOptions: { maxParamLength: 500 },
    http: {
      // a missing Host is answered below in the API's error shape, rather than by node with an empty 400
      requireHostHeader: false,
      // how often node looks for requests past requestTimeout (its default, 30 s, would make the limit that coarse)
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(options.requestTimeoutMs / 4))),
    },
    // requests arriving during shutdown are answered below in the API's error shape, rather than by fastify in its own
    return503OnClosing: false,
  });

  const routes: RegisteredRoute[] = [];
  routeLists.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, endpoint: !isMethodNotAllowed(route.handler) });
  });

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request) => {
    if (closing) throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'the server is shutting down', null, { connection: 'close' });
    // RFC 9112, 3.2: an HTTP/1.1 request without Host is a 400
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw new ApiError(400, 'BAD_REQUEST', 'the Host header is required');
    }
  });

  addBodyDeadline(app, options.requestTimeoutMs);
  app.setValidatorCompiler(createValidatorCompiler());
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema;
    coerceIntegers(request.params, schema?.params as JsonSchema | undefined);
    coerceIntegers(request.query, schema?.querystring as JsonSchema | undefined);
  });
  // JSON only: a text/plain body is 415, not a string for the schema to refuse
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(notFound);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
  });

  // the caller's monitor is the caller's to close; one made here lives as long as the server
  const lag = options.eventLoopLag ?? new EventLoopLag();
  if (options.eventLoopLag === undefined) app.addHook('onClose', async () => lag.close());

  const ctx: RouteContext = {
    service: options.service,
    strategies: options.strategies,
    version: options.version,
    startedAt: options.startedAt ?? Date.now(),
    healthTimeoutMs: options.healthTimeoutMs ?? 2000,
    serviceTimeoutMs: options.serviceTimeoutMs ?? options.requestTimeoutMs,
    document: openApiDocument(options.version),
    eventLoopLag: () => lag.figures(),
  };

  systemRoutes(app, ctx, { workerRestarts: options.workerRestarts });
  addMethodNotAllowed(app, '', endpoints.filter((e) => !e.path.startsWith(`${API_PREFIX}/`)));

  void app.register(
    async (api) => {
      // the token guards the API's routes, its 405s and its 404s alike
      if (options.token !== undefined) api.addHook('onRequest', requireToken(options.token));
      api.setNotFoundHandler(notFound);
      runRoutes(api, ctx);
      strategyRoutes(api, ctx);
      addMethodNotAllowed(api, API_PREFIX, endpoints.filter((e) => e.path.startsWith(`${API_PREFIX}/`)));
    },
    { prefix: API_PREFIX },
  );
  return app;
}
