import { RuntimeSettingsSchema } from '@komputer/contracts';
import { OAUTH_DEFAULTS, SecretKeyVarSchema } from '@komputer/connectors';
import {
  BaseConfigSchema,
  BodyLimitBytesSchema,
  HostSchema,
  JsonMaxDepthSchema,
  PortSchema,
} from '@komputer/service-kit';
import { AuthSettingsSchema } from '@komputer/routes';
import { z } from 'zod';

/** connector-registry's configuration, read from the environment. */
export const RegistryConfigSchema = BaseConfigSchema.extend(AuthSettingsSchema.shape).extend({
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
  KOMPUTER_OAUTH_CALLBACK_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default(OAUTH_DEFAULTS.callbackUrl)
    .describe(
      "Where authorization servers send a person back after consenting to an OAuth connector: the gateway's public `/api/v1/oauth/callback`, as the person's browser reaches it. Register it as the redirect URI of each OAuth client. `npm start` sets it to its gateway",
    ),
  KOMPUTER_OAUTH_STATE_TTL_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .max(3_600_000)
    .default(OAUTH_DEFAULTS.stateTtlMs)
    .describe(
      'How long a consent may take, from `POST /oauth/authorize` to the callback; later, the callback answers `400 OAUTH_STATE_INVALID`',
    ),
  KOMPUTER_OAUTH_REFRESH_MARGIN_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(OAUTH_DEFAULTS.refreshMarginMs)
    .describe(
      "An OAuth connector's access token that expires within this margin is refreshed before it is used",
    ),
});
export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;
