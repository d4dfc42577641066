import { Ajv, type Options } from 'ajv';
import type { FastifyError, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { ApiError } from './api-error.js';
import { type JsonSchema, TIMEFRAME_PATTERN } from './schemas.js';

/** The years a date may have: PostgreSQL's timestamps hold no year 0 (there is none: 1 BC is followed by AD 1), and YYYY ends at 9999. */
const FIRST_YEAR = 1;
const LAST_YEAR = 9999;

/**
 * A real calendar day written YYYY-MM-DD (2025-02-30 and 2023-02-29 are not
 * one) from 0001-01-01 to 9999-12-31: what PostgreSQL and the engine take
 * as a day of bars (0000-01-01 would fail in the database).
 */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < FIRST_YEAR || year > LAST_YEAR) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, takes years below 100 as they are
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const AJV_OPTIONS: Options = {
  allErrors: false,
  coerceTypes: false,
  strict: true,
  useDefaults: false,
  removeAdditional: false,
  formats: { date: isCalendarDate },
  // each error carries the value it refused (`data`), for the message and details
  verbose: true,
};

/**
 * fastify validates with the API's own schemas (schemas.ts), types as they
 * are: a body's "true" is not a boolean. Path and query parameters arrive as
 * text, so coerceIntegers() turns those the schema says are integers, and
 * that are written as one, into numbers first (ajv's own coercion would take
 * "0x10", " 1" and "1e400").
 */
export function createValidatorCompiler(): FastifySchemaCompiler<JsonSchema> {
  const ajv = new Ajv(AJV_OPTIONS);
  return ({ schema }) => ajv.compile(schema);
}

/** In place: each value whose property schema is an integer and that is written as a decimal integer becomes a number. */
export function coerceIntegers(values: unknown, schema: JsonSchema | undefined): void {
  if (schema?.properties === undefined || typeof values !== 'object' || values === null) return;
  const record = values as Record<string, unknown>;
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (property.type === 'integer' && typeof value === 'string' && /^-?[0-9]+$/.test(value)) record[name] = Number(value);
  }
}

/** Echoes of client input stay short. */
export function clip(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Where fastify found the invalid value. */
export type RequestPart = NonNullable<FastifyError['validationContext']>;

const PLACE: Readonly<Record<RequestPart, 'body' | 'query' | 'path' | 'header'>> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

function segments(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** ['symbols', '2', 'x'] -> symbols[2].x */
function fieldName(path: readonly string[]): string {
  return path.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** What a pattern of schemas.ts asks for, in words. */
const PATTERNS: Readonly<Record<string, string>> = {
  [TIMEFRAME_PATTERN]: 'must be a timeframe: a count from 1 to 9999 and Min, Hour, Day, Week or Month (e.g. 15Min, 1Hour, 1Day)',
};

/** The value a failed check refused, when it is short enough to show (a string, clipped; a number; true or false). */
function refusedValue(error: FastifySchemaValidationError): string | number | boolean | undefined {
  const value = (error as { data?: unknown }).data;
  if (typeof value === 'string') return clip(value);
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return value;
  return undefined;
}

function describe(error: FastifySchemaValidationError): string {
  const p = error.params;
  switch (error.keyword) {
    case 'type':
      return `must be ${String(p.type).replace(',null', ' or null')}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'format':
      return p.format === 'date' ? 'must be a real date from 0001-01-01 to 9999-12-31 written YYYY-MM-DD' : `must be a ${String(p.format)}`;
    case 'pattern':
      return PATTERNS[String(p.pattern)] ?? `must match ${String(p.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** fastify's validation failure as a 400 VALIDATION_ERROR naming the field or parameter. */
export function validationError(errors: readonly FastifySchemaValidationError[], part: RequestPart | undefined): ApiError {
  const where = PLACE[part ?? 'body'];
  const first = errors[0];
  if (first === undefined) return new ApiError(400, 'VALIDATION_ERROR', `invalid ${where}`, { in: where });
  const path = segments(first.instancePath).map((s) => clip(s));
  let message: string;
  if (first.keyword === 'additionalProperties') {
    path.push(clip(String(first.params.additionalProperty)));
    message = where === 'body' ? `unknown field "${fieldName(path)}"` : `unknown ${where} parameter "${path[0]}"`;
  } else if (first.keyword === 'required') {
    path.push(clip(String(first.params.missingProperty)));
    message = `${fieldName(path)} is required`;
  } else if (path.length === 0) {
    message = where === 'body' ? 'the request body must be a JSON object' : `the ${where} ${describe(first)}`;
  } else {
    message = `${fieldName(path)} ${describe(first)}`;
  }
  if (path.length === 0) return new ApiError(400, 'VALIDATION_ERROR', message, { in: where });
  // a body field's refused value itself, not for a missing or unknown field (the path names those)
  const value = where !== 'body' || first.keyword === 'required' || first.keyword === 'additionalProperties' ? undefined : refusedValue(first);
  if (value !== undefined) message += ` (got ${JSON.stringify(value)})`;
  const details = {
    ...(where === 'body' ? { in: where, field: fieldName(path) } : { in: where, parameter: path[0] }),
    ...(value === undefined ? {} : { value }),
  };
  return new ApiError(400, 'VALIDATION_ERROR', message, details);
}
