import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

const REALM = 'Bearer realm="probe"';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Whether the token given is the one expected, in time independent of where
 * (or whether) they differ: both are hashed to 32 bytes first, so even their
 * lengths are compared in constant time.
 */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive, RFC 7235). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1];
}

/** An onRequest hook refusing requests without the right bearer token (401, nothing else runs). */
export function requireToken(expected: string): (request: FastifyRequest) => Promise<void> {
  if (expected.length === 0) throw new Error('the API token must not be empty');
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') {
      throw new ApiError(401, 'UNAUTHORIZED', 'missing bearer token: send the header Authorization: Bearer <token>', null, { 'www-authenticate': REALM });
    }
    const token = bearerToken(header);
    if (token === undefined) {
      throw new ApiError(401, 'UNAUTHORIZED', 'the Authorization header must use the Bearer scheme', null, {
        'www-authenticate': `${REALM}, error="invalid_request"`,
      });
    }
    if (!tokenMatches(token, expected)) {
      throw new ApiError(401, 'UNAUTHORIZED', 'invalid bearer token', null, { 'www-authenticate': `${REALM}, error="invalid_token"` });
    }
  };
}
