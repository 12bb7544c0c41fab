import { z } from 'zod';

/**
 * The platform tools' settings, read from the environment by each service that runs them: the
 * scheduler (for manager agents) and the gateway (for `/mcp`).
 */
export const PlatformSettingsSchema = z.object({
  KOMPUTER_AWAIT_MAX_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(24 * 3600_000)
    .default(30 * 60_000)
    .describe(
      'The hard cap of one `await_agents` call: it returns with the tasks still running once this has passed, whatever timeout the caller asked for',
    ),
});
export type PlatformSettings = z.infer<typeof PlatformSettingsSchema>;
