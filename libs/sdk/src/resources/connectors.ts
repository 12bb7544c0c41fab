import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  Connector,
  ConnectorTemplate,
  ConnectorTools,
  CreateConnectorParams,
  DeleteConnectorResponse,
  OAuthAuthorizeResponse,
  OAuthRefreshResponse,
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
   * A catalogue of known hosted MCP servers: each with its URL, how it takes a credential and
   * how to get one, for a "new connector" form. Short on purpose: any other server is added by
   * its URL.
   *
   * @example
   * ```ts
   * const github = (await client.connectors.templates()).find((t) => t.service === 'github');
   * if (github) await client.connectors.create({ name: 'github', service: github.service, url: github.url });
   * ```
   */
  async templates(options?: RequestOptions): Promise<ConnectorTemplate[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/connector-templates', { params: { query: { namespace } }, ...init }),
    );
    return page.templates;
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

  /**
   * Starts the consent of a connector whose authType is "oauth": answers the URL that a person
   * opens. When they agree, the authorization server sends them to the gateway's
   * `/api/v1/oauth/callback`, and the connector's `oauthStatus` becomes "connected".
   *
   * @example
   * ```ts
   * await client.connectors.create({
   *   name: 'notes',
   *   service: 'notes',
   *   url: 'https://mcp.example.com/notes',
   *   authType: 'oauth',
   *   oauthClientId: 'komputer',
   *   oauthClientSecret: process.env.NOTES_CLIENT_SECRET!,
   * });
   * const { authorizeUrl } = await client.connectors.authorize('notes');
   * console.log(`Open ${authorizeUrl} to connect notes`);
   * ```
   */
  authorize(name: string, options?: RequestOptions): Promise<OAuthAuthorizeResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/oauth/authorize', {
        params: { query: { namespace } },
        body: { connector_name: name },
        ...init,
      }),
    );
  }

  /**
   * Refreshes an OAuth connector's access token now (it is also refreshed on use, before it
   * expires); the token itself is never returned. A refresh token that the authorization server
   * refused throws `ConflictError` (`OAUTH_NOT_CONNECTED`), and the connector's `oauthStatus`
   * becomes "expired": call {@link Connectors.authorize} again.
   *
   * @example
   * ```ts
   * const { expires_at } = await client.connectors.refreshOAuth('notes');
   * ```
   */
  refreshOAuth(name: string, options?: RequestOptions): Promise<OAuthRefreshResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/oauth/refresh', {
        params: { query: { namespace } },
        body: { connector_name: name },
        ...init,
      }),
    );
  }
}
