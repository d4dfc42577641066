import type { FastifySchema } from 'fastify';
import type { FromParameters, FromSchema } from './schema-types.js';
import {
  type ApiBody, COMPONENT_SCHEMAS, type JsonSchema, type ParameterDef, RESULTS_QUERY, RUN_ID_PARAM, RunRequestSchema, STRATEGIES_QUERY,
  STRATEGY_ID_PARAM, SUMMARY_QUERY, type SchemaName,
} from './schemas.js';

/**
 * Every endpoint of the API, without its handler: the server registers its
 * routes from these and the OpenAPI document is written from them, so a
 * route cannot exist undocumented, be validated against a schema other than
 * the one published, or answer in a shape other than the one published.
 */

export const API_PREFIX = '/api/v1';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface ResponseDef {
  readonly description: string;
  readonly schema: SchemaName;
  /** A body that is not JSON (the report's HTML): published with this media type, sent as the handler returns it. */
  readonly mediaType?: 'text/html';
}

export interface Endpoint {
  readonly operationId: string;
  readonly method: Method;
  /** fastify's form: /api/v1/runs/:run_id */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'system' | 'runs' | 'strategies';
  /** Needs the bearer token when the server has one. */
  readonly auth: boolean;
  readonly params?: Readonly<Record<string, ParameterDef>>;
  readonly query?: Readonly<Record<string, ParameterDef>>;
  readonly body?: JsonSchema;
  readonly bodySchemaName?: SchemaName;
  readonly responses: Readonly<Record<number, ResponseDef>>;
}

const error = (description: string): ResponseDef => ({ description, schema: 'Error' });

const E400 = error('VALIDATION_ERROR: a parameter or body field is invalid; `details` names it.');
const E401 = error('UNAUTHORIZED: the bearer token is missing or wrong (only when the server is configured with a token).');
const E500 = error('INTERNAL_ERROR: an unexpected failure; nothing about it is disclosed (the server logs it).');
const E503 = error('SERVICE_UNAVAILABLE: the server is shutting down, or the service (its database) did not answer in time.');
const RUN_404 = error('RUN_NOT_FOUND: no run with this id.');
const RUN_409 = error('CONFLICT: the run is queued or running; its report is made once it has finished (completed, failed or cancelled).');

export const ENDPOINTS = {
  health: {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    summary: 'Liveness, database reachability and event-loop lag',
    description:
      'Never needs the token. 503 SERVICE_UNAVAILABLE while the database does not answer, with the health fields (status ' +
      'degraded, database unreachable) in the error\'s `details`. event_loop_lag_ms shows whether the server stays responsive ' +
      'while it runs work units; worker_restarts counts worker threads that died and were replaced.',
    tag: 'system',
    auth: false,
    responses: {
      200: { description: 'The server is up and its database answers.', schema: 'Health' },
      500: E500,
      503: error('SERVICE_UNAVAILABLE: the database does not answer (`details` holds the Health fields), or the server is shutting down.'),
    },
  },
  openapi: {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tag: 'system',
    auth: false,
    responses: { 200: { description: 'The OpenAPI 3.0.3 document.', schema: 'OpenApiDocument' }, 500: E500, 503: E503 },
  },
  submitRun: {
    operationId: 'submitRun',
    method: 'POST',
    path: `${API_PREFIX}/runs`,
    summary: 'Submit a probe run (asynchronous)',
    description:
      'Queues the run and answers at once. Submitting an existing run_id again with the same request (lists compared as sets) ' +
      'resumes that run when it failed or was cancelled (202; its stored combinations are kept), and answers with it as it is ' +
      'when it is queued, running or completed (200), also when identical submissions arrive at once.',
    tag: 'runs',
    auth: true,
    body: RunRequestSchema,
    bodySchemaName: 'RunRequest',
    responses: {
      200: { description: 'The run_id exists with this request and is queued, running or completed: that run, unchanged.', schema: 'RunAccepted' },
      202: { description: 'Queued: a new run, or an existing run_id that had failed or was cancelled, resumed.', schema: 'RunAccepted' },
      400: error('VALIDATION_ERROR (`details.field` names the field, e.g. symbols[2]), INVALID_JSON (malformed body) or INVALID_SYMBOL (a symbol not in the database).'),
      401: E401,
      409: error('CONFLICT: the run_id exists with a different request.'),
      413: error('PAYLOAD_TOO_LARGE: the body exceeds the configured limit.'),
      415: error('UNSUPPORTED_MEDIA_TYPE: the body is not application/json.'),
      500: E500, 503: E503,
    },
  },
  getRun: {
    operationId: 'getRun',
    method: 'GET',
    path: `${API_PREFIX}/runs/:run_id`,
    summary: 'A run’s status and progress',
    tag: 'runs',
    auth: true,
    params: { run_id: RUN_ID_PARAM },
    responses: { 200: { description: 'The run.', schema: 'RunStatus' }, 400: E400, 401: E401, 404: RUN_404, 500: E500, 503: E503 },
  },
  cancelRun: {
    operationId: 'cancelRun',
    method: 'DELETE',
    path: `${API_PREFIX}/runs/:run_id`,
    summary: 'Cancel a run',
    description: 'Drops its queued work; results already written stay. A finished run is left as it is.',
    tag: 'runs',
    auth: true,
    params: { run_id: RUN_ID_PARAM },
    responses: { 200: { description: 'The run after cancelling.', schema: 'RunStatus' }, 400: E400, 401: E401, 404: RUN_404, 500: E500, 503: E503 },
  },
  getRunResults: {
    operationId: 'getRunResults',
    method: 'GET',
    path: `${API_PREFIX}/runs/:run_id/results`,
    summary: 'A run’s aggregated results, filtered and paged',
    description: 'Unknown query parameters are refused (400), so that a misspelt filter cannot silently return everything.',
    tag: 'runs',
    auth: true,
    params: { run_id: RUN_ID_PARAM },
    query: RESULTS_QUERY,
    responses: { 200: { description: 'One page of result rows.', schema: 'ResultPage' }, 400: E400, 401: E401, 404: RUN_404, 500: E500, 503: E503 },
  },
  getRunSummary: {
    operationId: 'getRunSummary',
    method: 'GET',
    path: `${API_PREFIX}/runs/:run_id/summary`,
    summary: 'A run’s per-strategy summary (summary.csv of `probe report`), filtered and paged',
    description:
      'One row per (symbol, timeframe, strategy, risk profile) the run finished, trades or none, with /results\' filters and paging. ' +
      'The metrics come from the run\'s stored trades; a run that did not store them has them recomputed by the engine and checked ' +
      'against its stored results (`verification`), which can take seconds for a large run.',
    tag: 'runs',
    auth: true,
    params: { run_id: RUN_ID_PARAM },
    query: SUMMARY_QUERY,
    responses: {
      200: { description: 'One page of summary rows.', schema: 'SummaryPage' },
      400: E400, 401: E401, 404: RUN_404, 409: RUN_409, 500: E500, 503: E503,
    },
  },
  getRunReport: {
    operationId: 'getRunReport',
    method: 'GET',
    path: `${API_PREFIX}/runs/:run_id/report`,
    summary: 'A run’s report: the index.html `probe report --run-id` writes',
    description: 'One self-contained HTML page: leaderboard, heatmap, equity curves, hour x weekday, drill-down with the bars and trades.',
    tag: 'runs',
    auth: true,
    params: { run_id: RUN_ID_PARAM },
    responses: {
      200: { description: 'The report page.', schema: 'ReportHtml', mediaType: 'text/html' },
      400: E400, 401: E401, 404: RUN_404, 409: RUN_409, 500: E500, 503: E503,
    },
  },
  listStrategies: {
    operationId: 'listStrategies',
    method: 'GET',
    path: `${API_PREFIX}/strategies`,
    summary: 'The strategies in the registry',
    tag: 'strategies',
    auth: true,
    query: STRATEGIES_QUERY,
    responses: { 200: { description: 'The strategies, by id.', schema: 'StrategyList' }, 400: E400, 401: E401, 500: E500, 503: E503 },
  },
  getStrategy: {
    operationId: 'getStrategy',
    method: 'GET',
    path: `${API_PREFIX}/strategies/:id`,
    summary: 'One strategy with its conditions and exit parameters',
    tag: 'strategies',
    auth: true,
    params: { id: STRATEGY_ID_PARAM },
    responses: {
      200: { description: 'The strategy.', schema: 'StrategyDetail' },
      400: E400,
      401: E401,
      404: error('STRATEGY_NOT_FOUND: no strategy with this id.'),
      500: E500, 503: E503,
    },
  },
} satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

function parametersSchema(parameters: Readonly<Record<string, ParameterDef>>): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(parameters).map(([name, p]) => [name, p.schema])),
    required: Object.entries(parameters).filter(([, p]) => p.required === true).map(([name]) => name),
  };
}

/** The 2xx statuses an endpoint answers with a body. */
type Success = 200 | 201 | 202;

/**
 * What fastify hands a handler of the endpoint and what the handler returns
 * (the body of its 2xx responses), worked out of the endpoint's schemas:
 * `addRoute<RouteTypes<typeof ENDPOINTS.getRun>>(...)`.
 */
export interface RouteTypes<E extends Endpoint> {
  Params: E extends { readonly params: infer P } ? FromParameters<P> : unknown;
  Querystring: E extends { readonly query: infer Q } ? FromParameters<Q> : unknown;
  Body: E extends { readonly body: infer B } ? FromSchema<B> : unknown;
  Reply: {
    [S in keyof E['responses']]: S extends Success
      ? E['responses'][S] extends { readonly mediaType: string }
        ? Uint8Array | string
        : ApiBody<E['responses'][S]['schema']>
      : never;
  }[keyof E['responses']];
}

/**
 * A component schema with every `$ref` replaced by the component it names
 * (the schemas are not recursive), one object per name: fastify's
 * serializer takes a schema whole.
 */
const inlined = new Map<SchemaName, JsonSchema>();

export function inlineSchema(name: SchemaName): JsonSchema {
  let schema = inlined.get(name);
  if (schema === undefined) {
    schema = inline(COMPONENT_SCHEMAS[name]);
    inlined.set(name, schema);
  }
  return schema;
}

function inline(schema: JsonSchema): JsonSchema {
  const target = /^#\/components\/schemas\/(\w+)$/.exec(schema.$ref ?? '')?.[1];
  if (target !== undefined) return inlineSchema(target as SchemaName);
  const out: { -readonly [K in keyof JsonSchema]: JsonSchema[K] } = { ...schema };
  if (schema.items !== undefined) out.items = inline(schema.items);
  if (schema.properties !== undefined) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, inline(v)]));
  if (typeof schema.additionalProperties === 'object') out.additionalProperties = inline(schema.additionalProperties);
  return out;
}

/**
 * The response schemas of an endpoint, as fastify takes them: a success by
 * its status, the errors by their class (4xx, 5xx), as every error has the
 * one Error schema; so an error the endpoint does not list (a 408, say)
 * is written in that shape too, and each class is compiled once.
 */
export function responseSchemas(endpoint: Endpoint): Record<string, JsonSchema> {
  const response: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(endpoint.responses) as [string, ResponseDef][]) {
    // fastify serialises JSON only: another media type is sent as the handler returns it
    if (r.mediaType !== undefined) continue;
    const key = Number(status) >= 400 ? `${status[0]}xx` : status;
    const schema = inlineSchema(r.schema);
    if (response[key] !== undefined && response[key] !== schema) throw new Error(`${endpoint.operationId}: the ${key} responses have different schemas`);
    response[key] = schema;
  }
  return response;
}

/**
 * The schemas fastify validates the endpoint's request with, and serialises
 * its responses with: a body is written with exactly the properties its
 * schema lists (others are dropped), and a required one missing fails the
 * request (a 500) instead of answering short.
 */
export function routeSchema(endpoint: Endpoint): FastifySchema {
  return {
    ...(endpoint.params ? { params: parametersSchema(endpoint.params) } : {}),
    ...(endpoint.query ? { querystring: parametersSchema(endpoint.query) } : {}),
    ...(endpoint.body ? { body: endpoint.body } : {}),
    response: responseSchemas(endpoint),
  };
}

/** /api/v1/runs/:run_id -> /api/v1/runs/{run_id} */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
