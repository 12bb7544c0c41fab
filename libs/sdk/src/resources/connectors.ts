import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  Connector,
  ConnectorTools,
  CreateConnectorParams,
  DeleteConnectorResponse,
} from '../types.js';
import { APIResource, forceQuery } from './resource.js';

/** MCP servers that agents can be given, by name (`client.connectors`). */
export class Connectors extends APIResource {
  /**
   * Registers an MCP server, or gives an existing connector of that name the new settings.
   *
   * @example
   * ```ts
   * await client.secrets.create({ name: 'github', data: { token: process.env.GITHUB_TOKEN! } });
   * const connector = await client.connectors.create({
   *   name: 'github',
   *   service: 'github',
   *   url: 'https://mcp.example.com/github',
   *   authType: 'token',
   *   authSecretName: 'github',
   *   authSecretKey: 'token',
   * });
   * ```
   */
  create(body: CreateConnectorParams, options?: RequestOptions): Promise<Connector> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/connectors', { params: { query: { namespace } }, body, ...init }),
    );
  }

  /**
   * Every connector in the namespace, by name, with the agents that use it.
   *
   * @example
   * ```ts
   * for (const connector of await client.connectors.list()) console.log(connector.name, connector.url);
   * ```
   */
  async list(options?: RequestOptions): Promise<Connector[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/connectors', { params: { query: { namespace } }, ...init }),
    );
    return page.connectors;
  }

  /**
   * One connector; a missing one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const connector = await client.connectors.get('github');
   * ```
   */
  get(name: string, options?: RequestOptions): Promise<Connector> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/connectors/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Deletes a connector. One that agents still use throws `ConflictError` (`CONNECTOR_IN_USE`)
   * unless `force` is true; then those agents lose it from their next task.
   *
   * @example
   * ```ts
   * await client.connectors.delete('github', { force: true });
   * ```
   */
  delete(
    name: string,
    params: { force?: boolean } = {},
    options?: RequestOptions,
  ): Promise<DeleteConnectorResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/connectors/{name}', {
        params: { path: { name }, query: { namespace, ...forceQuery(params.force) } },
        ...init,
      }),
    );
  }

  /**
   * The tools the connector's MCP server offers, fetched with its credential. A server that
   * cannot be reached throws `APIError` with status 502 (`CONNECTOR_UNREACHABLE`).
   *
   * @example
   * ```ts
   * const { tools } = await client.connectors.tools('github');
   * console.log(tools.map((tool) => tool.name));
   * ```
   */
  tools(name: string, options?: RequestOptions): Promise<ConnectorTools> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/connectors/{name}/tools', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }
}
