import { BUILTIN_TEMPLATES, buildOpenApiDocument, operations } from '@komputer/contracts';
import type { OperationId } from '@komputer/contracts';
import {
  corsMiddleware,
  errorMiddleware,
  jsonBodyParser,
  notFoundHandler,
  requestIdMiddleware,
} from '@komputer/service-kit';
import type { Relay } from '@komputer/relay';
import type { Health, Logger } from '@komputer/service-kit';
import type { EventStore } from '@komputer/store';
import { bodyNamespaceOf, mountRoutes, namespaceOf, route } from '@komputer/routes';
import type { Authenticate, NamespaceQuery } from '@komputer/routes';
import express from 'express';
import type { RequestHandler } from 'express';
import type { AgentService } from '@komputer/agents';
import { toAgentResponse } from './presenters';
import type { RegistryClient } from './registry-client';
import { registryRoutes } from './registry-routes';

/** Everything the gateway's HTTP app needs, wired by the caller. */
export interface GatewayDeps {
  agents: AgentService;
  /** The connector-registry, which serves connectors, secrets, memories and skills. */
  registry: RegistryClient;
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

/** Builds the gateway's Express app, without listening. */
export function createApp(deps: GatewayDeps): express.Express {
  const { agents, events, defaultNamespace } = deps;
  const openApiDocument = buildOpenApiDocument();
  const ns = (query: NamespaceQuery) => namespaceOf(query, defaultNamespace);
  const bodyNamespace = (query: NamespaceQuery, body: NamespaceQuery) =>
    bodyNamespaceOf(query, body, defaultNamespace);

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
    watchAgentEvents: deps.relay.handlers.watchAgentEvents,
    streamAgentEvents: deps.relay.handlers.streamAgentEvents,
    watchEvents: deps.relay.handlers.watchEvents,
    ...registryRoutes(deps.registry, defaultNamespace),
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
