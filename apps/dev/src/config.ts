import { LocalDriverConfigSchema, SchedulerConfigSchema } from '@komputer/agent-scheduler';
import { SecretKeyVarSchema } from '@komputer/connectors';
import { GatewayConfigSchema } from '@komputer/gateway';
import type { z } from 'zod';

/**
 * `npm start`: the settings of every app it runs. `KOMPUTER_DATA_DIR` (mode 0700) holds its own
 * Redis's data and password, the agents' workspaces and, unless `KOMPUTER_SECRET_KEY` is set, a
 * generated secret key. The gateway calls the connector-registry that `npm start` runs, on a free
 * port of 127.0.0.1.
 */
export const DevConfigSchema = GatewayConfigSchema.omit({ KOMPUTER_REGISTRY_URL: true })
  // PORT and HOST are the gateway's: the scheduler's own HTTP port is for probes, which npm
  // start has no use for.
  .extend(SchedulerConfigSchema.omit({ PORT: true, HOST: true }).shape)
  .extend(LocalDriverConfigSchema.shape)
  .extend({
    KOMPUTER_SECRET_KEY: SecretKeyVarSchema.optional(),
  });
export type DevConfig = z.infer<typeof DevConfigSchema>;
