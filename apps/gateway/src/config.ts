import { PlatformSettingsSchema } from '@komputer/platform-tools';
import { RelaySettingsSchema } from '@komputer/relay';
import { AuthSettingsSchema } from '@komputer/routes';
import {
  BaseConfigSchema,
  BodyLimitBytesSchema,
  CorsOriginsSchema,
  DATA_DIR_DESCRIPTION,
  HostSchema,
  JsonMaxDepthSchema,
  PortSchema,
  TracingConfigSchema,
} from '@komputer/service-kit';
import { z } from 'zod';

/** Each caller's token bucket when the configuration leaves it at 0. */
export const DEFAULT_RATE_LIMIT = { perSecond: 50, burst: 500 } as const;

/** The gateway's configuration, read from the environment; it serves the relay's routes too. */
export const GatewayConfigSchema = BaseConfigSchema.extend(RelaySettingsSchema.shape)
  .extend(TracingConfigSchema.shape)
  .extend(PlatformSettingsSchema.shape)
  .extend(AuthSettingsSchema.shape)
  .extend({
    PORT: PortSchema.default(8080),
    HOST: HostSchema,
    KOMPUTER_BODY_LIMIT_BYTES: BodyLimitBytesSchema,
    KOMPUTER_JSON_MAX_DEPTH: JsonMaxDepthSchema,
    KOMPUTER_CORS_ORIGINS: CorsOriginsSchema,
    KOMPUTER_REGISTRY_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('http://127.0.0.1:8082')
      .describe(
        "The connector-registry's base URL, without `/api/v1`: the gateway forwards the connectors', secrets', memories' and skills' routes to it. `npm start` sets it to the registry it runs",
      ),
    KOMPUTER_REGISTRY_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(30_000)
      .describe(
        "Bound on one call from the gateway to the connector-registry, answer included; past it the gateway answers `504 REGISTRY_TIMEOUT`. Keep it above the registry's tool discovery, which may take a few `KOMPUTER_MCP_TIMEOUT_MS`",
      ),
    KOMPUTER_RATE_LIMIT_PER_SECOND: z.coerce
      .number()
      .min(0)
      .max(1_000_000)
      .default(0)
      .transform((rate) => rate || DEFAULT_RATE_LIMIT.perSecond)
      .describe(
        `Requests a second that each caller (an API key, or an anonymous caller's address) may send, on average, through every gateway together; past its burst a caller gets \`429 RATE_LIMITED\` with \`Retry-After\`. 0: the default, ${DEFAULT_RATE_LIMIT.perSecond}`,
      ),
    KOMPUTER_RATE_LIMIT_BURST: z.coerce
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(0)
      .transform((burst) => burst || DEFAULT_RATE_LIMIT.burst)
      .describe(
        `Requests that each caller may send at once after a pause: the size of its token bucket. 0: the default, ${DEFAULT_RATE_LIMIT.burst}`,
      ),
    KOMPUTER_AUDIT_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe(
        'Days that the audit trail keeps each record of a state-changing call; older ones are trimmed',
      ),
    KOMPUTER_DATA_DIR: z.string().min(1).optional().describe(DATA_DIR_DESCRIPTION),
    KOMPUTER_DOWNLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(100 * 1024 * 1024)
      .describe(
        'Largest workspace file that `GET /agents/{name}/download/{path}` serves; a larger one answers `413 FILE_TOO_LARGE`',
      ),
  });
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
