import type { Logger, RedisClient } from '@komputer/service-kit';
import type { AgentStore, Keys } from '@komputer/store';
import { ConnectorRegistry } from './connector-registry';
import { ConnectorStatusStore } from './connector-status';
import { ContentRegistry } from './content-registry';
import { OAuthFlow } from './oauth/oauth-flow';
import { OAuthStore } from './oauth/oauth-store';
import { OAuthTokens } from './oauth/oauth-tokens';
import { createResourceStores } from './resource-store';
import { parseSecretKey, SecretCipher } from './secret-cipher';
import { RedisSecretStore } from './secret-store';

/** How OAuth connectors behave; the connector-registry's config sets them. */
export interface OAuthSettings {
  /** The public URL of `GET /api/v1/oauth/callback` (the gateway's), given to authorization servers. */
  callbackUrl: string;
  /** How long a consent may take, from `POST /oauth/authorize` to the callback. */
  stateTtlMs: number;
  /** An access token that expires within this margin is refreshed before it is used. */
  refreshMarginMs: number;
}

/** The defaults of {@link OAuthSettings}, for a gateway on its default local port. */
export const OAUTH_DEFAULTS: OAuthSettings = {
  callbackUrl: 'http://localhost:8080/api/v1/oauth/callback',
  stateTtlMs: 10 * 60_000,
  refreshMarginMs: 60_000,
};

/** Options for {@link createRegistries}. */
export interface RegistriesOptions {
  redis: RedisClient;
  keys: Keys;
  agents: AgentStore;
  logger: Logger;
  /** `KOMPUTER_SECRET_KEY`: 32 bytes, base64. */
  secretKey: string;
  /** Bound on connecting to an MCP server and listing its tools, and on each OAuth request. */
  mcpTimeoutMs: number;
  /** How long a connector's tool list is cached. Default 5 minutes. */
  toolsTtlMs?: number;
  /** Default: {@link OAUTH_DEFAULTS}. */
  oauth?: OAuthSettings;
}

/** How long a connector's tool list is cached unless the caller says otherwise. */
const DEFAULT_TOOLS_TTL_MS = 5 * 60_000;

/** What agents can be given: connectors (with their secrets), memories and skills. */
export interface Registries {
  connectors: ConnectorRegistry;
  /** OAuth connectors' consent and refresh. */
  oauth: OAuthFlow;
  /** OAuth connectors' access tokens, refreshed before they expire. */
  tokens: OAuthTokens;
  memories: ContentRegistry;
  skills: ContentRegistry;
}

/** The registries over one Redis connection, as the gateway and the scheduler both use them. */
export function createRegistries(options: RegistriesOptions): Registries {
  const { redis, keys, agents, logger } = options;
  const stores = createResourceStores(redis, keys);
  const cipher = new SecretCipher(parseSecretKey(options.secretKey));
  const settings = options.oauth ?? OAUTH_DEFAULTS;
  const oauthStore = new OAuthStore({ redis, keys, cipher });
  const tokens = new OAuthTokens({
    store: oauthStore,
    logger,
    refreshMarginMs: settings.refreshMarginMs,
    timeoutMs: options.mcpTimeoutMs,
  });
  return {
    connectors: new ConnectorRegistry({
      connectors: stores.connectors,
      secrets: new RedisSecretStore({ redis, keys, cipher }),
      agents,
      keys,
      status: new ConnectorStatusStore({
        redis,
        keys,
        toolsTtlMs: options.toolsTtlMs ?? DEFAULT_TOOLS_TTL_MS,
      }),
      logger,
      mcpTimeoutMs: options.mcpTimeoutMs,
      oauth: oauthStore,
      tokens,
    }),
    oauth: new OAuthFlow({
      connectors: stores.connectors,
      store: oauthStore,
      tokens,
      logger,
      callbackUrl: settings.callbackUrl,
      stateTtlMs: settings.stateTtlMs,
      timeoutMs: options.mcpTimeoutMs,
    }),
    tokens,
    memories: new ContentRegistry({ kind: 'memory', store: stores.memories, agents, logger }),
    skills: new ContentRegistry({ kind: 'skill', store: stores.skills, agents, logger }),
  };
}
