import { RuntimeSettingsSchema } from '@komputer/contracts';
import { SecretKeyVarSchema } from '@komputer/connectors';
import { RelaySettingsSchema } from '@komputer/relay';
import { BaseConfigSchema, CorsOriginsSchema, HostSchema, PortSchema } from '@komputer/service-kit';
import { z } from 'zod';

/** The gateway's configuration, read from the environment; it serves the relay's routes too. */
export const GatewayConfigSchema = BaseConfigSchema.extend(RelaySettingsSchema.shape).extend({
  PORT: PortSchema.default(8080),
  HOST: HostSchema,
  KOMPUTER_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest request body; a larger one gets `413 PAYLOAD_TOO_LARGE`'),
  KOMPUTER_JSON_MAX_DEPTH: z.coerce
    .number()
    .int()
    .min(8)
    .max(1000)
    .default(64)
    .describe(
      'Deepest nesting of arrays and objects in a JSON body; a deeper one gets `400 VALIDATION_FAILED` before it is parsed',
    ),
  KOMPUTER_SECRET_KEY: SecretKeyVarSchema,
  KOMPUTER_MCP_TIMEOUT_MS: RuntimeSettingsSchema.shape.KOMPUTER_MCP_TIMEOUT_MS,
  KOMPUTER_CORS_ORIGINS: CorsOriginsSchema,
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
