import { ENDPOINTS, type Endpoint, type ResponseDef, openApiPath } from './http/endpoints.js';
import { COMPONENT_SCHEMAS, type JsonSchema, type ParameterDef, type SchemaName } from './http/schemas.js';

/** The OpenAPI 3.0.3 objects this document uses. */
export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly description: string;
  readonly schema: JsonSchema;
}

export interface OpenApiMediaType {
  readonly schema: JsonSchema;
}

export interface OpenApiResponse {
  readonly description: string;
  /** application/json, but for the report's text/html. */
  readonly content: Readonly<Record<string, OpenApiMediaType>>;
}

export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly security: readonly SecurityRequirement[];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly required: boolean; readonly content: { readonly 'application/json': OpenApiMediaType } };
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
}

export type HttpMethodName = 'get' | 'post' | 'delete';
export type OpenApiPathItem = Partial<Record<HttpMethodName, OpenApiOperation>>;

export interface OpenApiDocument {
  readonly openapi: '3.0.3';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  readonly components: {
    readonly schemas: Readonly<Record<SchemaName, JsonSchema>>;
    readonly securitySchemes: { readonly bearerAuth: { readonly type: 'http'; readonly scheme: 'bearer'; readonly description: string } };
  };
}

const BEARER: SecurityRequirement = { bearerAuth: [] };

const json = (schema: JsonSchema): { 'application/json': OpenApiMediaType } => ({ 'application/json': { schema } });
const ref = (name: SchemaName): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

function parameters(where: 'path' | 'query', defs: Readonly<Record<string, ParameterDef>> | undefined): OpenApiParameter[] {
  return Object.entries(defs ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || p.required === true,
    description: p.description,
    schema: p.schema,
  }));
}

function operation(endpoint: Endpoint): OpenApiOperation {
  const params = [...parameters('path', endpoint.params), ...parameters('query', endpoint.query)];
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    ...(endpoint.description === undefined ? {} : { description: endpoint.description }),
    tags: [endpoint.tag],
    security: endpoint.auth ? [BEARER] : [],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(endpoint.bodySchemaName === undefined ? {} : { requestBody: { required: true, content: json(ref(endpoint.bodySchemaName)) } }),
    responses: Object.fromEntries(
      (Object.entries(endpoint.responses) as [string, ResponseDef][]).map(([status, r]) => [
        status,
        { description: r.description, content: r.mediaType === undefined ? json(ref(r.schema)) : { [r.mediaType]: { schema: ref(r.schema) } } },
      ]),
    ),
  };
}

/**
 * The API's OpenAPI 3.0.3 document, written from the same endpoint table
 * and schemas the server registers and validates with.
 */
export function openApiDocument(version: string): OpenApiDocument {
  const paths: Record<string, OpenApiPathItem> = {};
  for (const endpoint of Object.values(ENDPOINTS) as Endpoint[]) {
    const path = openApiPath(endpoint.path);
    paths[path] = { ...paths[path], [endpoint.method.toLowerCase() as HttpMethodName]: operation(endpoint) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'probe',
      version,
      description:
        'Backtests the strategy registry over symbols, timeframes and risk profiles (design document, section 6). ' +
        'Every error is {"error": {"code", "message", "details"}}. When the server is configured with a token, ' +
        'every /api/v1 route needs `Authorization: Bearer <token>`; /health and /openapi.json never do.',
    },
    tags: [
      { name: 'system', description: 'Health and this document.' },
      { name: 'runs', description: 'Probe runs: submit, follow, cancel, read results.' },
      { name: 'strategies', description: 'The strategy registry.' },
    ],
    paths,
    components: {
      schemas: COMPONENT_SCHEMAS,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The server’s API token (PROBE_API_TOKEN).' } },
    },
  };
}
