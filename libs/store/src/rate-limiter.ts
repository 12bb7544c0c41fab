import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import { LuaScript } from './script';

/**
 * Take one token from a caller's bucket, refilled at `rate` a second up to `burst`, in one step,
 * on Redis's clock, so that every gateway shares the bucket and none can pass it by racing
 * another. The bucket expires once it would be full again.
 * KEYS: the bucket. ARGV: rate (tokens a second), burst.
 * Returns {1 (taken) | 0 (empty), tokens left (floor), ms until one token, ms until full}.
 */
const TAKE_TOKEN = `
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if not tokens or not at then tokens, at = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
local untilFull = math.ceil((burst - tokens) * 1000 / rate)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], untilFull + 1000)
local untilOne = 0
if tokens < 1 then untilOne = math.ceil((1 - tokens) * 1000 / rate) end
return {taken, math.floor(tokens), untilOne, untilFull}
`;

const takeScript = new LuaScript(TAKE_TOKEN, 1);

/** A token bucket's settings: its refill rate and its size. */
export interface RateLimit {
  /** Tokens added a second. */
  perSecond: number;
  /** Most tokens it holds: the requests a caller may send at once after a pause. */
  burst: number;
}

/** What a caller's bucket said of one request. */
export interface RateDecision {
  allowed: boolean;
  /** Tokens left after this request. */
  remaining: number;
  /** When the next token comes, in ms (0 while tokens are left). */
  retryAfterMs: number;
  /** When the bucket is full again, in ms. */
  resetMs: number;
}

/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  redis: Redis;
  keys: Keys;
  limit: RateLimit;
}

/** A token bucket per caller in Redis, shared by every gateway (see `TAKE_TOKEN`). */
export class RateLimiter {
  constructor(private readonly options: RateLimiterOptions) {}

  /** The bucket's settings. */
  get limit(): RateLimit {
    return this.options.limit;
  }

  /** Takes a token from `caller`'s bucket, if one is left. */
  async take(caller: string): Promise<RateDecision> {
    const { redis, keys, limit } = this.options;
    const [taken, remaining, retryAfterMs, resetMs] = (await takeScript.run(
      redis,
      [keys.rateLimit(caller)],
      [limit.perSecond, limit.burst],
    )) as [number, number, number, number];
    return { allowed: taken === 1, remaining, retryAfterMs, resetMs };
  }
}
