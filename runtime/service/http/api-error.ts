import type { ErrorCode } from './schemas.js';

export type ErrorDetails = Readonly<Record<string, unknown>> | null;

/** Every error response: `{"error": {"code", "message", "details"}}`. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details: ErrorDetails };
}

/** An error the client is told about, as it is told. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}
