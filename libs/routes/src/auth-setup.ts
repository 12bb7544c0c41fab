import { ApiKeyStringSchema } from '@komputer/contracts';
import { waitForRedis } from '@komputer/service-kit';
import type { Logger, RedisClient } from '@komputer/service-kit';
import { ApiKeyStore } from '@komputer/store';
import type { Keys } from '@komputer/store';
import { z } from 'zod';
import { allowEveryone, keyAuthentication } from './auth';
import type { Authenticate } from './auth';

/** Most API keys kept; one more is refused with 409. */
export const MAX_API_KEYS = 1_000;

/** The name of the key that `KOMPUTER_ADMIN_KEY` installs. */
const ADMIN_KEY_NAME = 'KOMPUTER_ADMIN_KEY';

/** How long start-up waits for Redis to check for an admin key. */
const REDIS_WAIT_MS = 5_000;

/** The API key settings of every service that serves operations (gateway, event-relay, registry). */
export const AuthSettingsSchema = z.object({
  KOMPUTER_AUTH: z
    .stringbool({ error: 'must be on or off' })
    .default(true)
    .describe(
      'API keys: `on` (the default) refuses every call without a valid key (docs/security.md); `off` lets every caller do anything, as komputer.ai does',
    ),
  KOMPUTER_ADMIN_KEY: ApiKeyStringSchema.optional().describe(
    'With `KOMPUTER_AUTH=on`: a key string (`kpt_<id>_<secret>`, the secret at least 32 characters) that start-up stores, as its hash, as an `admin` key of every namespace; without it, an admin key must be stored already. `npm start` makes one in `KOMPUTER_DATA_DIR/api-key`',
  ),
});
export type AuthSettings = z.infer<typeof AuthSettingsSchema>;

/** A service's authentication: its hook, and its key store when keys are on. */
export interface ServiceAuth {
  authenticate: Authenticate;
  /** The API keys, which are managed with keys on or off. */
  keys: ApiKeyStore;
  /** Whether keys are checked (`KOMPUTER_AUTH=on`). */
  enabled: boolean;
  /**
   * With keys on, stores `KOMPUTER_ADMIN_KEY` (if set) and throws an {@link AuthSetupError}
   * when no admin key of every namespace is kept: a service does not start that nobody can call.
   */
  prepare(): Promise<void>;
}

/** Why a service with API keys on cannot start. */
export class AuthSetupError extends Error {
  override readonly name = 'AuthSetupError';
}

/** Options for {@link createServiceAuth}. */
export interface ServiceAuthOptions {
  redis: RedisClient;
  keys: Keys;
  defaultNamespace: string;
  logger: Logger;
}

/** The hook and key store that `settings` call for. */
export function createServiceAuth(
  settings: AuthSettings,
  options: ServiceAuthOptions,
): ServiceAuth {
  const { redis, logger } = options;
  const store = new ApiKeyStore({ redis, keys: options.keys, maxKeys: MAX_API_KEYS });
  if (!settings.KOMPUTER_AUTH) {
    return {
      authenticate: allowEveryone,
      keys: store,
      enabled: false,
      prepare: () => Promise.resolve(),
    };
  }
  return {
    authenticate: keyAuthentication({ keys: store, defaultNamespace: options.defaultNamespace }),
    keys: store,
    enabled: true,
    async prepare() {
      if (!(await waitForRedis(redis, REDIS_WAIT_MS))) {
        throw new AuthSetupError(
          'KOMPUTER_AUTH is on and RedisClient, which holds the API keys, is not reachable: cannot check for an admin key',
        );
      }
      const adminKey = settings.KOMPUTER_ADMIN_KEY;
      if (adminKey !== undefined) {
        await store.install(adminKey, { name: ADMIN_KEY_NAME, namespaces: '*', level: 'admin' });
      }
      if (!(await store.hasAdmin())) {
        throw new AuthSetupError(
          'KOMPUTER_AUTH is on and no admin API key is configured: set KOMPUTER_ADMIN_KEY to a key string ' +
            '(kpt_<id>_<secret>, e.g. "kpt_admin_$(openssl rand -hex 32)"), or KOMPUTER_AUTH=off to let every caller in',
        );
      }
      logger.info('API keys are on');
    },
  };
}
