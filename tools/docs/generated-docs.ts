import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentRuntimeConfigSchema } from '@komputer/agent-runtime';
import {
  KubernetesDriverConfigSchema,
  LocalDriverConfigSchema,
  SchedulerConfigSchema,
} from '@komputer/agent-scheduler';
import { RegistryConfigSchema } from '@komputer/connector-registry';
import { RuntimeSettingsSchema } from '@komputer/contracts';
import { EventRelayConfigSchema } from '@komputer/event-relay';
import { GatewayConfigSchema } from '@komputer/gateway';
import { renderApiReference } from './api-reference';
import type { OpenApiDocument } from './api-reference';
import { renderConfigReference } from './config-reference';
import type { ConfigSource } from './config-reference';
import { formatMarkdown, replaceBetweenMarkers } from './markdown';

/** Every service's config schema; the scheduler hands the runtime settings to each runtime. */
export const CONFIG_SOURCES: ConfigSource[] = [
  { service: 'gateway', schema: GatewayConfigSchema },
  { service: 'event-relay', schema: EventRelayConfigSchema },
  { service: 'connector-registry', schema: RegistryConfigSchema },
  { service: 'agent-scheduler', schema: SchedulerConfigSchema },
  { service: 'agent-scheduler (local driver)', schema: LocalDriverConfigSchema },
  { service: 'agent-scheduler (kubernetes driver)', schema: KubernetesDriverConfigSchema },
  {
    service: 'agent-runtime',
    schema: AgentRuntimeConfigSchema,
    handedBy: {
      service: 'agent-scheduler (local driver)',
      variables: [...Object.keys(RuntimeSettingsSchema.shape), 'LOG_LEVEL'],
    },
  },
];

/** A file under docs/ and the text it must hold. */
export interface GeneratedDoc {
  path: string;
  text: string;
}

/**
 * What `npm run docs` writes: the API reference from docs/openapi.json, and the configuration
 * reference inside docs/operations.md.
 */
export function generatedDocs(root: string): GeneratedDoc[] {
  const docs = join(root, 'docs');
  const document = JSON.parse(readFileSync(join(docs, 'openapi.json'), 'utf8')) as OpenApiDocument;
  const apiReference = join(docs, 'api-reference.md');
  const operations = join(docs, 'operations.md');
  const withConfig = replaceBetweenMarkers(
    readFileSync(operations, 'utf8'),
    'config-reference',
    renderConfigReference(CONFIG_SOURCES),
  );
  return [
    {
      path: apiReference,
      text: formatMarkdown(renderApiReference(document), apiReference),
    },
    { path: operations, text: formatMarkdown(withConfig, operations) },
  ];
}
