import { RuntimeSettingsSchema } from '@komputer/contracts';
import { SecretKeyVarSchema } from '@komputer/connectors';
import {
  BaseConfigSchema,
  BodyLimitBytesSchema,
  HostSchema,
  JsonMaxDepthSchema,
  PortSchema,
} from '@komputer/service-kit';
import { z } from 'zod';

/** connector-registry's configuration, read from the environment. */
export const RegistryConfigSchema = BaseConfigSchema.extend({
  PORT: PortSchema.default(8082),
  HOST: HostSchema,
  KOMPUTER_BODY_LIMIT_BYTES: BodyLimitBytesSchema,
  KOMPUTER_JSON_MAX_DEPTH: JsonMaxDepthSchema,
  KOMPUTER_SECRET_KEY: SecretKeyVarSchema,
  KOMPUTER_MCP_TIMEOUT_MS: RuntimeSettingsSchema.shape.KOMPUTER_MCP_TIMEOUT_MS,
  KOMPUTER_MCP_CALL_TIMEOUT_MS: RuntimeSettingsSchema.shape.KOMPUTER_MCP_CALL_TIMEOUT_MS,
  KOMPUTER_CONNECTOR_TOOLS_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60 * 60_000)
    .default(5 * 60_000)
    .describe(
      "How long a connector's tool list is kept in Redis before its MCP server is asked again; a change to the connector drops it at once",
    ),
  KOMPUTER_MCP_UPSTREAM_CLIENTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(64)
    .describe(
      "MCP clients of connectors' servers the registry keeps connected between agents' tool calls; past it the least recently used is closed",
    ),
});
export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;
