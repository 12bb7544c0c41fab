import { SchedulerConfigSchema } from '@komputer/agent-scheduler';
import { GatewayConfigSchema } from '@komputer/gateway';
import type { z } from 'zod';

/**
 * `npm start`: the settings of every app it runs. `KOMPUTER_DATA_DIR` holds its own Redis's
 * data and the agents' workspaces.
 */
export const DevConfigSchema = GatewayConfigSchema.extend(SchedulerConfigSchema.shape);
export type DevConfig = z.infer<typeof DevConfigSchema>;
