import { randomBytes } from 'node:crypto';
import type { OAuthStatus } from '@komputer/contracts';
import type { Keys } from '@komputer/store';
import { LuaScript } from '@komputer/store';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { RedisClient } from '@komputer/service-kit';
import { z } from 'zod';
import type { SecretCipher } from '../secret-cipher';

/** Where a connector's tokens come from, as discovered when its consent started. */
export interface OAuthServer {
  authorizationServerUrl: string;
  /** Its RFC 8414 or OpenID discovery metadata: endpoints, and what it supports. */
  metadata: AuthorizationServerMetadata;
  /** RFC 8707 resource indicator, from the MCP server's protected resource metadata. */
  resource?: string;
}

/** A connector's tokens. They are only ever stored sealed. */
export interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  /** Milliseconds since the epoch; absent when the server did not say. */
  expiresAt?: number;
}

/** An OAuth connector's stored state, its secrets opened. */
export interface OAuthRecord {
  clientId: string;
  clientSecret?: string;
  status: OAuthStatus;
  /** Why the status is "expired" or "error". */
  error?: string;
  server?: OAuthServer;
  tokens?: StoredTokens;
}

/** A consent started and not yet completed: what the callback needs. */
export interface PendingConsent {
  connector: string;
  clientId: string;
  codeVerifier: string;
  redirectUri: string;
}

const StoredTokensSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().optional(),
  expiresAt: z.number().optional(),
});
const PendingConsentSchema = z.object({
  connector: z.string(),
  clientId: z.string(),
  codeVerifier: z.string(),
  redirectUri: z.string(),
});
/** `<namespace>.<32 random bytes, base64url>`: what {@link OAuthStore.newState} makes. */
const STATE = /^([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\.([A-Za-z0-9_-]{43})$/;
const StatusSchema = z.enum(['pending', 'connected', 'expired', 'error']);

// Writes fields of an OAuth record only while it still belongs to the client that the caller
// read, so that tokens obtained for a connector that was since deleted or given another client
// are dropped. KEYS: the record. ARGV: client id, a field to delete ("" for none), then
// field/value pairs to set.
const updateScript = new LuaScript(
  `
if redis.call('HGET', KEYS[1], 'clientId') ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[1], ARGV[2]) end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
return 1
`,
  1,
);

/** Options for {@link OAuthStore}. */
export interface OAuthStoreOptions {
  redis: RedisClient;
  keys: Keys;
  cipher: SecretCipher;
}

/**
 * OAuth connectors' state in Redis: `komputer:{ns}:connector:{name}:oauth` holds the client, the
 * authorization server, the status and the tokens, the client secret and the tokens sealed
 * (AES-256-GCM, bound to the record). A consent in progress is
 * `komputer:{ns}:oauth-state:{id}`, sealed too (its PKCE verifier), with a time to live, and
 * read once.
 */
export class OAuthStore {
  constructor(private readonly options: OAuthStoreOptions) {}

  /**
   * Gives a connector its client. The same client keeps its tokens, and its stored secret
   * unless a new one is given; another client starts over, pending consent.
   */
  async configure(
    namespace: string,
    name: string,
    client: { clientId: string; clientSecret?: string | undefined },
  ): Promise<void> {
    const key = this.options.keys.connectorOAuth(namespace, name);
    const current = await this.options.redis.hget(key, 'clientId');
    const fields: Record<string, string> = {};
    if (client.clientSecret !== undefined)
      fields['clientSecret'] = this.options.cipher.seal(
        client.clientSecret,
        sealContext(namespace, name, 'clientSecret'),
      );
    if (current === client.clientId) {
      if (Object.keys(fields).length > 0) await this.options.redis.hset(key, fields);
      return;
    }
    await this.options.redis
      .multi()
      .del(key)
      .hset(key, { ...fields, clientId: client.clientId, status: 'pending' })
      .exec();
  }

  /** Forgets a connector's client and tokens (deleted, or no longer OAuth). */
  async forget(namespace: string, name: string): Promise<void> {
    await this.options.redis.del(this.options.keys.connectorOAuth(namespace, name));
  }

  /** The record with its secrets opened; undefined for a connector that has none. */
  async get(namespace: string, name: string): Promise<OAuthRecord | undefined> {
    const [clientId, clientSecret, status, error, server, tokens] = await this.options.redis.hmget(
      this.options.keys.connectorOAuth(namespace, name),
      'clientId',
      'clientSecret',
      'status',
      'error',
      'server',
      'tokens',
    );
    if (!clientId) return undefined;
    const { cipher } = this.options;
    return {
      clientId,
      status: StatusSchema.catch('pending').parse(status),
      ...(clientSecret
        ? { clientSecret: cipher.open(clientSecret, sealContext(namespace, name, 'clientSecret')) }
        : {}),
      ...(error ? { error } : {}),
      ...(server ? { server: JSON.parse(server) as OAuthServer } : {}),
      ...(tokens
        ? {
            tokens: StoredTokensSchema.parse(
              JSON.parse(cipher.open(tokens, sealContext(namespace, name, 'tokens'))),
            ),
          }
        : {}),
    };
  }

  /** The status (and its reason) of each named connector; undefined for one without OAuth. */
  async statuses(
    namespace: string,
    names: readonly string[],
  ): Promise<({ status: OAuthStatus; error?: string } | undefined)[]> {
    if (names.length === 0) return [];
    const pipeline = this.options.redis.pipeline();
    for (const name of names)
      pipeline.hmget(this.options.keys.connectorOAuth(namespace, name), 'status', 'error');
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw err;
      const [status, error] = value as [string | null, string | null];
      if (!status) return undefined;
      return { status: StatusSchema.catch('pending').parse(status), ...(error ? { error } : {}) };
    });
  }

  /** Records where the connector's tokens come from; false when its client changed meanwhile. */
  saveServer(namespace: string, name: string, clientId: string, server: OAuthServer) {
    return this.update(namespace, name, clientId, '', { server: JSON.stringify(server) });
  }

  /** Stores new tokens: the connector is connected. False when its client changed meanwhile. */
  async saveTokens(
    namespace: string,
    name: string,
    clientId: string,
    tokens: StoredTokens,
  ): Promise<boolean> {
    const sealed = this.options.cipher.seal(
      JSON.stringify(tokens),
      sealContext(namespace, name, 'tokens'),
    );
    return this.update(namespace, name, clientId, 'error', { tokens: sealed, status: 'connected' });
  }

  /** Marks the tokens unusable until the next consent, keeping the authorization server's reason. */
  async markFailed(
    namespace: string,
    name: string,
    clientId: string,
    status: 'expired' | 'error',
    error: string,
  ): Promise<void> {
    await this.update(namespace, name, clientId, 'tokens', { status, error });
  }

  /** A new, unguessable `state` for a consent in `namespace`. */
  newState(namespace: string): string {
    // The namespace rides in the state, since the callback knows nothing else; names hold no ".".
    return `${namespace}.${randomBytes(32).toString('base64url')}`;
  }

  /** Stores a consent in progress under its `state`, for `ttlMs`. */
  async putState(state: string, pending: PendingConsent, ttlMs: number): Promise<void> {
    const key = this.stateKey(state);
    if (!key) throw new Error('not a state made by newState');
    await this.options.redis.set(
      key,
      this.options.cipher.seal(JSON.stringify(pending), key),
      'PX',
      ttlMs,
    );
  }

  /** The consent that `state` names, once: a second call, or one after its TTL, finds nothing. */
  async takeState(
    state: string,
  ): Promise<{ namespace: string; pending: PendingConsent } | undefined> {
    const key = this.stateKey(state);
    if (!key) return undefined;
    const sealed = await this.options.redis.getdel(key);
    if (!sealed) return undefined;
    const pending = PendingConsentSchema.parse(JSON.parse(this.options.cipher.open(sealed, key)));
    return { namespace: state.slice(0, state.indexOf('.')), pending };
  }

  private stateKey(state: string): string | undefined {
    // Only what newState makes: a state from the query must not name any other key.
    const parts = STATE.exec(state);
    return parts ? this.options.keys.oauthState(parts[1] as string, parts[2] as string) : undefined;
  }

  private async update(
    namespace: string,
    name: string,
    clientId: string,
    drop: string,
    fields: Record<string, string>,
  ): Promise<boolean> {
    const updated = await updateScript.run(
      this.options.redis,
      [this.options.keys.connectorOAuth(namespace, name)],
      [clientId, drop, ...Object.entries(fields).flat()],
    );
    return updated === 1;
  }
}

/** What a sealed field is bound to, so that it opens nowhere else. */
function sealContext(namespace: string, name: string, field: string): string {
  return `oauth:${namespace}/${name}:${field}`;
}
