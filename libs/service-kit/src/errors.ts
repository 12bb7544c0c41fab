import type { ErrorCode, ErrorEnvelope, ErrorType, FieldIssue } from '@komputer/contracts';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { isRedisUnavailableError } from './redis';

const TYPE_BY_STATUS: Record<number, ErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  409: 'conflict_error',
  410: 'invalid_request_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
  502: 'unavailable_error',
  426: 'invalid_request_error',
  503: 'unavailable_error',
  504: 'unavailable_error',
};

/** Options for {@link AppError}. */
export interface AppErrorOptions {
  details?: Record<string, unknown>;
  retryable?: boolean;
  cause?: unknown;
}

/** The one error type the services throw on purpose. The error middleware turns it into the wire envelope. */
export class AppError extends Error {
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.details = options.details;
    this.retryable = options.retryable ?? status >= 500;
  }

  /** The wire type for this status. */
  get type(): ErrorType {
    return TYPE_BY_STATUS[this.status] ?? 'api_error';
  }
}

/** Turns zod issues into field issues: `where` is "body", "query" or "path". */
export function toFieldIssues(where: string, error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [where, ...issue.path.map(String)].join('.');
    // Unknown keys are reported on the parent; name them so the client sees which one.
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
    return { path, message: `${issue.message}${keys}` };
  });
}

/** A 400 whose message names every bad field. */
export function validationError(issues: FieldIssue[]): AppError {
  const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new AppError('VALIDATION_FAILED', 400, message, { details: { issues }, retryable: false });
}

/** Parses `value` with `schema` or throws a {@link validationError} naming the fields. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(toFieldIssues(where, result.error));
  return result.data;
}

/** The `type` of the error for a JSON body nested deeper than its bound (see `jsonBodyParser`). */
export const JSON_TOO_DEEP = 'entity.too.deep';

interface HttpParserError extends Error {
  type?: string;
  code?: unknown;
  status?: number;
  expose?: boolean;
}

/**
 * What is wrong with a JSON body, without V8's quote of the body itself (`Unexpected token 's',
 * "{"apiKey": sk-…}" is not valid JSON`): the body may hold a secret, and an error message must not.
 */
function describeJsonError(message: string): string {
  const withoutQuote = message
    .replace(/,? ?(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')
    .trim();
  return `malformed JSON (${withoutQuote || 'not valid JSON'})`;
}

/**
 * zlib's error codes (`Z_DATA_ERROR`; brotli's `ERR__ERROR_FORMAT_PADDING_1`...): the body is not
 * compressed as its Content-Encoding says.
 */
const ZLIB_ERROR = /^(Z_|ERR__ERROR_)/;

/** Maps errors that are not ours (body parser, Redis) to an AppError, or undefined when unknown. */
function classify(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  // Body-parser errors first: their messages quote the request body, so a body such as
  // `READONLY` would otherwise pass for a Redis outage and turn a 400 into a 503.
  const e = err as HttpParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new AppError('INVALID_JSON', 400, `body: ${describeJsonError(e.message)}`, {
        retryable: false,
      });
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 413, 'body: request body is larger than the limit', {
        retryable: false,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 415, `body: ${e.message}`, {
        retryable: false,
      });
    case JSON_TOO_DEEP:
      return new AppError('VALIDATION_FAILED', 400, `body: ${e.message}`, { retryable: false });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new AppError('VALIDATION_FAILED', 400, `body: ${e.message}`, { retryable: false });
  }
  if (typeof e?.code === 'string' && ZLIB_ERROR.test(e.code)) {
    return new AppError(
      'VALIDATION_FAILED',
      400,
      'body: does not decompress as its Content-Encoding says',
      { retryable: false },
    );
  }
  // Express decodes path parameters itself, and a malformed escape (`%zz`, a lone `%`) throws.
  if (err instanceof URIError && e.status === 400) {
    return new AppError(
      'VALIDATION_FAILED',
      400,
      'path: malformed percent-encoding (such as "%zz" or a lone "%")',
      { retryable: false },
    );
  }
  if (isRedisUnavailableError(err)) {
    return new AppError('REDIS_UNAVAILABLE', 503, 'Redis is unavailable; retry shortly', {
      retryable: true,
    });
  }
  if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError('VALIDATION_FAILED', e.status, e.message, { retryable: false });
  }
  return undefined;
}

/** The headers an error's answer carries besides its envelope: `Retry-After` on a `503`. */
export function errorHeaders(err: AppError): Record<string, string> {
  return err.status === 503 ? { 'Retry-After': '1' } : {};
}

/** Builds the wire envelope. */
export function toErrorEnvelope(err: AppError, requestId: string): ErrorEnvelope {
  return {
    error: err.message,
    code: err.code,
    type: err.type,
    requestId,
    retryable: err.retryable,
    ...(err.details ? { details: err.details } : {}),
  };
}

/** Answers every route that matched nothing with a 404 envelope. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(
    new AppError('NOT_FOUND', 404, `no route for ${req.method} ${req.path}`, { retryable: false }),
  );
};

/**
 * The single error middleware. Known errors become their envelope; anything else is logged
 * once, with its stack, and answered with a plain 500 that reveals nothing.
 */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const requestId = String(res.locals['requestId'] ?? '');
    let appError = classify(err);
    if (!appError) {
      logger.error({ err, requestId, method: req.method, path: req.path }, 'unhandled error');
      appError = new AppError('INTERNAL', 500, 'internal error', { retryable: true });
    } else if (appError.status >= 500) {
      logger.warn(
        { requestId, code: appError.code, method: req.method, path: req.path },
        appError.message,
      );
    }
    res
      .set(errorHeaders(appError))
      .status(appError.status)
      .json(toErrorEnvelope(appError, requestId));
  };
}
