import type {
  FastifyInstance, FastifyRequest, HTTPMethods, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault,
  RouteGenericInterface, RouteHandlerMethod,
} from 'fastify';
import type { LagFigures } from '../event-loop-lag.js';
import type { OpenApiDocument } from '../openapi.js';
import type { RunService } from '../types.js';
import { ApiError } from './api-error.js';
import { type Endpoint, routeSchema } from './endpoints.js';
import type { StrategyInfo } from '../../registry/strategy-info.js';

export type Handler<R extends RouteGenericInterface> = RouteHandlerMethod<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, R>;

/** Registers an endpoint of endpoints.ts with its handler, validated by its own schemas; `prefix` is the plugin's. */
export function addRoute<R extends RouteGenericInterface>(app: FastifyInstance, prefix: string, endpoint: Endpoint, handler: Handler<R>): void {
  if (!endpoint.path.startsWith(prefix)) throw new Error(`${endpoint.path} is not under ${prefix}`);
  app.route<R>({ method: endpoint.method, url: endpoint.path.slice(prefix.length) || '/', schema: routeSchema(endpoint), handler });
}

const notAllowedHandlers = new WeakSet<object>();

/** Whether a route's handler is one of the 405 answers below (not an endpoint). */
export function isMethodNotAllowed(handler: unknown): boolean {
  return typeof handler === 'function' && notAllowedHandlers.has(handler);
}

function clipMethod(method: string): string {
  return method.length > 16 ? `${method.slice(0, 16)}…` : method;
}

function notAllowed(allow: readonly string[]): (request: FastifyRequest) => Promise<never> {
  const handler = async (request: FastifyRequest): Promise<never> => {
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${clipMethod(request.method)} is not allowed here; use ${allow.join(', ')}`, { allow }, {
      allow: allow.join(', '),
    });
  };
  notAllowedHandlers.add(handler);
  return handler;
}

/**
 * For each path of `endpoints` (all under `prefix`), a route answering every
 * other method fastify knows with 405 METHOD_NOT_ALLOWED.
 */
export function addMethodNotAllowed(app: FastifyInstance, prefix: string, endpoints: readonly Endpoint[]): void {
  const byPath = new Map<string, Set<string>>();
  for (const e of endpoints) {
    const methods = byPath.get(e.path) ?? new Set<string>();
    methods.add(e.method);
    if (e.method === 'GET') methods.add('HEAD');
    byPath.set(e.path, methods);
  }
  for (const [path, methods] of byPath) {
    const others = app.supportedMethods.filter((m) => !methods.has(m)) as HTTPMethods[];
    if (others.length === 0) continue;
    app.route({ method: others, url: path.slice(prefix.length) || '/', exposeHeadRoute: false, handler: notAllowed([...methods].sort()) });
  }
}

/** What the route modules are built from. */
export interface RouteContext {
  readonly service: RunService;
  readonly strategies: readonly StrategyInfo[];
  readonly version: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  /** How long /health waits for the database before calling it unreachable. */
  readonly healthTimeoutMs: number;
  /** How long a service call may take (see timed()). */
  readonly serviceTimeoutMs: number;
  readonly document: OpenApiDocument;
  /** The event loop's recent lag, for /health. */
  readonly eventLoopLag: () => LagFigures;
}

