import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isConnectionError } from '../../db/connect.js';
import { ServiceError } from '../types.js';
import { ApiError } from './api-error.js';
import type { ErrorCode } from './schemas.js';
import { validationError } from './validation.js';

export { ApiError };

const SERVICE_STATUS: Readonly<Record<ServiceError['code'], number>> = {
  VALIDATION_ERROR: 400,
  INVALID_SYMBOL: 400,
  RUN_NOT_FOUND: 404,
  STRATEGY_NOT_FOUND: 404,
  CONFLICT: 409,
};

/** fastify's own request errors, in the API's words. */
const FASTIFY_ERRORS: Readonly<Record<string, readonly [number, ErrorCode, string]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than the server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body must be sent as application/json'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'INVALID_JSON', 'the request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'INVALID_JSON', 'the request body is empty; send a JSON object'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Content-Length does not match the body'],
  FST_ERR_BAD_URL: [400, 'BAD_REQUEST', 'the URL is malformed'],
};

const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
};

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/** What a request that needed the database gets while it is down (restarting, unreachable): worth trying again. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'the database is unreachable; try again shortly';

/** The client's view of an error; undefined for a failure of ours (a 500 that discloses nothing). */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof ServiceError) return new ApiError(SERVICE_STATUS[error.code], error.code, error.message, error.details);
  // ECONNREFUSED, ECONNRESET, 57P01 admin_shutdown, 57P03 cannot_connect_now, 'Connection terminated', ...
  if (isConnectionError(error)) return new ApiError(503, 'SERVICE_UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE, null, { 'retry-after': '5' });
  if (!isFastifyError(error)) return undefined;
  if (error.validation !== undefined) return validationError(error.validation, error.validationContext);
  const known = FASTIFY_ERRORS[error.code];
  if (known !== undefined) return new ApiError(known[0], known[1], known[2]);
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new ApiError(status, BY_STATUS[status] ?? 'BAD_REQUEST', (STATUS_CODES[status] ?? 'Bad Request').toLowerCase());
  }
  return undefined;
}

export const INTERNAL_ERROR = new ApiError(500, 'INTERNAL_ERROR', 'internal error; the server log has the details');

/** fastify's error handler: the API's error shape, and the log (never the client) gets the real failure. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let api = toApiError(error);
  if (api === undefined) {
    request.log.error({ err: error }, 'request failed');
    api = INTERNAL_ERROR;
  } else if (api.statusCode === 503 && isConnectionError(error)) {
    request.log.warn({ err: error }, `request failed: ${DATABASE_UNAVAILABLE_MESSAGE}`);
  }
  return reply.code(api.statusCode).headers(api.headers).send(api.body());
}

/** A whole HTTP/1.1 error response, for writing straight to a socket. */
export function rawResponse(status: number, code: ErrorCode, message: string): string {
  const body = JSON.stringify(new ApiError(status, code, message).body());
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Requests node's HTTP parser refuses (a malformed request line or header,
 * headers too large, a request slower than the timeout) never reach fastify:
 * answered here in the same error shape, then the connection is closed.
 */
export function handleClientError(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const response =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? rawResponse(408, 'REQUEST_TIMEOUT', 'the request did not arrive in time')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? rawResponse(431, 'HEADERS_TOO_LARGE', 'the request headers are too large')
        : rawResponse(400, 'BAD_REQUEST', 'the request is malformed');
  if (socket.writable) socket.end(response, () => socket.destroy());
  else socket.destroy();
}
