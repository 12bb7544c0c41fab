import { RuntimeSettingsSchema } from '@komputer/contracts';
import { SecretKeyVarSchema } from '@komputer/connectors';
import { BaseConfigSchema } from '@komputer/service-kit';
import { z } from 'zod';

/** The scheduler's configuration, read from the environment. */
export const SchedulerConfigSchema = BaseConfigSchema.extend(RuntimeSettingsSchema.shape).extend({
  /** Tasks run at once by this scheduler. */
  KOMPUTER_SCHEDULER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  /** Agents' workspaces live under `<dir>/workspaces/<namespace>/<name>`. */
  KOMPUTER_DATA_DIR: z.string().min(1).default('.komputer'),
  /** The agent-runtime bundle the local driver starts. Default: next to this app's bundle. */
  KOMPUTER_RUNTIME_ENTRY: z.string().min(1).optional(),
  /**
   * Node.js options for agent runtimes. The default keeps an idle runtime small: a 1 MB young
   * generation and V8's size over speed.
   */
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
    ),
  /** Keep one runtime started ahead of need, so that a new agent starts faster. */
  KOMPUTER_RUNTIME_SPARE: z.stringbool().default(true),
  /**
   * Runtimes report `text_delta` events (token streaming, joined per
   * `KOMPUTER_TEXT_DELTA_INTERVAL_MS`). Readers see them only when they ask (`?deltas=true`).
   */
  KOMPUTER_TEXT_DELTAS: z.stringbool().default(true),
  /** How long a new runtime may take to say it is ready. */
  KOMPUTER_RUNTIME_START_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** A runtime that sends no heartbeat for this long is considered dead. */
  KOMPUTER_RUNTIME_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(15_000),
  /** Default task limits; an agent's own settings override them. */
  KOMPUTER_MAX_TURNS: z.coerce.number().int().min(1).max(1000).default(50),
  KOMPUTER_MAX_BUDGET_USD: z.coerce.number().positive().default(5),
  KOMPUTER_TASK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(30 * 60_000),
  /** How often the reconciler looks for tasks that were lost; it also runs at start-up. */
  KOMPUTER_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /** A claim or task is only reconciled once it is this old, so that one being set up is left alone. */
  KOMPUTER_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * Decrypts the secrets of an agent's connectors, which the scheduler hands to its runtime
   * with each task: the same key as the gateway's.
   */
  KOMPUTER_SECRET_KEY: SecretKeyVarSchema,
  /** Passed to agent runtimes, for their tools. */
  PATH: z.string().min(1).default('/usr/local/bin:/usr/bin:/bin'),
  /** Passed to agent runtimes, which give them to the Anthropic SDK. */
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
});
export type SchedulerConfig = z.infer<typeof SchedulerConfigSchema>;
