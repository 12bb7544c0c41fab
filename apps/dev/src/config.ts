import { LocalDriverConfigSchema, SchedulerConfigSchema } from '@komputer/agent-scheduler';
import { RegistryConfigSchema } from '@komputer/connector-registry';
import { SecretKeyVarSchema } from '@komputer/connectors';
import { GatewayConfigSchema } from '@komputer/gateway';
import { HostSchema } from '@komputer/service-kit';
import { z } from 'zod';
import { LOG_FORMATS } from './log-format';

/**
 * `npm start`: the settings of every app it runs. `KOMPUTER_DATA_DIR` (mode 0700) holds its own
 * Redis's data and password, the agents' workspaces and, unless `KOMPUTER_SECRET_KEY` is set, a
 * generated secret key, and with API keys on (the default) a generated admin key (`api-key`), unless
 * `KOMPUTER_ADMIN_KEY` is set. It listens on 127.0.0.1 unless `HOST` says otherwise. The gateway and the agents' runtimes call the connector-registry that
 * `npm start` runs, on a free port of 127.0.0.1.
 */
export const DevConfigSchema = GatewayConfigSchema.omit({ KOMPUTER_REGISTRY_URL: true })
  .extend(RegistryConfigSchema.omit({ PORT: true, HOST: true }).shape)
  // PORT and HOST are the gateway's: the scheduler's own HTTP port is for probes, which npm
  // start has no use for.
  .extend(
    SchedulerConfigSchema.omit({ PORT: true, HOST: true, KOMPUTER_CONNECTOR_REGISTRY_URL: true })
      .shape,
  )
  .extend(LocalDriverConfigSchema.shape)
  .extend({
    HOST: HostSchema.unwrap()
      .default('127.0.0.1')
      .describe(
        'Interface the gateway listens on; `npm start` defaults to loopback, so that only this machine reaches it',
      ),
    KOMPUTER_SECRET_KEY: SecretKeyVarSchema.optional(),
    KOMPUTER_OAUTH_CALLBACK_URL: RegistryConfigSchema.shape.KOMPUTER_OAUTH_CALLBACK_URL.unwrap()
      .optional()
      .describe(
        "The registry's setting of that name; `npm start` defaults it to its own gateway, `http://localhost:<PORT>/api/v1/oauth/callback`",
      ),
    KOMPUTER_OAUTH_STATE_TTL_MS: RegistryConfigSchema.shape.KOMPUTER_OAUTH_STATE_TTL_MS,
    KOMPUTER_OAUTH_REFRESH_MARGIN_MS: RegistryConfigSchema.shape.KOMPUTER_OAUTH_REFRESH_MARGIN_MS,
    KOMPUTER_LOG_FORMAT: z
      .enum(LOG_FORMATS)
      .default('auto')
      .describe(
        '`npm start` only: `auto` writes readable logs on a terminal and JSON lines elsewhere; `pretty` or `json` choose',
      ),
  });
export type DevConfig = z.infer<typeof DevConfigSchema>;
