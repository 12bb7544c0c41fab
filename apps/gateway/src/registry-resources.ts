import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ContentOperations, PlatformRegistry } from '@komputer/platform-tools';
import { credentialsOf } from './registry-client';
import type { RegistryCallInit, RegistryClient } from './registry-client';

/** The credential of the `/mcp` request whose tool calls are running. */
const mcpCredentials = new AsyncLocalStorage<Record<string, string>>();

/**
 * Runs `serve` (an `/mcp` request) so that its tools' calls to the registry carry the caller's
 * own credential, which the registry checks again, as the gateway's routes forward theirs.
 */
export function withCallerCredentials<T>(headers: IncomingHttpHeaders, serve: () => T): T {
  return mcpCredentials.run(credentialsOf(headers), serve);
}

/**
 * The connector-registry's resources for the platform tools at `/mcp`: each call goes to the
 * registry's API, as the gateway's own routes forward them, under a request id of its own and
 * with the credential of the `/mcp` request (see {@link withCallerCredentials}).
 */
export function registryResources(registry: RegistryClient): PlatformRegistry {
  const { api } = registry;
  const send = <T>(
    call: (
      init: RegistryCallInit,
    ) => Promise<{ data?: T; error?: unknown; response: globalThis.Response }>,
  ) =>
    registry.call({ requestId: randomUUID(), credentials: mcpCredentials.getStore() ?? {} }, call);
  const query = (namespace: string) => ({ query: { namespace } });
  const content = (kind: 'memories' | 'skills'): ContentOperations => ({
    list: async (namespace) => {
      const page: Record<string, unknown[]> = await send((init) =>
        api.GET(`/api/v1/${kind}`, { ...init, params: query(namespace) }),
      );
      return page[kind] ?? [];
    },
    get: (namespace, name) =>
      send((init) =>
        api.GET(`/api/v1/${kind}/{name}`, {
          ...init,
          params: { path: { name }, ...query(namespace) },
        }),
      ),
    put: (namespace, name, spec) =>
      send((init) =>
        api.POST(`/api/v1/${kind}`, {
          ...init,
          params: query(namespace),
          body: { name, ...spec },
        }),
      ),
    patch: (namespace, name, fields) =>
      send((init) =>
        api.PATCH(`/api/v1/${kind}/{name}`, {
          ...init,
          params: { path: { name }, ...query(namespace) },
          body: fields,
        }),
      ),
    delete: async (namespace, name, force) => {
      await send((init) =>
        api.DELETE(`/api/v1/${kind}/{name}`, {
          ...init,
          params: { path: { name }, query: { namespace, force: String(force) } },
        }),
      );
    },
  });
  return {
    memories: content('memories'),
    skills: content('skills'),
    connectors: {
      listConnectors: async (namespace) =>
        (await send((init) => api.GET('/api/v1/connectors', { ...init, params: query(namespace) })))
          .connectors,
      getConnector: (namespace, name) =>
        send((init) =>
          api.GET('/api/v1/connectors/{name}', {
            ...init,
            params: { path: { name }, ...query(namespace) },
          }),
        ),
      putConnector: (namespace, request) =>
        send((init) =>
          api.POST('/api/v1/connectors', { ...init, params: query(namespace), body: request }),
        ),
      listSecrets: async (namespace) =>
        (await send((init) => api.GET('/api/v1/secrets', { ...init, params: query(namespace) })))
          .secrets,
      putSecret: (namespace, name, data) =>
        send((init) =>
          api.POST('/api/v1/secrets', { ...init, params: query(namespace), body: { name, data } }),
        ),
      deleteSecret: async (namespace, name) => {
        await send((init) =>
          api.DELETE('/api/v1/secrets/{name}', {
            ...init,
            params: { path: { name }, ...query(namespace) },
          }),
        );
      },
    },
  };
}
