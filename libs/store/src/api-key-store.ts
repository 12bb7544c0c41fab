import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX, ApiKeyStringSchema, AUTH_TICKET_TTL_MS } from '@komputer/contracts';
import type { AccessLevel, KeyNamespaces } from '@komputer/contracts';
import type { RedisClient } from '@komputer/service-kit';
import type { Keys } from './keys';
import { LuaScript } from './script';

/** An API key as stored: never its secret, only the secret's hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  namespaces: KeyNamespaces;
  level: AccessLevel;
  /** How often its secret was replaced: a stream opened with an older one ends. */
  generation: number;
  createdAt: string;
  rotatedAt?: string;
}

/** A key with its key string, which only its creation and its rotation show. */
export interface IssuedApiKey {
  record: ApiKeyRecord;
  key: string;
}

/** What a new key is given. */
export interface ApiKeyScope {
  name: string;
  namespaces: KeyNamespaces;
  level: AccessLevel;
}

/** Options for {@link ApiKeyStore}. */
export interface ApiKeyStoreOptions {
  redis: RedisClient;
  keys: Keys;
  /** Most keys kept; creating one more is refused. */
  maxKeys: number;
}

/** The prefix of a stream ticket: never a key string, so that a ticket is never taken for a key. */
const TICKET_PREFIX = 'ktk_';
const TICKET = /^ktk_[0-9a-f]{48}$/;

/** Sets a new secret hash on a key that still exists; answers its new generation, or 0. */
const ROTATE = new LuaScript(
  `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'rotatedAt', ARGV[2])
local generation = redis.call('HINCRBY', KEYS[1], 'generation', 1)
redis.call('PUBLISH', KEYS[2], ARGV[3])
return generation`,
  2,
);

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A new id: 12 characters of `a-z 0-9`. */
function newId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** A new secret: 32 random bytes, as 64 hex digits. */
function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The id and secret of a key string, or undefined when it is not one. */
function parseKey(key: string): { id: string; secret: string } | undefined {
  if (!ApiKeyStringSchema.safeParse(key).success) return undefined;
  const rest = key.slice(API_KEY_PREFIX.length + 1);
  const at = rest.indexOf('_');
  return { id: rest.slice(0, at), secret: rest.slice(at + 1) };
}

/** The key string of `id` with `secret`. */
function keyString(id: string, secret: string): string {
  return `${API_KEY_PREFIX}_${id}_${secret}`;
}

function decode(id: string, hash: Record<string, string>): ApiKeyRecord | undefined {
  if (!hash['hash'] || !hash['level']) return undefined;
  return {
    id,
    name: hash['name'] ?? '',
    namespaces: JSON.parse(hash['namespaces'] ?? '[]') as KeyNamespaces,
    level: hash['level'] as AccessLevel,
    generation: Number(hash['generation'] ?? 0),
    createdAt: hash['createdAt'] ?? '',
    ...(hash['rotatedAt'] ? { rotatedAt: hash['rotatedAt'] } : {}),
  };
}

/**
 * API keys in Redis, kept only as the SHA-256 of their secret (a high-entropy secret needs no
 * slow hash), and the stream tickets they are exchanged for. A key string embeds its id, so that
 * checking one is one read and a constant-time comparison.
 */
export class ApiKeyStore {
  constructor(private readonly options: ApiKeyStoreOptions) {}

  /** Creates a key; undefined when as many keys are kept as may be. */
  async create(scope: ApiKeyScope): Promise<IssuedApiKey | undefined> {
    const { redis, keys, maxKeys } = this.options;
    if ((await redis.scard(keys.apiKeys())) >= maxKeys) return undefined;
    return this.store(newId(), newSecret(), scope);
  }

  /**
   * Keeps a key string that an operator chose (`KOMPUTER_ADMIN_KEY`) with `scope`: its record
   * is replaced when its secret or scope changed, and the streams of the old one end.
   */
  async install(key: string, scope: ApiKeyScope): Promise<void> {
    const parsed = parseKey(key);
    if (!parsed) throw new Error('not an API key string: kpt_<id>_<secret>');
    const current = await this.verify(key);
    if (
      current &&
      current.level === scope.level &&
      JSON.stringify(current.namespaces) === JSON.stringify(scope.namespaces)
    ) {
      return;
    }
    await this.store(parsed.id, parsed.secret, scope);
    await this.options.redis.publish(this.options.keys.apiKeyChanges(), parsed.id);
  }

  private async store(id: string, secret: string, scope: ApiKeyScope): Promise<IssuedApiKey> {
    const { redis, keys } = this.options;
    const createdAt = new Date().toISOString();
    const generation = await redis.hincrby(keys.apiKey(id), 'generation', 1);
    await redis
      .multi()
      .hset(keys.apiKey(id), {
        name: scope.name,
        namespaces: JSON.stringify(scope.namespaces),
        level: scope.level,
        hash: sha256(secret).toString('hex'),
        createdAt,
      })
      .sadd(keys.apiKeys(), id)
      .exec();
    return {
      record: { id, ...scope, generation, createdAt },
      key: keyString(id, secret),
    };
  }

  /** Every key, by id. */
  async list(): Promise<ApiKeyRecord[]> {
    const { redis, keys } = this.options;
    const ids = (await redis.smembers(keys.apiKeys())).sort();
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((record) => record !== undefined);
  }

  /** The key `id`, or undefined. */
  async get(id: string): Promise<ApiKeyRecord | undefined> {
    return decode(id, await this.options.redis.hgetall(this.options.keys.apiKey(id)));
  }

  /** Whether an `admin` key of every namespace is kept. */
  async hasAdmin(): Promise<boolean> {
    return (await this.list()).some((key) => key.level === 'admin' && key.namespaces === '*');
  }

  /** Gives the key a new secret (its old key string stops working); undefined when it is gone. */
  async rotate(id: string): Promise<IssuedApiKey | undefined> {
    const { redis, keys } = this.options;
    const secret = newSecret();
    const rotatedAt = new Date().toISOString();
    const generation = Number(
      await ROTATE.run(
        redis,
        [keys.apiKey(id), keys.apiKeyChanges()],
        [sha256(secret).toString('hex'), rotatedAt, id],
      ),
    );
    if (generation === 0) return undefined;
    const record = await this.get(id);
    return record && { record, key: keyString(id, secret) };
  }

  /** Deletes the key; false when there was none. */
  async revoke(id: string): Promise<boolean> {
    const { redis, keys } = this.options;
    const result = await redis
      .multi()
      .del(keys.apiKey(id))
      .srem(keys.apiKeys(), id)
      .publish(keys.apiKeyChanges(), id)
      .exec();
    return result?.[0]?.[1] === 1;
  }

  /** The key that `key` is, when it is a key string whose secret matches; undefined otherwise. */
  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const parsed = parseKey(key);
    if (!parsed) return undefined;
    const hash = await this.options.redis.hgetall(this.options.keys.apiKey(parsed.id));
    const record = decode(parsed.id, hash);
    if (!record) return undefined;
    const stored = Buffer.from(hash['hash'] ?? '', 'hex');
    const given = sha256(parsed.secret);
    return stored.length === given.length && timingSafeEqual(stored, given) ? record : undefined;
  }

  /**
   * A single-use ticket that stands for the key `id`, while its secret is of `generation`, on
   * one stream, for a short while.
   */
  async issueTicket(
    record: Pick<ApiKeyRecord, 'id' | 'generation'>,
  ): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = TICKET_PREFIX + randomBytes(24).toString('hex');
    const value = JSON.stringify({ id: record.id, generation: record.generation });
    await this.options.redis.set(
      this.options.keys.authTicket(ticket),
      value,
      'PX',
      AUTH_TICKET_TTL_MS,
    );
    return { ticket, expiresAt: new Date(Date.now() + AUTH_TICKET_TTL_MS).toISOString() };
  }

  /**
   * The key a ticket stands for, deleting the ticket (`GETDEL`): undefined when it is unknown,
   * used, expired, or its key was revoked or rotated since.
   */
  async redeemTicket(ticket: string): Promise<ApiKeyRecord | undefined> {
    if (!TICKET.test(ticket)) return undefined;
    const value = await this.options.redis.getdel(this.options.keys.authTicket(ticket));
    if (value === null) return undefined;
    const { id, generation } = JSON.parse(value) as { id: string; generation: number };
    const record = await this.get(id);
    return record?.generation === generation ? record : undefined;
  }

  /** The current generation of each key of `ids` (absent: revoked). */
  async generations(ids: readonly string[]): Promise<Map<string, number>> {
    const { redis, keys } = this.options;
    const values = await Promise.all(ids.map((id) => redis.hget(keys.apiKey(id), 'generation')));
    const current = new Map<string, number>();
    ids.forEach((id, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) current.set(id, Number(value));
    });
    return current;
  }
}
