import type { RedisOptions } from 'ioredis';

/** The scheme of a Redis behind Sentinel: the sentinels' addresses and the master's name. */
export const SENTINEL_SCHEME = 'redis+sentinel:';

/** Where a Redis is, as ioredis takes it. */
export type RedisTarget =
  | { kind: 'url'; url: string }
  | { kind: 'sentinel'; options: RedisOptions; sentinels: string[]; name: string };

const SENTINEL_URL =
  /^redis\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/@]+)\/([A-Za-z0-9._-]+)(?:\/(\d+))?\/?(?:\?(.*))?$/;

function hostPort(address: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(address);
  const port = Number(match?.[2] ?? 26379);
  if (!match?.[1] || port < 1 || port > 65535) throw new Error(`"${address}" is not host:port`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/**
 * Parses `REDIS_URL`: a `redis://` or `rediss://` URL, or a Redis behind Sentinel,
 * `redis+sentinel://[[user]:password@]host:port[,host:port...]/<master name>[/<db>]`, where the
 * password is the master's (and its replicas'), and `?sentinelPassword=` the sentinels' own when
 * they have one. Throws with a readable reason for anything else.
 */
export function parseRedisUrl(url: string): RedisTarget {
  if (!url.startsWith(SENTINEL_SCHEME)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('must be a redis://, rediss:// or redis+sentinel:// URL');
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
      throw new Error('must be a redis://, rediss:// or redis+sentinel:// URL');
    }
    return { kind: 'url', url };
  }
  const match = SENTINEL_URL.exec(url);
  if (!match) {
    throw new Error(
      'a Sentinel URL is redis+sentinel://[[user]:password@]host:port[,host:port...]/<master name>[/<db>]',
    );
  }
  const [, username, password, addresses = '', name = '', db, query] = match;
  const sentinels = addresses.split(',').map(hostPort);
  const params = new URLSearchParams(query ?? '');
  const sentinelPassword = params.get('sentinelPassword');
  const decode = (value: string | undefined) => (value ? decodeURIComponent(value) : undefined);
  const user = decode(username);
  const secret = decode(password);
  return {
    kind: 'sentinel',
    name,
    sentinels: sentinels.map((s) => `${s.host}:${s.port}`),
    options: {
      sentinels,
      name,
      ...(user ? { username: user } : {}),
      ...(secret ? { password: secret } : {}),
      ...(sentinelPassword ? { sentinelPassword } : {}),
      ...(db ? { db: Number(db) } : {}),
    },
  };
}

/** `url` with its passwords masked, for logs and banners. */
export function redactRedisUrl(url: string): string {
  return url
    .replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/, '$1***@')
    .replace(/([?&]sentinelPassword=)[^&]*/, '$1***');
}
