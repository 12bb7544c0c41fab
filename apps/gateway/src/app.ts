import type { ConnectorRegistry, ContentRegistry, ContentResource } from '@komputer/connectors';
import { BUILTIN_TEMPLATES, buildOpenApiDocument, operations } from '@komputer/contracts';
import type { OperationId, SkillResponse } from '@komputer/contracts';
import {
  AppError,
  corsMiddleware,
  errorMiddleware,
  jsonBodyParser,
  notFoundHandler,
  requestIdMiddleware,
} from '@komputer/service-kit';
import type { Relay } from '@komputer/relay';
import type { Health, Logger } from '@komputer/service-kit';
import type { EventStore } from '@komputer/store';
import { mountRoutes, route } from '@komputer/routes';
import type { Authenticate } from '@komputer/routes';
import express from 'express';
import type { RequestHandler } from 'express';
import type { AgentService } from '@komputer/agents';
import { toAgentResponse } from './presenters';

/** Everything the gateway's HTTP app needs, wired by the caller. */
export interface GatewayDeps {
  agents: AgentService;
  /** Connectors and secrets. */
  registry: ConnectorRegistry;
  memories: ContentRegistry;
  skills: ContentRegistry;
  events: EventStore;
  /** Serves the live event routes (SSE here; WebSocket through the server's upgrades). */
  relay: Relay;
  health: Health;
  logger: Logger;
  defaultNamespace: string;
  /** Largest JSON body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects accepted in a JSON body. */
  jsonMaxDepth: number;
  /** Origins whose browser pages may call the API (`*`: any); empty: none. */
  corsOrigins: readonly string[];
  /** Namespaces that hold agents (the default one is always listed too). */
  listNamespaces: () => Promise<string[]>;
  /** The hook every operation goes through (the relay's upgrades too). */
  authenticate: Authenticate;
}

/** A skill as the reference shows it: no skill is given to every agent unasked here. */
function toSkillResponse(skill: ContentResource): SkillResponse {
  return { ...skill, description: skill.description ?? '', isDefault: false };
}

/** Builds the gateway's Express app, without listening. */
export function createApp(deps: GatewayDeps): express.Express {
  const { agents, registry, memories, skills, events, defaultNamespace } = deps;
  const openApiDocument = buildOpenApiDocument();
  const ns = (query: { namespace?: string | undefined }) => query.namespace ?? defaultNamespace;
  /** The namespace of a create request, which may name it in the query, the body, or both alike. */
  const bodyNamespace = (
    query: { namespace?: string | undefined },
    body: { namespace?: string | undefined },
  ) => {
    if (query.namespace && body.namespace && query.namespace !== body.namespace) {
      throw new AppError(
        'VALIDATION_FAILED',
        400,
        'body.namespace: differs from the namespace query parameter',
        { retryable: false },
      );
    }
    return body.namespace ?? ns(query);
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestIdMiddleware);
  app.use(corsMiddleware(deps.corsOrigins));
  app.use(jsonBodyParser({ limitBytes: deps.bodyLimitBytes, maxDepth: deps.jsonMaxDepth }));

  const router = express.Router();
  // Every operation of the table: the compiler checks that none is missing.
  const table: Record<OperationId, RequestHandler> = {
    listAgents: route(operations.listAgents, async ({ query }) => ({
      agents: (await agents.list(ns(query))).map(toAgentResponse),
    })),
    createAgent: route(operations.createAgent, async ({ query, body }) => {
      const namespace = bodyNamespace(query, body);
      const { agent, taskId, created } = await agents.createOrRun(namespace, body);
      return { ...toAgentResponse(agent), taskId, created };
    }),
    getAgent: route(operations.getAgent, async ({ path, query }) =>
      toAgentResponse(await agents.get(ns(query), path.name)),
    ),
    patchAgent: route(operations.patchAgent, async ({ path, query, body }) =>
      toAgentResponse(await agents.patch(ns(query), path.name, body)),
    ),
    deleteAgent: route(operations.deleteAgent, async ({ path, query }) => {
      await agents.delete(ns(query), path.name);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    cancelAgentTask: route(operations.cancelAgentTask, ({ path, query }) =>
      agents.cancel(ns(query), path.name),
    ),
    getAgentEvents: route(operations.getAgentEvents, async ({ path, query }) => {
      const namespace = ns(query);
      await agents.get(namespace, path.name);
      if (query.after) await deps.relay.checkCursor(namespace, path.name, query.after);
      const page = query.after
        ? { limit: query.limit, after: query.after }
        : query.before
          ? { limit: query.limit, before: query.before }
          : { limit: query.limit };
      return { events: await events.read(namespace, path.name, page, { deltas: query.deltas }) };
    }),
    listConnectors: route(operations.listConnectors, async ({ query }) => ({
      connectors: await registry.listConnectors(ns(query)),
    })),
    createConnector: route(operations.createConnector, ({ query, body }) =>
      registry.putConnector(bodyNamespace(query, body), body),
    ),
    getConnector: route(operations.getConnector, ({ path, query }) =>
      registry.getConnector(ns(query), path.name),
    ),
    deleteConnector: route(operations.deleteConnector, async ({ path, query }) => {
      await registry.deleteConnector(ns(query), path.name, query.force ?? false);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    listConnectorTools: route(operations.listConnectorTools, async ({ path, query }) => ({
      connector: path.name,
      tools: await registry.listTools(ns(query), path.name),
    })),
    listSecrets: route(operations.listSecrets, async ({ query }) => ({
      secrets: await registry.listSecrets(ns(query)),
    })),
    createSecret: route(operations.createSecret, ({ query, body }) =>
      registry.putSecret(bodyNamespace(query, body), body.name, body.data),
    ),
    updateSecret: route(operations.updateSecret, async ({ path, query, body }) => {
      const namespace = bodyNamespace(query, body);
      await registry.updateSecret(namespace, path.name, body.data);
      return { status: 'updated', name: path.name, namespace };
    }),
    deleteSecret: route(operations.deleteSecret, async ({ path, query }) => {
      await registry.deleteSecret(ns(query), path.name);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    watchAgentEvents: deps.relay.handlers.watchAgentEvents,
    streamAgentEvents: deps.relay.handlers.streamAgentEvents,
    watchEvents: deps.relay.handlers.watchEvents,
    listMemories: route(operations.listMemories, async ({ query }) => ({
      memories: await memories.list(ns(query)),
    })),
    createMemory: route(operations.createMemory, ({ query, body }) => {
      const { name, namespace: _ns, ...spec } = body;
      return memories.put(bodyNamespace(query, body), name, spec);
    }),
    getMemory: route(operations.getMemory, ({ path, query }) => memories.get(ns(query), path.name)),
    patchMemory: route(operations.patchMemory, ({ path, query, body }) =>
      memories.patch(ns(query), path.name, body),
    ),
    deleteMemory: route(operations.deleteMemory, async ({ path, query }) => {
      await memories.delete(ns(query), path.name, query.force ?? false);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    listSkills: route(operations.listSkills, async ({ query }) => ({
      skills: (await skills.list(ns(query))).map(toSkillResponse),
    })),
    createSkill: route(operations.createSkill, async ({ query, body }) => {
      const { name, namespace: _ns, ...spec } = body;
      return toSkillResponse(await skills.put(bodyNamespace(query, body), name, spec));
    }),
    getSkill: route(operations.getSkill, async ({ path, query }) =>
      toSkillResponse(await skills.get(ns(query), path.name)),
    ),
    patchSkill: route(operations.patchSkill, async ({ path, query, body }) =>
      toSkillResponse(await skills.patch(ns(query), path.name, body)),
    ),
    deleteSkill: route(operations.deleteSkill, async ({ path, query }) => {
      await skills.delete(ns(query), path.name, query.force ?? false);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    listTemplates: route(operations.listTemplates, () => ({
      templates: [...BUILTIN_TEMPLATES],
    })),
    listNamespaces: route(operations.listNamespaces, async () => ({
      namespaces: [...new Set([defaultNamespace, ...(await deps.listNamespaces())])].sort(),
    })),
    getOpenApiDocument: route(operations.getOpenApiDocument, () => openApiDocument),
    getHealth: deps.health.handlers.healthz,
    getReadiness: deps.health.handlers.readyz,
  };
  mountRoutes(router, table, { authenticate: deps.authenticate });
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
