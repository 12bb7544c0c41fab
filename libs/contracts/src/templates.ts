import { z } from 'zod';
import { AgentLimitsSchema, DEFAULT_MODEL, DEFAULT_TEMPLATE } from './agents';

/** An agent template: the defaults of the agents that name it in `templateRef`. */
export const TemplateResponseSchema = z
  .object({
    name: z.string(),
    scope: z
      .literal('builtin')
      .meta({ description: 'Where it is defined; only "builtin" for now' }),
    description: z.string(),
    model: z.string().meta({ description: 'The model of an agent created without one' }),
    limits: AgentLimitsSchema.meta({
      description: 'Task limits of its agents; each left out takes the scheduler setting',
    }),
  })
  .meta({ id: 'TemplateResponse' });
export type TemplateResponse = z.infer<typeof TemplateResponseSchema>;

export const TemplateListResponseSchema = z
  .object({ templates: z.array(TemplateResponseSchema) })
  .meta({ id: 'TemplateListResponse' });
export type TemplateListResponse = z.infer<typeof TemplateListResponseSchema>;

/** The templates every namespace has. Templates cannot be created through the API yet. */
export const BUILTIN_TEMPLATES: readonly TemplateResponse[] = [
  {
    name: DEFAULT_TEMPLATE,
    scope: 'builtin',
    description: 'The default agent: the default model, and the scheduler’s task limits',
    model: DEFAULT_MODEL,
    limits: {},
  },
];
