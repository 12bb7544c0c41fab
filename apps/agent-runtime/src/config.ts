import { isAbsolute } from 'node:path';
import { z } from 'zod';

/**
 * The agent runtime's configuration, read from the environment. It deliberately does not extend
 * the services' base config: a runtime runs in the agent's sandbox and must never be given the
 * control plane's Redis address or credentials.
 */
export const AgentRuntimeConfigSchema = z.object({
  /**
   * The agent's workspace: its working directory, where file tools are confined. Unset for a
   * spare runtime, which learns it from its first message (`assign`).
   */
  KOMPUTER_WORKSPACE: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KOMPUTER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** Default `Bash` timeout; the model may ask for up to 600 000 ms per command. */
  KOMPUTER_BASH_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
  KOMPUTER_TOOL_OUTPUT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(1024 * 1024)
    .default(30_000),
  /** `max_tokens` of each model call; 8192 is within every supported model's output limit. */
  KOMPUTER_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(1).max(128_000).default(8_192),
  /** How often the SDK retries 408, 409, 429 and 5xx answers and connection errors. */
  ANTHROPIC_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  KOMPUTER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
});
export type AgentRuntimeConfig = z.infer<typeof AgentRuntimeConfigSchema>;
