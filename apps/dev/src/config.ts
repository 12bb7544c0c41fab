import { GatewayConfigSchema } from '@komputer/gateway';
import { z } from 'zod';

/** `npm start`: every app's settings, plus where the launcher's own Redis keeps its data. */
export const DevConfigSchema = GatewayConfigSchema.extend({
  KOMPUTER_DATA_DIR: z.string().min(1).default('.komputer'),
});
export type DevConfig = z.infer<typeof DevConfigSchema>;
