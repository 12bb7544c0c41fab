import { RelayConfigSchema } from '@komputer/relay';
import { AuthSettingsSchema } from '@komputer/routes';
import { CorsOriginsSchema, HostSchema, PortSchema } from '@komputer/service-kit';
import type { z } from 'zod';

/** event-relay's configuration, read from the environment. */
export const EventRelayConfigSchema = RelayConfigSchema.extend(AuthSettingsSchema.shape).extend({
  PORT: PortSchema.default(8081),
  HOST: HostSchema,
  KOMPUTER_CORS_ORIGINS: CorsOriginsSchema,
});
export type EventRelayConfig = z.infer<typeof EventRelayConfigSchema>;
