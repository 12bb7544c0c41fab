import type {
  ConnectorSpec,
  OAuthCallbackQuery,
  OAuthCallbackResponse,
  OAuthRefreshResponse,
} from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import {
  discoverOAuthServerInfo,
  exchangeAuthorization,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ResourceStore } from '../resource-store';
import {
  clientOf,
  describeOAuthError,
  fetchWithin,
  serverUnreachable,
  toStoredTokens,
} from './oauth-server';
import type { OAuthRecord, OAuthServer, OAuthStore } from './oauth-store';
import type { OAuthTokens } from './oauth-tokens';

/** Options for {@link OAuthFlow}. */
export interface OAuthFlowOptions {
  connectors: ResourceStore<ConnectorSpec>;
  store: OAuthStore;
  tokens: OAuthTokens;
  logger: Logger;
  /** The public URL of `GET /api/v1/oauth/callback`, as the authorization server redirects to it. */
  callbackUrl: string;
  /** How long a consent may take, from `authorize` to the callback. */
  stateTtlMs: number;
  /** Bound on each call to an authorization server. */
  timeoutMs: number;
}

/** A scope the server advertises for refresh tokens, asked for when it does (as the MCP SDK does). */
const OFFLINE_ACCESS = 'offline_access';

/**
 * The authorization-code flow with PKCE for connectors whose authType is "oauth": discovery of
 * the MCP server's authorization server, the consent URL, the callback's code exchange, and
 * the refresh that a caller asks for. The tokens are handed out by {@link OAuthTokens}.
 */
export class OAuthFlow {
  private readonly fetchFn: FetchLike;

  constructor(private readonly options: OAuthFlowOptions) {
    this.fetchFn = fetchWithin(options.timeoutMs);
  }

  /** Starts a consent: the URL that a person opens. */
  async authorize(namespace: string, connector: string): Promise<{ authorizeUrl: string }> {
    const { store, logger } = this.options;
    const { spec, record } = await this.oauthConnector(namespace, connector);
    const server = await this.discover(namespace, connector, spec.url);
    await store.saveServer(namespace, connector, record.clientId, server);
    const state = store.newState(namespace);
    let started: Awaited<ReturnType<typeof startAuthorization>>;
    try {
      started = await startAuthorization(server.authorizationServerUrl, {
        metadata: server.metadata,
        clientInformation: clientOf(record),
        redirectUrl: this.options.callbackUrl,
        state,
        ...(server.scope ? { scope: server.scope } : {}),
        ...(server.resource ? { resource: new URL(server.resource) } : {}),
      });
    } catch (err) {
      // The SDK refuses a server that supports neither the code flow nor S256 PKCE.
      throw new AppError(
        'OAUTH_SERVER_ERROR',
        502,
        `the authorization server of connector "${connector}" cannot be used: ${(err as Error).message}`,
        { retryable: false },
      );
    }
    await store.putState(
      state,
      {
        connector,
        clientId: record.clientId,
        codeVerifier: started.codeVerifier,
        redirectUri: this.options.callbackUrl,
      },
      this.options.stateTtlMs,
    );
    logger.info(
      { namespace, connector, authorizationServer: server.authorizationServerUrl },
      'oauth: consent started',
    );
    return { authorizeUrl: started.authorizationUrl.toString() };
  }

  /** Completes a consent from the authorization server's redirect: the code becomes tokens. */
  async complete(query: OAuthCallbackQuery): Promise<OAuthCallbackResponse> {
    const { store, logger } = this.options;
    const taken = await store.takeState(query.state);
    if (!taken) {
      throw new AppError(
        'OAUTH_STATE_INVALID',
        400,
        'this consent is unknown, was already completed, or expired; start it again with POST /api/v1/oauth/authorize',
        { retryable: false },
      );
    }
    const { namespace, pending } = taken;
    const { connector } = pending;
    if (query.error !== undefined || query.code === undefined) {
      const said = query.error
        ? `${query.error}${query.error_description ? `: ${query.error_description}` : ''}`
        : 'no code';
      logger.warn({ namespace, connector, error: query.error }, 'oauth: consent refused');
      throw new AppError(
        'OAUTH_DENIED',
        400,
        `connector "${connector}" was not authorized (${said})`,
        { retryable: false },
      );
    }
    const record = await store.get(namespace, connector);
    if (!record?.server || record.clientId !== pending.clientId) {
      throw new AppError(
        'OAUTH_STATE_INVALID',
        409,
        `connector "${connector}" was deleted or given another OAuth client during the consent; start it again`,
        { retryable: false },
      );
    }
    const tokens = await this.exchange(namespace, connector, record, record.server, {
      code: query.code,
      codeVerifier: pending.codeVerifier,
      redirectUri: pending.redirectUri,
    });
    if (!(await store.saveTokens(namespace, connector, record.clientId, tokens))) {
      throw new AppError(
        'OAUTH_STATE_INVALID',
        409,
        `connector "${connector}" was deleted or given another OAuth client during the consent; start it again`,
        { retryable: false },
      );
    }
    logger.info({ namespace, connector }, 'oauth: connector connected');
    return { connector, namespace, oauthStatus: 'connected' };
  }

  /** `POST /oauth/refresh`: refreshes the connector's access token now. */
  async refresh(namespace: string, connector: string): Promise<OAuthRefreshResponse> {
    await this.oauthConnector(namespace, connector);
    const tokens = await this.options.tokens.refresh(namespace, connector);
    return {
      connector,
      namespace,
      oauthStatus: 'connected',
      ...(tokens.expiresAt !== undefined
        ? { expires_at: Math.floor(tokens.expiresAt / 1000) }
        : {}),
    };
  }

  private async oauthConnector(
    namespace: string,
    connector: string,
  ): Promise<{ spec: ConnectorSpec; record: OAuthRecord }> {
    const found = await this.options.connectors.get(namespace, connector);
    if (!found) {
      throw new AppError(
        'CONNECTOR_NOT_FOUND',
        404,
        `connector "${connector}" not found in namespace "${namespace}"`,
        { retryable: false },
      );
    }
    const record =
      found.spec.authType === 'oauth'
        ? await this.options.store.get(namespace, connector)
        : undefined;
    if (!record) {
      throw new AppError(
        'CONNECTOR_NOT_OAUTH',
        400,
        `connector "${connector}" does not use OAuth: create it with authType "oauth" and oauthClientId`,
        { retryable: false },
      );
    }
    return { spec: found.spec, record };
  }

  /**
   * Finds the MCP server's authorization server (RFC 9728 protected resource metadata, then
   * RFC 8414 or OpenID discovery), the resource to name in token requests, and the scope to
   * ask for: what the resource advertises, plus offline access when the server offers it.
   */
  private async discover(
    namespace: string,
    connector: string,
    url: string,
  ): Promise<OAuthServer & { scope?: string }> {
    let info: Awaited<ReturnType<typeof discoverOAuthServerInfo>>;
    try {
      info = await discoverOAuthServerInfo(url, { fetchFn: this.fetchFn });
    } catch (err) {
      throw serverUnreachable(
        this.options.logger,
        { namespace, connector },
        `discovering the authorization server of connector "${connector}"`,
        err,
      );
    }
    // The SDK answers without metadata when none could be fetched; its fallback endpoints would
    // send the person to a server that may not exist, so the metadata is required (as MCP does).
    if (!info.authorizationServerMetadata) {
      throw serverUnreachable(
        this.options.logger,
        { namespace, connector },
        `discovering the authorization server of connector "${connector}"`,
        new Error(
          `${info.authorizationServerUrl} published no metadata (RFC 8414 or OpenID discovery), or did not answer`,
        ),
      );
    }
    const scopes = [...(info.resourceMetadata?.scopes_supported ?? [])];
    if (
      info.authorizationServerMetadata.scopes_supported?.includes(OFFLINE_ACCESS) &&
      !scopes.includes(OFFLINE_ACCESS)
    )
      scopes.push(OFFLINE_ACCESS);
    return {
      authorizationServerUrl: info.authorizationServerUrl,
      metadata: info.authorizationServerMetadata,
      ...(info.resourceMetadata ? { resource: info.resourceMetadata.resource } : {}),
      ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
    };
  }

  private async exchange(
    namespace: string,
    connector: string,
    record: OAuthRecord,
    server: OAuthServer,
    grant: { code: string; codeVerifier: string; redirectUri: string },
  ) {
    // The token's lifetime runs from when the server issued it: no later than the request began.
    const requested = Date.now();
    try {
      const tokens = await exchangeAuthorization(server.authorizationServerUrl, {
        metadata: server.metadata,
        clientInformation: clientOf(record),
        authorizationCode: grant.code,
        codeVerifier: grant.codeVerifier,
        redirectUri: grant.redirectUri,
        ...(server.resource ? { resource: new URL(server.resource) } : {}),
        fetchFn: this.fetchFn,
      });
      return toStoredTokens(tokens, requested);
    } catch (err) {
      if (err instanceof OAuthError) {
        this.options.logger.warn(
          { namespace, connector, reason: describeOAuthError(err) },
          'oauth: code exchange refused',
        );
        throw new AppError(
          'OAUTH_DENIED',
          400,
          `the authorization server refused the code of connector "${connector}" (${describeOAuthError(err)}); start again`,
          { retryable: false },
        );
      }
      throw serverUnreachable(
        this.options.logger,
        { namespace, connector },
        `exchanging the code of connector "${connector}"`,
        err,
      );
    }
  }
}
