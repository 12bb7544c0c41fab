import { AppError, isRedisUnavailableError } from '@komputer/service-kit';
import type { Principal } from '@komputer/routes';
import type { RateLimiter } from '@komputer/store';
import type { Request, RequestHandler, Response } from 'express';

/** The name of the one policy that the `RateLimit` headers report. */
const POLICY = 'caller';

/**
 * Whose bucket a call takes from: an API key's (every client that holds the key shares it), or
 * an anonymous caller's address. The address is the connection's: `X-Forwarded-For` is not
 * trusted, as any client can send one.
 */
export function callerOf(principal: Principal | undefined, req: Request): string {
  return principal?.kind === 'key'
    ? `key:${principal.keyId}`
    : `ip:${req.socket.remoteAddress ?? 'unknown'}`;
}

/**
 * Takes a token from the caller's bucket before `handler` runs (after the authentication hook,
 * which names the caller): with one left, the answer says what is left in the IETF `RateLimit`
 * and `RateLimit-Policy` headers (draft-ietf-httpapi-ratelimit-headers); without, it is
 * `429 RATE_LIMITED` with `Retry-After`, the seconds until the next token. While Redis is
 * unavailable, calls are not limited.
 */
export function rateLimited(limiter: RateLimiter, handler: RequestHandler): RequestHandler {
  const { perSecond, burst } = limiter.limit;
  const policy = `"${POLICY}";q=${burst};w=${Math.max(1, Math.ceil(burst / perSecond))}`;
  return async (req, res, next) => {
    const principal = res.locals['principal'] as Principal | undefined;
    const decision = await limiter.take(callerOf(principal, req)).catch((err: unknown) => {
      // Without Redis no bucket can be read: the call goes on, so that bad input is still its
      // 400 and a call that needs Redis its 503, rather than every call a 503 here.
      if (isRedisUnavailableError(err)) return undefined;
      throw err;
    });
    if (!decision) return handler(req, res, next);
    setHeaders(res, policy, decision.remaining, decision.resetMs);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new AppError(
        'RATE_LIMITED',
        429,
        `too many requests: at most ${burst} at once and ${perSecond} a second after that; retry in ${seconds} s`,
        { details: { retryAfterSeconds: seconds }, retryable: true },
      );
    }
    return handler(req, res, next);
  };
}

function setHeaders(res: Response, policy: string, remaining: number, resetMs: number): void {
  res.setHeader('RateLimit-Policy', policy);
  res.setHeader('RateLimit', `"${POLICY}";r=${remaining};t=${Math.ceil(resetMs / 1000)}`);
}
