import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnRandomPort } from '../listen';

/** Options for {@link startOidcProvider}. */
export interface OidcTestProviderOptions {
  /** Where the client may be sent back after consent (its redirect URIs). */
  redirectUris: string[];
  /** Lifetime of access tokens, in seconds. Default 60. */
  accessTokenTtlSeconds?: number;
  /** The scope that resource servers (MCP servers) grant. Default `mcp`. */
  resourceScope?: string;
}

/** A confidential client registered at the provider. */
export interface OidcTestClient {
  clientId: string;
  clientSecret: string;
}

/** What {@link OidcTestProvider.consent} did, and where the provider sent the browser. */
export interface ConsentResult {
  /** The client's redirect URI with `code` and `state`, or `error`. */
  redirect: URL;
  /** The forms submitted, by their `prompt` (`login`, `consent`). */
  forms: string[];
}

/** A real OAuth 2.1 / OpenID authorization server (`oidc-provider`), for tests. */
export interface OidcTestProvider {
  /** The issuer URL, `http://127.0.0.1:<port>`. */
  issuer: string;
  /** The client that komputer uses (authorization code with PKCE, refresh tokens). */
  client: OidcTestClient;
  /** Token endpoint answers, by grant type. */
  readonly grants: { authorization_code: number; refresh_token: number };
  /**
   * Checks an access token as a resource server does, through the provider's introspection
   * endpoint (RFC 7662), with the resource server's own credentials: active, and issued for
   * `resource`.
   */
  introspect(token: string, resource: string): Promise<boolean>;
  /**
   * Acts as the person in a browser: opens `authorizeUrl`, follows the provider's redirects with
   * its cookies, fills in and submits its login form and its consent form (or, with `deny`,
   * follows its abort link), and stops at the redirect to the client.
   */
  consent(
    authorizeUrl: string,
    options?: { deny?: boolean; login?: string },
  ): Promise<ConsentResult>;
  /** Revokes every refresh token issued so far at the revocation endpoint (RFC 7009). */
  revokeRefreshTokens(): Promise<number>;
  close(): Promise<void>;
}

/** Most redirects and forms one consent may go through. */
const MAX_STEPS = 20;

/**
 * Starts `oidc-provider` on a free loopback port: its development login and consent pages,
 * PKCE required, refresh tokens for clients allowed the grant, resource indicators (RFC 8707)
 * whose opaque access tokens carry the resource as their audience, introspection and revocation.
 */
export async function startOidcProvider(
  options: OidcTestProviderOptions,
): Promise<OidcTestProvider> {
  // Loaded here, not at the top: importing the package warns about the Node version and costs
  // time in every test file that imports this library, most of which never start a provider.
  const { default: Provider } = await import('oidc-provider');
  const client: OidcTestClient = {
    clientId: 'komputer',
    clientSecret: randomBytes(24).toString('base64url'),
  };
  const resourceServer: OidcTestClient = {
    clientId: 'mcp-resource-server',
    clientSecret: randomBytes(24).toString('base64url'),
  };
  const scope = options.resourceScope ?? 'mcp';
  const grants = { authorization_code: 0, refresh_token: 0 };
  const refreshTokens: string[] = [];

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
    res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  const { url: issuer } = await listenOnRandomPort(server);

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: resourceServer.clientId,
        client_secret: resourceServer.clientSecret,
        redirect_uris: [],
        grant_types: [],
        response_types: [],
      },
    ],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            format: 'jwk',
          }),
          kid: 'test',
          use: 'sig',
        },
      ],
    },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 60,
      AuthorizationCode: 60,
      Grant: 3600,
      Interaction: 600,
      RefreshToken: 3600,
      Session: 3600,
    },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    pkce: { required: () => true },
    issueRefreshToken: (_ctx, c) => c.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: true },
      // Only the resource server may ask what a token is, and only its own client may revoke it.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, caller) => caller.clientId === resourceServer.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, caller, token) => caller.clientId === token.clientId,
      },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({
          scope,
          audience: resource,
          accessTokenTTL: options.accessTokenTtlSeconds ?? 60,
          accessTokenFormat: 'opaque',
        }),
      },
    },
  });
  provider.on('grant.success', (ctx) => {
    const grantType = (ctx.oidc.params?.['grant_type'] ?? '') as string;
    if (grantType === 'authorization_code' || grantType === 'refresh_token') grants[grantType] += 1;
  });
  provider.on('refresh_token.saved', (token) => {
    if (token.jti) refreshTokens.push(token.jti);
  });
  const callback = provider.callback();
  handler = (req, res) => void callback(req, res);

  const basic = (c: OidcTestClient) =>
    `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;
  const post = (path: string, c: OidcTestClient, form: Record<string, string>) =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { authorization: basic(c), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(5_000),
    });

  return {
    issuer,
    client,
    grants,
    async introspect(token, resource) {
      const answer = await post('/token/introspection', resourceServer, { token });
      const body = (await answer.json()) as { active?: boolean; aud?: string | string[] };
      const audiences = Array.isArray(body.aud) ? body.aud : [body.aud];
      return body.active === true && audiences.includes(resource);
    },
    consent: (authorizeUrl, consentOptions = {}) => drive(issuer, authorizeUrl, consentOptions),
    async revokeRefreshTokens() {
      for (const token of refreshTokens) {
        const answer = await post('/token/revocation', client, {
          token,
          token_type_hint: 'refresh_token',
        });
        if (!answer.ok) throw new Error(`revocation answered ${answer.status}`);
      }
      return refreshTokens.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A browser's cookies for one origin: enough for the provider's interaction cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // An expired cookie is how a server deletes it.
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The first form of a page: where it posts and its fields, with login and password filled in. */
function formOf(html: string, login: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form on the page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const input of (form[2] as string).matchAll(/<input\b([^>]*)>/gi)) {
    const attributes = input[1] as string;
    const name = /name="([^"]*)"/.exec(attributes)?.[1];
    if (!name) continue;
    const type = /type="([^"]*)"/.exec(attributes)?.[1] ?? 'text';
    const value = /value="([^"]*)"/.exec(attributes)?.[1];
    fields[name] =
      type === 'password' ? 'any password' : type === 'hidden' ? (value ?? '') : (value ?? login);
  }
  return { action: (form[1] as string).replace(/&amp;/g, '&'), fields };
}

async function drive(
  issuer: string,
  authorizeUrl: string,
  options: { deny?: boolean; login?: string },
): Promise<ConsentResult> {
  const jar = new CookieJar();
  const forms: string[] = [];
  let request: { url: URL; init: RequestInit } = { url: new URL(authorizeUrl), init: {} };
  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await fetch(request.url, {
      ...request.init,
      redirect: 'manual',
      headers: { ...(request.init.headers as Record<string, string>), cookie: jar.header() },
      signal: AbortSignal.timeout(5_000),
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, request.url);
      if (next.origin !== issuer) return { redirect: next, forms };
      request = { url: next, init: {} };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200)
      throw new Error(`the provider answered ${response.status}: ${html.slice(0, 300)}`);
    const form = formOf(html, options.login ?? 'ada');
    const prompt = form.fields['prompt'] ?? '';
    if (options.deny && prompt === 'consent') {
      const abort = /href="([^"]*\/abort)"/.exec(html)?.[1];
      if (!abort) throw new Error('no abort link on the consent page');
      request = { url: new URL(abort, request.url), init: {} };
      continue;
    }
    forms.push(prompt);
    request = {
      url: new URL(form.action, request.url),
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form.fields).toString(),
      },
    };
  }
  throw new Error(`the consent did not end within ${MAX_STEPS} steps`);
}
