import { McpTimeoutVarSchema, SecretKeyVarSchema } from '@komputer/connectors';
import { RelaySettingsSchema } from '@komputer/relay';
import { BaseConfigSchema, PortSchema } from '@komputer/service-kit';
import { z } from 'zod';

/** The gateway's configuration, read from the environment; it serves the relay's routes too. */
export const GatewayConfigSchema = BaseConfigSchema.extend(RelaySettingsSchema.shape).extend({
  PORT: PortSchema.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  KOMPUTER_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Encrypts secrets at rest (AES-256-GCM): 32 random bytes, base64. */
  KOMPUTER_SECRET_KEY: SecretKeyVarSchema,
  /** Bound on connecting to a connector's MCP server and on each request, for tool discovery. */
  KOMPUTER_MCP_TIMEOUT_MS: McpTimeoutVarSchema,
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
