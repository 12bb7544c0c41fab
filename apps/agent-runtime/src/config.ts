import { isAbsolute } from 'node:path';
import { DEFAULT_STATE_DIR, RuntimeSettingsSchema, StateDirSchema } from '@komputer/contracts';
import { BaseConfigSchema } from '@komputer/service-kit';
import { z } from 'zod';

/**
 * The agent runtime's configuration, read from the environment. It deliberately does not extend
 * the services' base config: a runtime runs in the agent's sandbox and must never be given the
 * control plane's Redis address or credentials.
 */
export const AgentRuntimeConfigSchema = RuntimeSettingsSchema.extend({
  KOMPUTER_WORKSPACE: z
    .string()
    .refine(isAbsolute, 'must be an absolute path')
    .optional()
    .describe(
      "The agent's workspace (an absolute path): its working directory, where its file tools are confined. Unset: a spare runtime, told its workspace by its first message",
    ),
  KOMPUTER_STATE_DIR: StateDirSchema.default(DEFAULT_STATE_DIR).describe(
    "Where, relative to the workspace, the runtime keeps its session and skills: another member's directory for a squad member running in that member's workspace",
  ),
  KOMPUTER_SANDBOX_HIDE: z
    .string()
    .default('')
    .transform((list) => list.split(':').filter(Boolean))
    .pipe(z.array(z.string().refine(isAbsolute, 'must be absolute paths')))
    .describe(
      'Paths the sandbox hides from the agent, separated by colons, besides home directories, /tmp and the host’s credential files: the data directory and the project’s files',
    ),
  KOMPUTER_SUPERVISOR_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(0)
    .describe(
      "How long a model call that lost its supervisor's model proxy (its token refused, its connection cut) before it reported anything waits for a new supervisor's token, then is made again. `0`: the task fails at once (a local runtime stops with its supervisor); the kubernetes driver sets it for pods, which outlive theirs",
    ),
  LOG_LEVEL: BaseConfigSchema.shape.LOG_LEVEL,
  KOMPUTER_SHUTDOWN_TIMEOUT_MS:
    BaseConfigSchema.shape.KOMPUTER_SHUTDOWN_TIMEOUT_MS.removeDefault().default(5_000),
});
export type AgentRuntimeConfig = z.infer<typeof AgentRuntimeConfigSchema>;
