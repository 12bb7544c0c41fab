import type { RedisOptions } from 'ioredis';

/** The scheme of a Redis behind Sentinel: the sentinels' addresses and the master's name. */
export const SENTINEL_SCHEME = 'redis+sentinel:';

/** The scheme of a Redis Cluster: some of its nodes' addresses. */
export const CLUSTER_SCHEME = 'redis+cluster:';

/** Where a Redis is, as ioredis takes it. */
export type RedisTarget =
  | { kind: 'url'; url: string }
  | { kind: 'sentinel'; options: RedisOptions; sentinels: string[]; name: string }
  | {
      kind: 'cluster';
      nodes: { host: string; port: number }[];
      options: Pick<RedisOptions, 'username' | 'password'>;
    };

const CLUSTER_URL = /^redis\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/@?]+)\/?$/;

const SENTINEL_URL =
  /^redis\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/@]+)\/([A-Za-z0-9._-]+)(?:\/(\d+))?\/?(?:\?(.*))?$/;

function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(address);
  const port = Number(match?.[2] ?? defaultPort);
  if (!match?.[1] || port < 1 || port > 65535) throw new Error(`"${address}" is not host:port`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/**
 * Parses `REDIS_URL`: a `redis://` or `rediss://` URL, or a Redis behind Sentinel,
 * `redis+sentinel://[[user]:password@]host:port[,host:port...]/<master name>[/<db>]`, where the
 * password is the master's (and its replicas'), and `?sentinelPassword=` the sentinels' own when
 * they have one, or a Redis Cluster, `redis+cluster://[[user]:password@]host:port[,host:port...]`
 * (some of its nodes; the client learns the others). Throws with a readable reason for anything
 * else.
 */
export function parseRedisUrl(url: string): RedisTarget {
  if (url.startsWith(CLUSTER_SCHEME)) return parseClusterUrl(url);
  if (!url.startsWith(SENTINEL_SCHEME)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(SCHEMES);
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(SCHEMES);
    return { kind: 'url', url };
  }
  const match = SENTINEL_URL.exec(url);
  if (!match) {
    throw new Error(
      'a Sentinel URL is redis+sentinel://[[user]:password@]host:port[,host:port...]/<master name>[/<db>]',
    );
  }
  const [, username, password, addresses = '', name = '', db, query] = match;
  const sentinels = addresses.split(',').map((address) => hostPort(address, 26379));
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

const SCHEMES = 'must be a redis://, rediss://, redis+sentinel:// or redis+cluster:// URL';

/** A `redis+cluster://` URL: see {@link parseRedisUrl}. */
function parseClusterUrl(url: string): RedisTarget {
  const match = CLUSTER_URL.exec(url);
  if (!match)
    throw new Error('a Cluster URL is redis+cluster://[[user]:password@]host:port[,host:port...]');
  const [, username, password, addresses = ''] = match;
  const decode = (value: string | undefined) => (value ? decodeURIComponent(value) : undefined);
  const user = decode(username);
  const secret = decode(password);
  return {
    kind: 'cluster',
    nodes: addresses.split(',').map((address) => hostPort(address, 6379)),
    options: { ...(user ? { username: user } : {}), ...(secret ? { password: secret } : {}) },
  };
}

/** `url` with its passwords masked, for logs and banners. */
export function redactRedisUrl(url: string): string {
  return url
    .replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/, '$1***@')
    .replace(/([?&]sentinelPassword=)[^&]*/, '$1***');
}
