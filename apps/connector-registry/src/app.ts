import {
  CONNECTOR_TEMPLATES,
  MCP_ENDPOINT_ROUTE,
  oauthCallbackPages,
  skillResponses,
} from '@komputer/connectors';
import type { ConnectorRegistry, ContentRegistry, OAuthFlow } from '@komputer/connectors';
import { operations } from '@komputer/contracts';
import type { RegistryOperationId } from '@komputer/contracts';
import { bodyNamespaceOf, mountRoutes, namespaceOf, pageRoute, route } from '@komputer/routes';
import type { Authenticate, NamespaceQuery } from '@komputer/routes';
import {
  errorMiddleware,
  jsonBodyParser,
  notFoundHandler,
  requestIdMiddleware,
  securityHeadersMiddleware,
} from '@komputer/service-kit';
import type { Health, Logger, Metrics } from '@komputer/service-kit';
import express from 'express';
import type { RequestHandler } from 'express';
import { AppError } from '@komputer/service-kit';

/** Everything the registry's HTTP app needs, wired by the caller. */
export interface RegistryDeps {
  /** Connectors and secrets. */
  connectors: ConnectorRegistry;
  /** OAuth connectors' consent and refresh. */
  oauth: OAuthFlow;
  memories: ContentRegistry;
  skills: ContentRegistry;
  health: Health;
  /** Observes every request, and serves `GET /metrics`. */
  metrics: Metrics;
  logger: Logger;
  defaultNamespace: string;
  /** Largest JSON body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects accepted in a JSON body. */
  jsonMaxDepth: number;
  /** The hook every operation goes through. */
  authenticate: Authenticate;
  /** The connectors' MCP endpoint for agents' runtimes, which checks their task tokens itself. */
  mcpGateway: RequestHandler;
}

/** The MCP endpoint is stateless: no session stream to GET, no session to DELETE. */
const onlyPost: RequestHandler = (_req, res, next) => {
  res.setHeader('Allow', 'POST');
  next(
    new AppError('METHOD_NOT_ALLOWED', 405, 'the MCP endpoint takes POST only', {
      retryable: false,
    }),
  );
};

/**
 * Builds the registry's Express app, without listening: the connectors', secrets', memories'
 * and skills' operations of the shared table, with health and readiness, and the connectors'
 * MCP endpoint for agents.
 */
export function createApp(deps: RegistryDeps): express.Express {
  const { connectors, oauth, memories, defaultNamespace } = deps;
  const skills = skillResponses(deps.skills);
  const ns = (query: NamespaceQuery) => namespaceOf(query, defaultNamespace);
  const bodyNs = (query: NamespaceQuery, body: NamespaceQuery) =>
    bodyNamespaceOf(query, body, defaultNamespace);

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeadersMiddleware);
  app.set('query parser', 'simple');
  app.use(deps.metrics.http);
  app.get('/metrics', deps.metrics.handler);
  app.use(requestIdMiddleware);
  app.use(jsonBodyParser({ limitBytes: deps.bodyLimitBytes, maxDepth: deps.jsonMaxDepth }));

  const router = express.Router();
  // The operations of the registry's tags: the compiler checks that none is missing.
  const table: Record<RegistryOperationId | 'getHealth' | 'getReadiness', RequestHandler> = {
    listConnectors: route(operations.listConnectors, async ({ query }) => ({
      connectors: await connectors.listConnectors(ns(query)),
    })),
    createConnector: route(operations.createConnector, ({ query, body }) =>
      connectors.putConnector(bodyNs(query, body), body),
    ),
    getConnector: route(operations.getConnector, ({ path, query }) =>
      connectors.getConnector(ns(query), path.name),
    ),
    deleteConnector: route(operations.deleteConnector, async ({ path, query }) => {
      await connectors.deleteConnector(ns(query), path.name, query.force ?? false);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    listConnectorTools: route(operations.listConnectorTools, async ({ path, query }) => ({
      connector: path.name,
      tools: await connectors.listTools(ns(query), path.name),
    })),
    listConnectorTemplates: route(operations.listConnectorTemplates, () => ({
      templates: CONNECTOR_TEMPLATES,
    })),
    authorizeOAuth: route(operations.authorizeOAuth, ({ query, body }) =>
      oauth.authorize(bodyNs(query, body), body.connector_name),
    ),
    completeOAuth: pageRoute(
      operations.completeOAuth,
      ({ query }) => oauth.complete(query),
      oauthCallbackPages,
    ),
    refreshOAuth: route(operations.refreshOAuth, ({ query, body }) =>
      oauth.refresh(bodyNs(query, body), body.connector_name),
    ),
    listSecrets: route(operations.listSecrets, async ({ query }) => ({
      secrets: await connectors.listSecrets(ns(query)),
    })),
    createSecret: route(operations.createSecret, ({ query, body }) =>
      connectors.putSecret(bodyNs(query, body), body.name, body.data),
    ),
    updateSecret: route(operations.updateSecret, async ({ path, query, body }) => {
      const namespace = bodyNs(query, body);
      await connectors.updateSecret(namespace, path.name, body.data);
      return { status: 'updated', name: path.name, namespace };
    }),
    deleteSecret: route(operations.deleteSecret, async ({ path, query }) => {
      await connectors.deleteSecret(ns(query), path.name);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    listMemories: route(operations.listMemories, async ({ query }) => ({
      memories: await memories.list(ns(query)),
    })),
    createMemory: route(operations.createMemory, ({ query, body }) => {
      const { name, namespace: _ns, ...spec } = body;
      return memories.put(bodyNs(query, body), name, spec);
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
      skills: await skills.list(ns(query)),
    })),
    createSkill: route(operations.createSkill, async ({ query, body }) => {
      const { name, namespace: _ns, ...spec } = body;
      return skills.put(bodyNs(query, body), name, spec);
    }),
    getSkill: route(operations.getSkill, ({ path, query }) => skills.get(ns(query), path.name)),
    patchSkill: route(operations.patchSkill, ({ path, query, body }) =>
      skills.patch(ns(query), path.name, body),
    ),
    deleteSkill: route(operations.deleteSkill, async ({ path, query }) => {
      await skills.delete(ns(query), path.name, query.force ?? false);
      return { status: 'deleted', name: path.name, namespace: ns(query) };
    }),
    getHealth: deps.health.handlers.healthz,
    getReadiness: deps.health.handlers.readyz,
  };
  mountRoutes(router, table, { authenticate: deps.authenticate });
  app.post(MCP_ENDPOINT_ROUTE, deps.mcpGateway);
  app.all(MCP_ENDPOINT_ROUTE, onlyPost);
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
