import { RuntimeSettingsSchema } from '@komputer/contracts';
import { SecretKeyVarSchema } from '@komputer/connectors';
import {
  BaseConfigSchema,
  BodyLimitBytesSchema,
  HostSchema,
  JsonMaxDepthSchema,
  PortSchema,
} from '@komputer/service-kit';
import type { z } from 'zod';

/** connector-registry's configuration, read from the environment. */
export const RegistryConfigSchema = BaseConfigSchema.extend({
  PORT: PortSchema.default(8082),
  HOST: HostSchema,
  KOMPUTER_BODY_LIMIT_BYTES: BodyLimitBytesSchema,
  KOMPUTER_JSON_MAX_DEPTH: JsonMaxDepthSchema,
  KOMPUTER_SECRET_KEY: SecretKeyVarSchema,
  KOMPUTER_MCP_TIMEOUT_MS: RuntimeSettingsSchema.shape.KOMPUTER_MCP_TIMEOUT_MS,
});
export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;
