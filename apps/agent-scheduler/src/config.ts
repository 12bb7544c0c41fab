import { RuntimeSettingsSchema } from '@komputer/contracts';
import { SecretKeyVarSchema } from '@komputer/connectors';
import { PlatformSettingsSchema } from '@komputer/platform-tools';
import {
  BaseConfigSchema,
  HostSchema,
  PortSchema,
  TracingConfigSchema,
} from '@komputer/service-kit';
import { z } from 'zod';

/** The runtime drivers: how agents' runtimes run. */
export const RUNTIME_DRIVERS = ['local', 'kubernetes'] as const;

/**
 * The scheduler's configuration, read from the environment. Each runtime driver reads its own
 * settings besides these (`LocalDriverConfigSchema`, `KubernetesDriverConfigSchema`).
 */
export const SchedulerConfigSchema = BaseConfigSchema.extend(TracingConfigSchema.shape)
  .extend(PlatformSettingsSchema.shape)
  .extend({
    // Its HTTP port serves health and readiness only; it takes its work from Redis.
    PORT: PortSchema.default(8083),
    HOST: HostSchema,
    KOMPUTER_RUNTIME_DRIVER: z
      .enum(RUNTIME_DRIVERS)
      .default('local')
      .describe(
        'How agents’ runtimes run: `local`, a child process per agent on this machine; `kubernetes`, a pod per agent',
      ),
    KOMPUTER_SCHEDULER_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(16)
      .describe(
        "Tasks this scheduler runs at once, from the queue and handed straight to it (a warm agent's next task) together; the queue may add one more while every slot holds a handed-over task",
      ),
    KOMPUTER_TEXT_DELTAS: z
      .stringbool()
      .default(true)
      .describe(
        'Runtimes report `text_delta` events (token streaming); readers get them only when they ask (`?deltas=true`)',
      ),
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
    KOMPUTER_SLEEP_AFTER_IDLE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Put an agent to sleep (its runtime stops, its workspace stays; its next task wakes it) once it has been idle this long after its last task, unless its template's `ttl.idleSleepMinutes` says otherwise; checked on every reconciliation pass. `0`: never",
      ),
    KOMPUTER_DELETE_AFTER_IDLE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Delete an agent (as `DELETE` does: its runtime, workspace and events go) this long after its last task ended, unless its template's `ttl.deleteAfterHours` says otherwise; checked on every reconciliation pass. `0`: never",
      ),
    KOMPUTER_SECRET_KEY: SecretKeyVarSchema,
    KOMPUTER_MCP_TIMEOUT_MS: RuntimeSettingsSchema.shape.KOMPUTER_MCP_TIMEOUT_MS,
    KOMPUTER_CONNECTOR_REGISTRY_URL: z
      .url({ protocol: /^https?$/ })
      .default('http://127.0.0.1:8082')
      .describe(
        "The connector-registry's base URL as agents' runtimes reach it: they call their connectors' MCP endpoints there with their task's token (on Kubernetes, an address the pods can reach, e.g. `http://connector-registry.komputer:8082`)",
      ),
    KOMPUTER_MODEL_PROXY_HOST: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe(
        "Interface of the scheduler's model proxy, through which runtimes call the model with their task's token; runtimes must reach it",
      ),
    KOMPUTER_MODEL_PROXY_PORT: PortSchema.default(0).describe(
      "Port of the scheduler's model proxy (`0`: any free port; runtimes are told which)",
    ),
    ANTHROPIC_API_KEY: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The model API key. Only the scheduler's model proxy holds it: runtimes never get it. Unset: `npm start` serves the offline model",
      ),
    ANTHROPIC_BASE_URL: z
      .url()
      .default('https://api.anthropic.com')
      .describe('Where the model proxy sends model calls: any Anthropic-compatible endpoint'),
  });
export type SchedulerConfig = z.infer<typeof SchedulerConfigSchema>;
