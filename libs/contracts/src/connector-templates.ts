import { z } from 'zod';

/** How a catalogue entry's MCP server takes a credential, as komputer.ai's form reads it. */
export const ConnectorTemplateAuthTypeSchema = z.enum(['token', 'oauth', 'none']).meta({
  id: 'ConnectorTemplateAuthType',
  description:
    '`token`: a secret sent as `Authorization: Bearer` (a connector’s authType "token"); `oauth`: a consent ' +
    '(authType "oauth"); `none`: no credential',
});
export type ConnectorTemplateAuthType = z.infer<typeof ConnectorTemplateAuthTypeSchema>;

/** One known MCP service, with what a "new connector" form needs to add it. */
export const ConnectorTemplateSchema = z
  .object({
    service: z.string().meta({ description: 'The connector’s `service`', example: 'github' }),
    displayName: z.string(),
    description: z.string(),
    url: z.string().meta({
      description:
        'The MCP server’s URL; `__custom__` for the entry that asks for a URL (komputer.ai’s form reads it so)',
    }),
    authType: ConnectorTemplateAuthTypeSchema,
    authLabel: z.string().meta({ description: 'What to call the credential in a form' }),
    authPlaceholder: z.string().meta({ description: 'What a credential looks like, or ""' }),
    guideSteps: z
      .array(z.string())
      .meta({ description: 'How to get the credential, step by step' }),
    color: z.string().meta({ description: 'The brand colour, `#rrggbb`' }),
    logoUrl: z.string().meta({ description: 'A logo to show, or ""' }),
  })
  .meta({ id: 'ConnectorTemplate' });
export type ConnectorTemplate = z.infer<typeof ConnectorTemplateSchema>;

/** `GET /connector-templates`. */
export const ConnectorTemplateListResponseSchema = z
  .object({ templates: z.array(ConnectorTemplateSchema) })
  .meta({ id: 'ConnectorTemplateListResponse' });
export type ConnectorTemplateListResponse = z.infer<typeof ConnectorTemplateListResponseSchema>;
