import type { Keys } from '@komputer/store';
import { LuaScript } from '@komputer/store';
import type { RedisClient } from '@komputer/service-kit';
import type { SecretCipher } from './secret-cipher';

/** A secret's public face: its name and key names, never its values. */
export interface SecretInfo {
  name: string;
  namespace: string;
  /** Key names, sorted. */
  keys: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * Where secret values live. Only {@link SecretStore.reveal} returns values, and only the
 * scheduler (for the connectors of a task) and connector discovery call it. A Kubernetes store
 * can implement the same interface.
 */
export interface SecretStore {
  list(namespace: string): Promise<SecretInfo[]>;
  get(namespace: string, name: string): Promise<SecretInfo | undefined>;
  /** Creates the secret, or replaces the data of an existing one; says which. */
  put(
    namespace: string,
    name: string,
    data: Record<string, string>,
    now: string,
  ): Promise<{ secret: SecretInfo; created: boolean }>;
  /** Replaces an existing secret's data; undefined when there is no such secret. */
  replace(
    namespace: string,
    name: string,
    data: Record<string, string>,
    now: string,
  ): Promise<SecretInfo | undefined>;
  /** Deletes a secret; false when there was none. */
  delete(namespace: string, name: string): Promise<boolean>;
  /** The secret's values; undefined when there is no such secret. */
  reveal(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

/** Options for {@link RedisSecretStore}. */
export interface RedisSecretStoreOptions {
  redis: RedisClient;
  keys: Keys;
  /**
   * Seals and opens the values. Without it the store lists secrets and their key names, and
   * refuses to write or reveal a value: what a service that must not hold the key gets.
   */
  cipher?: SecretCipher;
}

// Creates or replaces a secret's data, keeping its createdAt.
// KEYS: secret hash, index. ARGV: sealed data, key names JSON, now, name, mode ("put"|"replace").
// Returns {created (1|0), createdAt}, or {-1} when mode is "replace" and there is no secret.
const putScript = new LuaScript(
  `
local created = redis.call('EXISTS', KEYS[1]) == 0
if created and ARGV[5] == 'replace' then return {-1} end
if created then redis.call('HSET', KEYS[1], 'createdAt', ARGV[3]) end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'keys', ARGV[2], 'updatedAt', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
return {created and 1 or 0, redis.call('HGET', KEYS[1], 'createdAt')}
`,
  2,
);

/**
 * Secrets in Redis: `komputer:{ns}:secret:{name}` holds the data as one AES-256-GCM sealed JSON
 * object, bound to the secret's namespace and name, next to its key names in clear.
 */
export class RedisSecretStore implements SecretStore {
  private readonly redis: RedisClient;
  private readonly keys: Keys;
  private readonly cipher: SecretCipher | undefined;

  constructor(options: RedisSecretStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.cipher = options.cipher;
  }

  async list(namespace: string): Promise<SecretInfo[]> {
    const names = (await this.redis.smembers(this.keys.secrets(namespace))).sort();
    const secrets = await Promise.all(names.map((name) => this.get(namespace, name)));
    return secrets.filter((s): s is SecretInfo => s !== undefined);
  }

  async get(namespace: string, name: string): Promise<SecretInfo | undefined> {
    const [keys, createdAt, updatedAt] = await this.redis.hmget(
      this.keys.secret(namespace, name),
      'keys',
      'createdAt',
      'updatedAt',
    );
    if (!keys || !createdAt) return undefined;
    return {
      name,
      namespace,
      keys: JSON.parse(keys) as string[],
      createdAt,
      updatedAt: updatedAt ?? createdAt,
    };
  }

  async put(namespace: string, name: string, data: Record<string, string>, now: string) {
    const written = await this.write(namespace, name, data, now, 'put');
    if (!written) throw new Error('the secret store refused a put');
    return written;
  }

  async replace(namespace: string, name: string, data: Record<string, string>, now: string) {
    return (await this.write(namespace, name, data, now, 'replace'))?.secret;
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    const results =
      (await this.redis
        .multi()
        .del(this.keys.secret(namespace, name))
        .srem(this.keys.secrets(namespace), name)
        .exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    return results[0]?.[1] === 1;
  }

  async reveal(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const sealed = await this.redis.hget(this.keys.secret(namespace, name), 'data');
    if (!sealed) return undefined;
    return JSON.parse(this.sealing().open(sealed, context(namespace, name))) as Record<
      string,
      string
    >;
  }

  private sealing(): SecretCipher {
    if (!this.cipher) throw new Error('this secret store holds no key: it reads key names only');
    return this.cipher;
  }

  private async write(
    namespace: string,
    name: string,
    data: Record<string, string>,
    now: string,
    mode: 'put' | 'replace',
  ): Promise<{ secret: SecretInfo; created: boolean } | undefined> {
    const sealed = this.sealing().seal(JSON.stringify(data), context(namespace, name));
    const keys = Object.keys(data).sort();
    const [outcome, createdAt] = (await putScript.run(
      this.redis,
      [this.keys.secret(namespace, name), this.keys.secrets(namespace)],
      [sealed, JSON.stringify(keys), now, name, mode],
    )) as [number, string?];
    if (outcome === -1 || createdAt === undefined) return undefined;
    return { secret: { name, namespace, keys, createdAt, updatedAt: now }, created: outcome === 1 };
  }
}

/** What a sealed value is bound to. */
function context(namespace: string, name: string): string {
  return `secret:${namespace}/${name}`;
}
