import { RuntimeSettingsSchema } from '@komputer/contracts';
import { DATA_DIR_DESCRIPTION } from '@komputer/service-kit';
import { z } from 'zod';

/**
 * The local driver's configuration, read from the environment besides the scheduler's: where
 * workspaces live, how runtimes start, and what each runtime is handed (the runtime settings).
 * The model API key is not among them: only the scheduler's model proxy holds it.
 */
export const LocalDriverConfigSchema = RuntimeSettingsSchema.extend({
  KOMPUTER_DATA_DIR: z.string().min(1).default('.komputer').describe(DATA_DIR_DESCRIPTION),
  KOMPUTER_RUNTIME_ENTRY: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The agent-runtime bundle the local driver starts. Unset: `agent-runtime/main.js` next to the scheduler's bundle",
    ),
  KOMPUTER_RUNTIME_NODE_OPTIONS: z
    .string()
    .default('--max-semi-space-size=1 --optimize-for-size')
    .transform((value) => value.split(/\s+/).filter(Boolean))
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^--[a-z0-9-]+(=[^\s]+)?$/,
            'must be Node.js options such as --max-semi-space-size=1',
          ),
      ),
    )
    .describe(
      'Node.js options for agent runtimes, separated by spaces; the default (a 1 MB young generation, size over speed) keeps an idle runtime near 80 MB',
    ),
  KOMPUTER_RUNTIME_SPARE: z
    .stringbool()
    .default(true)
    .describe('Keep one runtime started ahead of need, so that a new agent starts faster'),
  KOMPUTER_RUNTIME_START_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(15_000)
    .describe('How long a new runtime may take to say it is ready'),
  KOMPUTER_RUNTIME_START_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(4)
    .describe(
      'Runtimes that may be starting at once; more tasks for new agents wait their turn, so that a burst of them does not starve the machine (the start timeout counts from each start)',
    ),
  KOMPUTER_RUNTIME_NICE: z.coerce
    .number()
    .int()
    .min(0)
    .max(19)
    .default(10)
    .describe(
      'The nice value of runtimes and the commands they run (0–19): above 0, the control plane keeps the CPU it needs when many agents work at once',
    ),
  KOMPUTER_RUNTIME_HEARTBEAT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15_000)
    .describe('A runtime silent for this long is killed, and its task ends with `error`'),
  PATH: z
    .string()
    .min(1)
    .default('/usr/local/bin:/usr/bin:/bin')
    .describe('Handed to agent runtimes, for their tools'),
});
export type LocalDriverConfig = z.infer<typeof LocalDriverConfigSchema>;
