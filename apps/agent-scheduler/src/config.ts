import { RuntimeSettingsSchema } from '@komputer/contracts';
import { SecretKeyVarSchema } from '@komputer/connectors';
import { BaseConfigSchema } from '@komputer/service-kit';
import { z } from 'zod';

/** The scheduler's configuration, read from the environment. */
export const SchedulerConfigSchema = BaseConfigSchema.extend(RuntimeSettingsSchema.shape).extend({
  KOMPUTER_SCHEDULER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(16)
    .describe(
      "Tasks this scheduler runs at once, from the queue and handed straight to it (a warm agent's next task) together; the queue may add one more while every slot holds a handed-over task",
    ),
  KOMPUTER_DATA_DIR: z
    .string()
    .min(1)
    .default('.komputer')
    .describe(
      "Agents' workspaces live under `<dir>/workspaces/<namespace>/<name>`; under `npm start` also its own Redis's data and the generated secret key",
    ),
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
  KOMPUTER_TEXT_DELTAS: z
    .stringbool()
    .default(true)
    .describe(
      'Runtimes report `text_delta` events (token streaming); readers get them only when they ask (`?deltas=true`)',
    ),
  KOMPUTER_RUNTIME_START_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(15_000)
    .describe('How long a new runtime may take to say it is ready'),
  KOMPUTER_RUNTIME_HEARTBEAT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15_000)
    .describe('A runtime silent for this long is killed, and its task ends with `error`'),
  KOMPUTER_MAX_TURNS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(50)
    .describe("Model calls per task, unless the agent's `limits.maxTurns` says otherwise"),
  KOMPUTER_MAX_BUDGET_USD: z.coerce
    .number()
    .positive()
    .default(5)
    .describe(
      "Spend per task in USD, unless the agent's `limits.maxBudgetUsd` says otherwise; past it the task ends with `error`",
    ),
  KOMPUTER_TASK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(30 * 60_000)
    .describe(
      "Time per task, unless the agent's `limits.timeoutMs` says otherwise; past it the task ends with `error`",
    ),
  KOMPUTER_RECONCILE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe(
      'How often every agent is read for lost tasks (also at start-up); the tasks of a scheduler that died are found every 2 s without it',
    ),
  KOMPUTER_RECONCILE_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60_000)
    .describe(
      'A claim not queued yet, or handed to a live scheduler and not started, is left alone this long by the reconciler',
    ),
  KOMPUTER_SECRET_KEY: SecretKeyVarSchema,
  PATH: z
    .string()
    .min(1)
    .default('/usr/local/bin:/usr/bin:/bin')
    .describe('Handed to agent runtimes, for their tools'),
  ANTHROPIC_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Handed to agent runtimes for the model SDK. Unset: `npm start` serves the offline model',
    ),
  ANTHROPIC_BASE_URL: z
    .url()
    .optional()
    .describe(
      "Handed to agent runtimes: any Anthropic-compatible endpoint. Unset: Anthropic's API",
    ),
});
export type SchedulerConfig = z.infer<typeof SchedulerConfigSchema>;
