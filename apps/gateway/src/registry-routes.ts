import { operations } from '@komputer/contracts';
import type { RegistryOperationId } from '@komputer/contracts';
import { oauthCallbackPages } from '@komputer/connectors';
import { bodyNamespaceOf, namespaceOf, pageRoute, route } from '@komputer/routes';
import type { NamespaceQuery } from '@komputer/routes';
import type { RequestHandler, Response } from 'express';
import { credentialsOf } from './registry-client';
import type { RegistryCallInit, RegistryClient } from './registry-client';

/** `?force=`, as the registry reads it again. */
function force(query: { force?: boolean | undefined }): { force?: string } {
  return query.force === undefined ? {} : { force: String(query.force) };
}

/**
 * The connector-registry's operations, as the gateway serves them: each request is checked here
 * as on every route, then sent on to the registry through the generated client, in the namespace
 * the gateway resolved, and the registry's answer (or error) is the gateway's.
 */
export function registryRoutes(
  registry: RegistryClient,
  defaultNamespace: string,
): Record<RegistryOperationId, RequestHandler> {
  const { api } = registry;
  const ns = (query: NamespaceQuery) => namespaceOf(query, defaultNamespace);
  const bodyNs = (query: NamespaceQuery, body: NamespaceQuery) =>
    bodyNamespaceOf(query, body, defaultNamespace);
  const send = <T>(
    res: Response,
    call: (
      init: RegistryCallInit,
    ) => Promise<{ data?: T; error?: unknown; response: globalThis.Response }>,
  ) =>
    registry.call(
      { requestId: String(res.locals['requestId']), credentials: credentialsOf(res.req.headers) },
      call,
    );

  return {
    listConnectors: route(operations.listConnectors, ({ query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/connectors', { ...init, params: { query: { namespace: ns(query) } } }),
      ),
    ),
    createConnector: route(operations.createConnector, ({ query, body, res }) =>
      send(res, (init) =>
        api.POST('/api/v1/connectors', {
          ...init,
          params: { query: { namespace: bodyNs(query, body) } },
          body,
        }),
      ),
    ),
    getConnector: route(operations.getConnector, ({ path, query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/connectors/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query) } },
        }),
      ),
    ),
    deleteConnector: route(operations.deleteConnector, ({ path, query, res }) =>
      send(res, (init) =>
        api.DELETE('/api/v1/connectors/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query), ...force(query) } },
        }),
      ),
    ),
    listConnectorTools: route(operations.listConnectorTools, ({ path, query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/connectors/{name}/tools', {
          ...init,
          params: { path, query: { namespace: ns(query) } },
        }),
      ),
    ),
    listConnectorTemplates: route(operations.listConnectorTemplates, ({ query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/connector-templates', {
          ...init,
          params: { query: { namespace: ns(query) } },
        }),
      ),
    ),
    authorizeOAuth: route(operations.authorizeOAuth, ({ query, body, res }) =>
      send(res, (init) =>
        api.POST('/api/v1/oauth/authorize', {
          ...init,
          params: { query: { namespace: bodyNs(query, body) } },
          body,
        }),
      ),
    ),
    // The registry answers JSON; the person's browser gets its page from here.
    completeOAuth: pageRoute(
      operations.completeOAuth,
      ({ query, res }) =>
        send(res, (init) => api.GET('/api/v1/oauth/callback', { ...init, params: { query } })),
      oauthCallbackPages,
    ),
    refreshOAuth: route(operations.refreshOAuth, ({ query, body, res }) =>
      send(res, (init) =>
        api.POST('/api/v1/oauth/refresh', {
          ...init,
          params: { query: { namespace: bodyNs(query, body) } },
          body,
        }),
      ),
    ),
    listSecrets: route(operations.listSecrets, ({ query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/secrets', { ...init, params: { query: { namespace: ns(query) } } }),
      ),
    ),
    createSecret: route(operations.createSecret, ({ query, body, res }) =>
      send(res, (init) =>
        api.POST('/api/v1/secrets', {
          ...init,
          params: { query: { namespace: bodyNs(query, body) } },
          body,
        }),
      ),
    ),
    updateSecret: route(operations.updateSecret, ({ path, query, body, res }) =>
      send(res, (init) =>
        api.PATCH('/api/v1/secrets/{name}', {
          ...init,
          params: { path, query: { namespace: bodyNs(query, body) } },
          body,
        }),
      ),
    ),
    deleteSecret: route(operations.deleteSecret, ({ path, query, res }) =>
      send(res, (init) =>
        api.DELETE('/api/v1/secrets/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query) } },
        }),
      ),
    ),
    listMemories: route(operations.listMemories, ({ query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/memories', { ...init, params: { query: { namespace: ns(query) } } }),
      ),
    ),
    createMemory: route(operations.createMemory, ({ query, body, res }) =>
      send(res, (init) =>
        api.POST('/api/v1/memories', {
          ...init,
          params: { query: { namespace: bodyNs(query, body) } },
          body,
        }),
      ),
    ),
    getMemory: route(operations.getMemory, ({ path, query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/memories/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query) } },
        }),
      ),
    ),
    patchMemory: route(operations.patchMemory, ({ path, query, body, res }) =>
      send(res, (init) =>
        api.PATCH('/api/v1/memories/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query) } },
          body,
        }),
      ),
    ),
    deleteMemory: route(operations.deleteMemory, ({ path, query, res }) =>
      send(res, (init) =>
        api.DELETE('/api/v1/memories/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query), ...force(query) } },
        }),
      ),
    ),
    listSkills: route(operations.listSkills, ({ query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/skills', { ...init, params: { query: { namespace: ns(query) } } }),
      ),
    ),
    createSkill: route(operations.createSkill, ({ query, body, res }) =>
      send(res, (init) =>
        api.POST('/api/v1/skills', {
          ...init,
          params: { query: { namespace: bodyNs(query, body) } },
          body,
        }),
      ),
    ),
    getSkill: route(operations.getSkill, ({ path, query, res }) =>
      send(res, (init) =>
        api.GET('/api/v1/skills/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query) } },
        }),
      ),
    ),
    patchSkill: route(operations.patchSkill, ({ path, query, body, res }) =>
      send(res, (init) =>
        api.PATCH('/api/v1/skills/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query) } },
          body,
        }),
      ),
    ),
    deleteSkill: route(operations.deleteSkill, ({ path, query, res }) =>
      send(res, (init) =>
        api.DELETE('/api/v1/skills/{name}', {
          ...init,
          params: { path, query: { namespace: ns(query), ...force(query) } },
        }),
      ),
    ),
  };
}
