import { RelayConfigSchema } from '@komputer/relay';
import { PortSchema } from '@komputer/service-kit';
import { z } from 'zod';

/** event-relay's configuration, read from the environment. */
export const EventRelayConfigSchema = RelayConfigSchema.extend({
  PORT: PortSchema.default(8081),
  HOST: z.string().min(1).default('0.0.0.0'),
});
export type EventRelayConfig = z.infer<typeof EventRelayConfigSchema>;
