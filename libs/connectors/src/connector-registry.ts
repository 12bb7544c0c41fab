import type {
  ConnectorHealth,
  ConnectorResponse,
  ConnectorSpec,
  CreateConnectorRequest,
  McpTool,
  RuntimeConnector,
  SecretResponse,
} from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { agentNamesOf } from '@komputer/store';
import type { AgentStore, Keys } from '@komputer/store';
import { authHeaders } from './connector-auth';
import type { ConnectorStatusStore } from './connector-status';
import { mcpEndpointUrl } from './mcp-endpoint';
import type { ResourceRecord, ResourceStore } from './resource-store';
import { discoverMcpTools, McpUnreachableError } from './mcp-client';
import type { OAuthStore } from './oauth/oauth-store';
import type { OAuthTokens } from './oauth/oauth-tokens';
import type { SecretInfo, SecretStore } from './secret-store';

/** What a secret's key must look like to become an environment variable. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Dependencies of {@link ConnectorRegistry}. */
export interface ConnectorRegistryOptions {
  connectors: ResourceStore<ConnectorSpec>;
  secrets: SecretStore;
  agents: AgentStore;
  keys: Keys;
  /** Each connector's cached tool list and health. */
  status: ConnectorStatusStore;
  logger: Logger;
  /** Bound on connecting to an MCP server, and on each request to it. */
  mcpTimeoutMs: number;
  /** OAuth connectors' clients and statuses. */
  oauth: OAuthStore;
  /** OAuth connectors' access tokens. */
  tokens: OAuthTokens;
}

/** Where a connector's MCP server is, and the headers that carry its credential. */
export interface Upstream {
  url: string;
  /** Credentials: they go to the server only, never into a log, an answer or an error. */
  headers: Record<string, string>;
}

/** No immediate retry can fix a server that did not answer: the next call asks it again. */
function unreachable(name: string, reason: string): AppError {
  return new AppError('CONNECTOR_UNREACHABLE', 502, `connector "${name}": ${reason}`, {
    retryable: false,
  });
}

/** An OAuth connector's status as a response shows it. */
type OAuthView = Awaited<ReturnType<OAuthStore['statuses']>>[number];

function notFound(kind: 'connector' | 'secret', namespace: string, name: string): AppError {
  return new AppError(
    kind === 'connector' ? 'CONNECTOR_NOT_FOUND' : 'SECRET_NOT_FOUND',
    404,
    `${kind} "${name}" not found in namespace "${namespace}"`,
    { retryable: false },
  );
}

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, `${path}: ${message}`, {
    details: { issues: [{ path, message }] },
    retryable: false,
  });
}

/**
 * Connectors and secrets: their API behaviour, tool discovery, and the credentials of a task's
 * connectors. Secret values leave it only through {@link ConnectorRegistry.resolveForTask} and
 * as headers to an MCP server.
 */
export class ConnectorRegistry {
  constructor(private readonly options: ConnectorRegistryOptions) {}

  private toConnectorResponse(
    c: ResourceRecord<ConnectorSpec>,
    agentNames: string[],
    health: ConnectorHealth | undefined,
    oauth: OAuthView,
  ): ConnectorResponse {
    return {
      name: c.name,
      namespace: c.namespace,
      ...c.spec,
      attachedAgents: agentNames.length,
      agentNames,
      createdAt: c.createdAt,
      ...(health ? { health } : {}),
      ...(c.spec.authType === 'oauth'
        ? {
            oauthStatus: oauth?.status ?? 'pending',
            ...(oauth?.error ? { oauthError: oauth.error } : {}),
          }
        : {}),
    };
  }

  /** The connector's response, with the agents that use it and its OAuth status. */
  private async connectorResponse(c: ResourceRecord<ConnectorSpec>): Promise<ConnectorResponse> {
    const [[users = []], [health], [oauth]] = await Promise.all([
      this.options.agents.attachedAgents('connector', c.namespace, [c.name]),
      this.options.status.health(c.namespace, [c.name]),
      this.options.oauth.statuses(c.namespace, [c.name]),
    ]);
    return this.toConnectorResponse(c, users, health, oauth);
  }

  private toSecretResponse(s: SecretInfo, agentNames: string[]): SecretResponse {
    return {
      name: s.name,
      namespace: s.namespace,
      keys: s.keys,
      managed: true,
      attachedAgents: agentNames.length,
      agentNames,
      // komputer.ai names the agent a secret was made for; here, a secret that one agent alone
      // uses is that agent's.
      ...(agentNames.length === 1 ? { agentName: agentNames[0] } : {}),
      createdAt: s.createdAt,
    };
  }

  async listConnectors(namespace: string): Promise<ConnectorResponse[]> {
    const connectors = await this.options.connectors.list(namespace);
    const names = connectors.map((c) => c.name);
    const [users, health, oauth] = await Promise.all([
      this.options.agents.attachedAgents('connector', namespace, names),
      this.options.status.health(namespace, names),
      this.options.oauth.statuses(namespace, names),
    ]);
    return connectors.map((c, i) =>
      this.toConnectorResponse(c, users[i] ?? [], health[i], oauth[i]),
    );
  }

  async getConnector(namespace: string, name: string): Promise<ConnectorResponse> {
    const connector = await this.options.connectors.get(namespace, name);
    if (!connector) throw notFound('connector', namespace, name);
    return this.connectorResponse(connector);
  }

  /**
   * Creates the connector or replaces its settings. Its secret and key must exist. An OAuth
   * connector's client is stored beside it (its secret sealed), never in its settings.
   */
  async putConnector(
    namespace: string,
    request: CreateConnectorRequest,
  ): Promise<ConnectorResponse> {
    const {
      name,
      namespace: _ns,
      type = 'mcp',
      oauthClientId,
      oauthClientSecret,
      ...fields
    } = request;
    // As komputer.ai does, a secret without an authType is sent as a bearer token.
    if (fields.authSecretName !== undefined) fields.authType ??= 'token';
    if (fields.authSecretName !== undefined) {
      const secret = await this.options.secrets.get(namespace, fields.authSecretName);
      if (!secret) {
        throw invalid(
          'body.authSecretName',
          `secret "${fields.authSecretName}" does not exist in namespace "${namespace}"`,
        );
      }
      if (fields.authSecretKey !== undefined && !secret.keys.includes(fields.authSecretKey)) {
        throw invalid(
          'body.authSecretKey',
          `secret "${secret.name}" has no key "${fields.authSecretKey}"`,
        );
      }
    }
    const record = await this.options.connectors.put(
      namespace,
      name,
      { ...fields, type },
      new Date().toISOString(),
    );
    // Another server, or another credential: what was learnt of the old one no longer holds.
    await this.options.status.forget(namespace, name);
    if (oauthClientId !== undefined)
      await this.options.oauth.configure(namespace, name, {
        clientId: oauthClientId,
        clientSecret: oauthClientSecret,
      });
    else await this.options.oauth.forget(namespace, name);
    this.options.logger.info({ namespace, connector: name }, 'connector saved');
    return this.connectorResponse(record);
  }

  /**
   * Deletes a connector; one that agents use answers 409 naming them, unless `force`. The check
   * and the delete are one step, and an agent's create or patch checks in one step that its
   * connectors exist: no agent can come to name a connector that is gone.
   */
  async deleteConnector(namespace: string, name: string, force: boolean): Promise<void> {
    const result = await this.options.connectors.deleteUnlessUsed(
      namespace,
      name,
      this.options.keys.attachedAgents('connector', namespace, name),
      force,
    );
    if (!result) throw notFound('connector', namespace, name);
    const users = agentNamesOf(namespace, result.users);
    if (!result.deleted) {
      throw new AppError(
        'CONNECTOR_IN_USE',
        409,
        `connector "${name}" is used by agents ${users.map((u) => `"${u}"`).join(', ')}; ` +
          'detach it from them with PATCH, or delete with ?force=true',
        { details: { agentNames: users }, retryable: false },
      );
    }
    await this.options.status.forget(namespace, name);
    await this.options.oauth.forget(namespace, name);
    this.options.logger.info({ namespace, connector: name, force, users }, 'connector deleted');
  }

  /**
   * The connector's tools: from the cache while it lasts, else from its MCP server (connected
   * with its credential), which is then cached. Either way its health is recorded. An OAuth
   * connector without tokens answers 409 `OAUTH_NOT_CONNECTED`.
   */
  async listTools(namespace: string, name: string): Promise<McpTool[]> {
    const { status } = this.options;
    const cached = await status.tools(namespace, name);
    if (cached) return cached;
    const upstream = await this.upstream(namespace, name);
    let tools: McpTool[];
    try {
      tools = await discoverMcpTools({ ...upstream, timeoutMs: this.options.mcpTimeoutMs });
    } catch (err) {
      if (!(err instanceof McpUnreachableError)) throw err;
      await this.recordFailure(namespace, name, err.message);
      throw unreachable(name, `the MCP server did not answer as expected (${err.message})`);
    }
    await status.saveTools(namespace, name, tools);
    return tools;
  }

  /**
   * Where the connector's MCP server is and its credential's headers, read now: a 404 when the
   * connector is gone, a 502 when its credential cannot be read.
   */
  async upstream(namespace: string, name: string): Promise<Upstream> {
    const connector = await this.options.connectors.get(namespace, name);
    if (!connector) throw notFound('connector', namespace, name);
    const headers = await this.credentialHeaders(namespace, connector);
    if ('unavailable' in headers) {
      await this.recordFailure(namespace, name, headers.unavailable);
      throw unreachable(name, headers.unavailable);
    }
    return { url: connector.spec.url, headers: headers.headers };
  }

  /** Records that the connector's server failed a check or a call (`error` holds no secret). */
  async recordFailure(namespace: string, name: string, error: string): Promise<void> {
    await this.options.status.saveFailure(namespace, name, error).catch((err: unknown) => {
      this.options.logger.warn({ err, namespace, connector: name }, 'could not record a health');
    });
  }

  /**
   * The environment variables that an agent's `secretRefs` give its tools: each key of each
   * named secret, in order (a later secret wins). A secret that is gone, or a key that cannot be
   * a variable name, is reported in `missing` (by name only) and left out.
   */
  async resolveSecretEnv(
    namespace: string,
    refs: readonly string[],
  ): Promise<{ env: Record<string, string>; missing: string[] }> {
    const env: Record<string, string> = {};
    const missing: string[] = [];
    const revealed = await Promise.all(
      refs.map((ref) => this.options.secrets.reveal(namespace, ref)),
    );
    for (const [i, ref] of refs.entries()) {
      const data = revealed[i];
      if (!data) {
        missing.push(`secret "${ref}" no longer exists; the task runs without its variables`);
        continue;
      }
      for (const [key, value] of Object.entries(data)) {
        if (ENV_NAME.test(key)) env[key] = value;
        else missing.push(`secret "${ref}": key "${key}" is not a valid variable name; left out`);
      }
    }
    return { env, missing };
  }

  /**
   * What the runtime gets for each of an agent's connectors: its MCP endpoint on the registry
   * at `registryUrl`, which the runtime calls with its task's token. No credential is read: the
   * registry adds it to each call. A connector that is gone is passed on as unavailable, so that
   * the task runs without it and says why.
   */
  async resolveForTask(
    namespace: string,
    names: readonly string[],
    registryUrl: string,
  ): Promise<RuntimeConnector[]> {
    return Promise.all(
      names.map(async (name) =>
        (await this.options.connectors.get(namespace, name))
          ? { name, url: mcpEndpointUrl(registryUrl, namespace, name) }
          : { name, unavailable: `connector "${name}" does not exist` },
      ),
    );
  }

  /**
   * The headers that carry the connector's credential, read from the secret store now, or why
   * they cannot be had. Every way of authenticating to a server is decided here.
   */
  private async credentialHeaders(
    namespace: string,
    connector: ResourceRecord<ConnectorSpec>,
  ): Promise<{ headers: Record<string, string> } | { unavailable: string }> {
    const { name, spec } = connector;
    if (spec.authType === 'oauth') {
      // Refreshed first when it is about to expire; none at all is a 409 that says to authorize.
      const token = await this.options.tokens.accessToken(namespace, name);
      return { headers: { Authorization: `Bearer ${token}` } };
    }
    if (!spec.authType || !spec.authSecretName || !spec.authSecretKey) return { headers: {} };
    let data: Record<string, string> | undefined;
    try {
      data = await this.options.secrets.reveal(namespace, spec.authSecretName);
    } catch (err) {
      this.options.logger.error(
        { namespace, connector: name, err: (err as Error).message },
        'could not read a secret',
      );
      return { unavailable: `its secret "${spec.authSecretName}" cannot be read` };
    }
    const value = data?.[spec.authSecretKey];
    if (value === undefined) {
      return {
        unavailable: `its secret "${spec.authSecretName}" or key "${spec.authSecretKey}" does not exist`,
      };
    }
    return { headers: authHeaders(spec, value) };
  }

  async listSecrets(namespace: string): Promise<SecretResponse[]> {
    const secrets = await this.options.secrets.list(namespace);
    const users = await this.options.agents.attachedAgents(
      'secret',
      namespace,
      secrets.map((s) => s.name),
    );
    return secrets.map((s, i) => this.toSecretResponse(s, users[i] ?? []));
  }

  /** Creates the secret or replaces its data. The values are never logged or returned. */
  async putSecret(
    namespace: string,
    name: string,
    data: Record<string, string>,
  ): Promise<SecretResponse> {
    const { secret, created } = await this.options.secrets.put(
      namespace,
      name,
      data,
      new Date().toISOString(),
    );
    this.options.logger.info(
      { namespace, secret: name, keys: secret.keys, created },
      'secret saved',
    );
    const [users = []] = await this.options.agents.attachedAgents('secret', namespace, [name]);
    return this.toSecretResponse(secret, users);
  }

  async updateSecret(namespace: string, name: string, data: Record<string, string>): Promise<void> {
    const secret = await this.options.secrets.replace(
      namespace,
      name,
      data,
      new Date().toISOString(),
    );
    if (!secret) throw notFound('secret', namespace, name);
    this.options.logger.info({ namespace, secret: name, keys: secret.keys }, 'secret updated');
  }

  async deleteSecret(namespace: string, name: string): Promise<void> {
    if (!(await this.options.secrets.delete(namespace, name)))
      throw notFound('secret', namespace, name);
    this.options.logger.info({ namespace, secret: name }, 'secret deleted');
  }
}
