import { isAbsolute } from 'node:path';
import { RuntimeSettingsSchema } from '@komputer/contracts';
import { z } from 'zod';

/**
 * The agent runtime's configuration, read from the environment. It deliberately does not extend
 * the services' base config: a runtime runs in the agent's sandbox and must never be given the
 * control plane's Redis address or credentials.
 */
export const AgentRuntimeConfigSchema = RuntimeSettingsSchema.extend({
  /**
   * The agent's workspace: its working directory, where file tools are confined. Unset for a
   * spare runtime, which learns it from its first message (`assign`).
   */
  KOMPUTER_WORKSPACE: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KOMPUTER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});
export type AgentRuntimeConfig = z.infer<typeof AgentRuntimeConfigSchema>;
