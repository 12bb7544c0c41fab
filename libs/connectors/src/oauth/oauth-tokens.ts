import type { OAuthStatus } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  InvalidClientError,
  InvalidGrantError,
  UnauthorizedClientError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  clientOf,
  describeOAuthError,
  fetchWithin,
  serverUnreachable,
  toStoredTokens,
} from './oauth-server';
import type { OAuthRecord, OAuthStore, StoredTokens } from './oauth-store';

/** Options for {@link OAuthTokens}. */
export interface OAuthTokensOptions {
  store: OAuthStore;
  logger: Logger;
  /** An access token that expires within this margin is refreshed before it is used. */
  refreshMarginMs: number;
  /** Bound on each call to an authorization server. */
  timeoutMs: number;
}

/** A connected record: it holds tokens and knows their server. */
type Connected = OAuthRecord & {
  tokens: StoredTokens;
  server: NonNullable<OAuthRecord['server']>;
};

/**
 * OAuth connectors' access tokens: the one place that hands them out, refreshing a token that
 * expires within the margin first. Concurrent callers for one connector share one refresh. A
 * refresh token that the authorization server refuses makes the connector "expired"; refused
 * client credentials make it "error"; both keep the server's reason in `oauthError`.
 */
export class OAuthTokens {
  private readonly fetchFn: FetchLike;
  /** Refreshes in progress, by connector; each entry is removed when it settles. */
  private readonly refreshing = new Map<string, Promise<StoredTokens>>();

  constructor(private readonly options: OAuthTokensOptions) {
    this.fetchFn = fetchWithin(options.timeoutMs);
  }

  /**
   * A valid access token for the connector, to send as `Authorization: Bearer <token>`: what
   * every caller that reaches an OAuth connector's MCP server asks (tool discovery, a task's
   * connectors, the MCP gateway). An upstream that still answers 401 to it (a token revoked
   * early) calls for {@link OAuthTokens.refresh} and one more try.
   * Throws 409 `OAUTH_NOT_CONNECTED` when it has none (no consent yet, or refused since), and
   * 502 `OAUTH_SERVER_ERROR` when a needed refresh could not reach the authorization server.
   */
  async accessToken(namespace: string, connector: string): Promise<string> {
    const record = await this.connected(namespace, connector);
    if (!this.due(record.tokens)) return record.tokens.accessToken;
    return (await this.refreshOnce(namespace, connector, 'if-due')).accessToken;
  }

  /** Refreshes the connector's access token now (or joins a refresh in progress). */
  refresh(namespace: string, connector: string): Promise<StoredTokens> {
    return this.refreshOnce(namespace, connector, 'now');
  }

  private due(tokens: StoredTokens): boolean {
    return (
      tokens.expiresAt !== undefined &&
      tokens.expiresAt - this.options.refreshMarginMs <= Date.now()
    );
  }

  private refreshOnce(
    namespace: string,
    connector: string,
    when: 'now' | 'if-due',
  ): Promise<StoredTokens> {
    const key = `${namespace}/${connector}`;
    let refreshing = this.refreshing.get(key);
    if (!refreshing) {
      refreshing = this.refreshNow(namespace, connector, when).finally(() =>
        this.refreshing.delete(key),
      );
      this.refreshing.set(key, refreshing);
    }
    return refreshing;
  }

  private async connected(namespace: string, connector: string): Promise<Connected> {
    const record = await this.options.store.get(namespace, connector);
    if (record?.status === 'connected' && record.tokens && record.server)
      return record as Connected;
    throw notConnected(connector, record?.status ?? 'pending', record?.error);
  }

  private async refreshNow(
    namespace: string,
    connector: string,
    when: 'now' | 'if-due',
  ): Promise<StoredTokens> {
    const { store, logger } = this.options;
    const record = await this.connected(namespace, connector);
    // A caller that found the token due may come just after a refresh that renewed it.
    if (when === 'if-due' && !this.due(record.tokens)) return record.tokens;
    const { refreshToken, expiresAt } = record.tokens;
    if (refreshToken === undefined) {
      // Nothing to refresh with: the access token serves until it has expired.
      if (expiresAt === undefined || expiresAt > Date.now()) return record.tokens;
      return this.fail(
        namespace,
        connector,
        record,
        'expired',
        'the authorization server issued no refresh token, and the access token expired',
      );
    }
    let tokens: StoredTokens;
    // The token's lifetime runs from when the server issued it: no later than the request began.
    const requested = Date.now();
    try {
      tokens = toStoredTokens(
        await refreshAuthorization(record.server.authorizationServerUrl, {
          metadata: record.server.metadata,
          clientInformation: clientOf(record),
          refreshToken,
          ...(record.server.resource ? { resource: new URL(record.server.resource) } : {}),
          fetchFn: this.fetchFn,
        }),
        requested,
      );
    } catch (err) {
      if (err instanceof InvalidGrantError) {
        // Another registry may have used (and rotated) the same refresh token a moment ago.
        const latest = await store.get(namespace, connector);
        if (
          latest?.tokens?.refreshToken !== undefined &&
          latest.tokens.refreshToken !== refreshToken
        )
          return latest.tokens;
        return this.fail(namespace, connector, record, 'expired', describeOAuthError(err));
      }
      if (err instanceof InvalidClientError || err instanceof UnauthorizedClientError)
        return this.fail(namespace, connector, record, 'error', describeOAuthError(err));
      throw serverUnreachable(logger, { namespace, connector }, 'refreshing the access token', err);
    }
    if (!(await store.saveTokens(namespace, connector, record.clientId, tokens)))
      throw notConnected(connector, 'pending', 'its OAuth client changed during the refresh');
    logger.info(
      { namespace, connector, expiresAt: tokens.expiresAt && new Date(tokens.expiresAt) },
      'oauth: access token refreshed',
    );
    return tokens;
  }

  private async fail(
    namespace: string,
    connector: string,
    record: OAuthRecord,
    status: 'expired' | 'error',
    reason: string,
  ): Promise<never> {
    await this.options.store.markFailed(namespace, connector, record.clientId, status, reason);
    this.options.logger.warn({ namespace, connector, status, reason }, 'oauth: refresh refused');
    throw notConnected(connector, status, reason);
  }
}

/** What a connector without usable tokens answers, and what its owner can do about it. */
function notConnected(connector: string, status: OAuthStatus, reason?: string): AppError {
  const remedy =
    status === 'error'
      ? 'fix its oauthClientId/oauthClientSecret, then authorize it again with POST /api/v1/oauth/authorize'
      : 'authorize it with POST /api/v1/oauth/authorize';
  const why = reason ? ` (${reason})` : '';
  return new AppError(
    'OAUTH_NOT_CONNECTED',
    409,
    `connector "${connector}" is not connected: its oauthStatus is "${status}"${why}; ${remedy}`,
    { details: { oauthStatus: status }, retryable: false },
  );
}
