import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthRecord, StoredTokens } from './oauth-store';

/** The largest answer read from an authorization server: metadata and tokens are small. */
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * A fetch for authorization servers: it gives up after `timeoutMs`, body included, and refuses
 * an answer larger than {@link MAX_ANSWER_BYTES}, so that no server can hang a caller or fill
 * its memory.
 */
export function fetchWithin(timeoutMs: number): FetchLike {
  return async (url, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const response = await fetch(url, { ...init, signal });
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        size += chunk.byteLength;
        // Leaving the loop cancels the rest of the body.
        if (size > MAX_ANSWER_BYTES) {
          throw new Error(`the answer of ${new URL(url).origin} is over ${MAX_ANSWER_BYTES} bytes`);
        }
        chunks.push(chunk);
      }
    }
    return new Response(size === 0 ? null : Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** The client of a record, as the MCP SDK's token requests take it. */
export function clientOf(record: OAuthRecord): OAuthClientInformationMixed {
  return {
    client_id: record.clientId,
    ...(record.clientSecret !== undefined ? { client_secret: record.clientSecret } : {}),
  };
}

/**
 * Tokens as stored: the expiry made absolute, so that a later reader can tell, counted from
 * `requestedAt` (when the token request began, in ms), which is no later than the issue.
 */
export function toStoredTokens(tokens: OAuthTokens, requestedAt: number): StoredTokens {
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token !== undefined ? { refreshToken: tokens.refresh_token } : {}),
    ...(tokens.expires_in !== undefined
      ? { expiresAt: requestedAt + tokens.expires_in * 1000 }
      : {}),
  };
}

/** What an OAuth error from the authorization server says, as `code: description`. */
export function describeOAuthError(err: OAuthError): string {
  return err.message ? `${err.errorCode}: ${err.message}` : err.errorCode;
}

/**
 * An authorization server that did not answer, or not as OAuth says: a 502 that may be retried.
 * The reason names the failure (timeout, refused connection, status), never a credential: the
 * requests carry them in their bodies and headers, which no error message quotes.
 */
export function serverUnreachable(
  logger: Logger,
  context: Record<string, string>,
  what: string,
  err: unknown,
): AppError {
  const reason =
    err instanceof OAuthError
      ? describeOAuthError(err)
      : err instanceof DOMException && err.name === 'TimeoutError'
        ? 'no answer in time'
        : causeOf(err);
  logger.warn({ ...context, reason }, `oauth: ${what} failed`);
  return new AppError('OAUTH_SERVER_ERROR', 502, `${what} failed: ${reason}`, {
    retryable: true,
  });
}

/** The innermost cause's message: `connect ECONNREFUSED …` rather than `fetch failed`. */
function causeOf(error: unknown): string {
  let detail = String(error);
  for (let cause = error; typeof cause === 'object' && cause !== null;) {
    const { message } = cause as { message?: unknown };
    if (typeof message === 'string' && message !== '') detail = message;
    cause = (cause as { cause?: unknown }).cause;
  }
  return detail;
}
