import { z } from 'zod';
import { CONNECTOR_TEMPLATES } from '@komputer/connectors';
import {
  CreateConnectorRequestSchema,
  CreateMemoryRequestSchema,
  CreateSecretRequestSchema,
  CreateSkillRequestSchema,
  NameSchema,
  PatchMemoryRequestSchema,
  PatchSkillRequestSchema,
} from '@komputer/contracts';
import type { ContentSpec, CreateConnectorRequest } from '@komputer/contracts';
import { namespaceField, namespaceFor } from './caller';
import { definePlatformTool } from './platform-tool';
import type { PlatformTool } from './platform-tool';

/** A memory's or a skill's operations, as the connector-registry's API runs them. */
export interface ContentOperations {
  list(namespace: string): Promise<unknown[]>;
  get(namespace: string, name: string): Promise<unknown>;
  /** Creates it, or replaces the one of that name. */
  put(namespace: string, name: string, spec: ContentSpec): Promise<unknown>;
  patch(namespace: string, name: string, fields: Partial<ContentSpec>): Promise<unknown>;
  /** Without `force`, refused (409) while agents attach it. */
  delete(namespace: string, name: string, force: boolean): Promise<void>;
}

/** Connectors' and secrets' operations, as the connector-registry's API runs them. */
export interface ConnectorOperations {
  listConnectors(namespace: string): Promise<unknown[]>;
  getConnector(namespace: string, name: string): Promise<unknown>;
  putConnector(namespace: string, request: CreateConnectorRequest): Promise<unknown>;
  listSecrets(namespace: string): Promise<unknown[]>;
  putSecret(namespace: string, name: string, data: Record<string, string>): Promise<unknown>;
  deleteSecret(namespace: string, name: string): Promise<void>;
}

/**
 * The connector-registry's resources, as each service that runs the tools reaches them: the
 * scheduler in process (the registries of `libs/connectors`), the gateway over the registry's
 * API, as it forwards its routes.
 */
export interface PlatformRegistry {
  memories: ContentOperations;
  skills: ContentOperations;
  connectors: ConnectorOperations;
}

const byName = z.strictObject({ name: NameSchema, namespace: namespaceField });

/** `create_`, `list_`, `get_`, `update_` and `delete_` a memory or a skill. */
function contentTools(
  ops: ContentOperations,
  noun: 'memory' | 'skill',
  plural: 'memories' | 'skills',
  schemas: {
    create: typeof CreateMemoryRequestSchema | typeof CreateSkillRequestSchema;
    patch: typeof PatchMemoryRequestSchema | typeof PatchSkillRequestSchema;
  },
): PlatformTool[] {
  return [
    definePlatformTool({
      name: `create_${noun}`,
      description: `Create a ${noun}, or replace the ${noun} of that name; attach it to an agent with attach_${noun}.`,
      input: schemas.create,
      async run({ name, namespace, ...spec }, { caller }) {
        return ops.put(namespaceFor(caller, namespace), name, spec);
      },
    }),
    definePlatformTool({
      name: `list_${plural}`,
      description: `List the ${plural} of the namespace, with the agents that attach each.`,
      input: z.strictObject({ namespace: namespaceField }),
      async run(input, { caller }) {
        return { [plural]: await ops.list(namespaceFor(caller, input.namespace)) };
      },
    }),
    definePlatformTool({
      name: `get_${noun}`,
      description: `Read a ${noun}: its content, its description and the agents that attach it.`,
      input: byName,
      async run(input, { caller }) {
        return ops.get(namespaceFor(caller, input.namespace), input.name);
      },
    }),
    definePlatformTool({
      name: `update_${noun}`,
      description: `Change a ${noun}'s content or description; agents read it from their next task.`,
      input: schemas.patch.extend(byName.shape),
      async run({ name, namespace, ...fields }, { caller }) {
        return ops.patch(namespaceFor(caller, namespace), name, fields);
      },
    }),
    definePlatformTool({
      name: `delete_${noun}`,
      description: `Delete a ${noun}; refused while an agent attaches it (detach it first).`,
      input: byName,
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await ops.delete(namespace, input.name, false);
        return { status: 'deleted', name: input.name, namespace };
      },
    }),
  ];
}

/**
 * The tools of the connector-registry's resources: memories, skills, connectors and secrets,
 * with komputer.ai's manager tool names, each as the matching API operation (a delete without
 * `force`).
 */
export function registryTools(registry: PlatformRegistry): PlatformTool[] {
  const { connectors } = registry;
  return [
    ...contentTools(registry.memories, 'memory', 'memories', {
      create: CreateMemoryRequestSchema,
      patch: PatchMemoryRequestSchema,
    }),
    ...contentTools(registry.skills, 'skill', 'skills', {
      create: CreateSkillRequestSchema,
      patch: PatchSkillRequestSchema,
    }),
    definePlatformTool({
      name: 'list_connectors',
      description: 'List the connectors (MCP servers) of the namespace, with their health.',
      input: z.strictObject({ namespace: namespaceField }),
      async run(input, { caller }) {
        return {
          connectors: await connectors.listConnectors(namespaceFor(caller, input.namespace)),
        };
      },
    }),
    definePlatformTool({
      name: 'list_connector_templates',
      description:
        'List known hosted MCP servers (service, URL, how they authenticate), to create a connector from.',
      input: z.strictObject({}),
      async run() {
        return { templates: CONNECTOR_TEMPLATES };
      },
    }),
    definePlatformTool({
      name: 'get_connector',
      description: 'Read a connector: its server, how it authenticates, its health.',
      input: byName,
      async run(input, { caller }) {
        return connectors.getConnector(namespaceFor(caller, input.namespace), input.name);
      },
    }),
    definePlatformTool({
      name: 'create_connector',
      description:
        'Create a connector to an MCP server, or replace the one of that name; its credential is a secret (create_secret). Attach it to an agent with attach_connector.',
      input: CreateConnectorRequestSchema,
      async run(input, { caller }) {
        return connectors.putConnector(namespaceFor(caller, input.namespace), input);
      },
    }),
    definePlatformTool({
      name: 'list_secrets',
      description: 'List the secrets of the namespace: their names and keys, never their values.',
      input: z.strictObject({ namespace: namespaceField }),
      async run(input, { caller }) {
        return { secrets: await connectors.listSecrets(namespaceFor(caller, input.namespace)) };
      },
    }),
    definePlatformTool({
      name: 'create_secret',
      description:
        'Create a secret (key-value pairs, sealed at rest), or replace the one of that name; attach it to an agent with attach_secret.',
      input: CreateSecretRequestSchema,
      async run(input, { caller }) {
        return connectors.putSecret(namespaceFor(caller, input.namespace), input.name, input.data);
      },
    }),
    definePlatformTool({
      name: 'delete_secret',
      description: 'Delete a secret.',
      input: byName,
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await connectors.deleteSecret(namespace, input.name);
        return { status: 'deleted', name: input.name, namespace };
      },
    }),
  ];
}
