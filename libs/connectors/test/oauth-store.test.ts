import { createLogger } from '@komputer/service-kit';
import { AgentStore, createKeys } from '@komputer/store';
import { startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import { createRegistries, generateSecretKey, parseSecretKey, SecretCipher } from '../src';
import type { Registries } from '../src';
import { OAuthStore } from '../src/oauth/oauth-store';

const NS = 'default';
const keys = createKeys('komputer');
const TOKENS = { accessToken: 'access-7f3a9c', refreshToken: 'refresh-2b8e1d', expiresAt: 1 };

let server: RedisServer;
let redis: Redis;
let store: OAuthStore;
let registries: Registries;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const secretKey = generateSecretKey();
  store = new OAuthStore({ redis, keys, cipher: new SecretCipher(parseSecretKey(secretKey)) });
  registries = createRegistries({
    redis,
    keys,
    agents: new AgentStore({ redis, keys, eventsMaxLen: 100 }),
    logger: createLogger({ name: 'test', level: 'silent' }),
    secretKey,
    mcpTimeoutMs: 1_000,
  });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop({ removeData: true });
});

describe('OAuthStore', () => {
  it('keeps the tokens and secret of the same client, and starts over for another', async () => {
    await store.configure(NS, 'a', { clientId: 'one', clientSecret: 'secret-one-9d2c' });
    expect(await store.get(NS, 'a')).toEqual({
      clientId: 'one',
      clientSecret: 'secret-one-9d2c',
      status: 'pending',
    });
    expect(await store.saveTokens(NS, 'a', 'one', TOKENS)).toBe(true);
    await store.configure(NS, 'a', { clientId: 'one' });
    expect(await store.get(NS, 'a')).toMatchObject({
      clientSecret: 'secret-one-9d2c',
      status: 'connected',
      tokens: TOKENS,
    });
    await store.configure(NS, 'a', { clientId: 'two' });
    expect(await store.get(NS, 'a')).toEqual({ clientId: 'two', status: 'pending' });
    // Tokens obtained for the client it had before are dropped.
    expect(await store.saveTokens(NS, 'a', 'one', TOKENS)).toBe(false);
    expect((await store.get(NS, 'a'))?.tokens).toBeUndefined();
  });

  it('seals the client secret and the tokens', async () => {
    await store.configure(NS, 'b', { clientId: 'one', clientSecret: 'secret-one-9d2c' });
    await store.saveTokens(NS, 'b', 'one', TOKENS);
    const raw = JSON.stringify(await redis.hgetall(keys.connectorOAuth(NS, 'b')));
    for (const value of ['secret-one-9d2c', TOKENS.accessToken, TOKENS.refreshToken])
      expect(raw).not.toContain(value);
  });

  it('marks a refused refresh, drops the tokens, and a new consent clears the reason', async () => {
    await store.configure(NS, 'c', { clientId: 'one' });
    await store.saveTokens(NS, 'c', 'one', TOKENS);
    await store.markFailed(NS, 'c', 'one', 'expired', 'invalid_grant: revoked');
    expect(await store.get(NS, 'c')).toEqual({
      clientId: 'one',
      status: 'expired',
      error: 'invalid_grant: revoked',
    });
    expect(await store.statuses(NS, ['c', 'none'])).toEqual([
      { status: 'expired', error: 'invalid_grant: revoked' },
      undefined,
    ]);
    await store.saveTokens(NS, 'c', 'one', TOKENS);
    expect(await store.statuses(NS, ['c'])).toEqual([{ status: 'connected' }]);
  });

  it('gives a consent once, within its time to live, and only for a state it made', async () => {
    const pending = {
      connector: 'a',
      clientId: 'two',
      codeVerifier: 'v',
      redirectUri: 'http://x/cb',
    };
    const state = store.newState(NS);
    await store.putState(state, pending, 60_000);
    const [key] = await redis.keys('komputer:default:oauth-state:*');
    expect(await redis.pttl(key as string)).toBeGreaterThan(59_000);
    expect(await store.takeState(state)).toEqual({ namespace: NS, pending });
    expect(await store.takeState(state)).toBeUndefined();
    for (const forged of [
      '',
      'default',
      'default.',
      `x:agent:y.${'a'.repeat(43)}`,
      'default.short',
    ])
      expect(await store.takeState(forged)).toBeUndefined();
  });
});

describe('an OAuth connector in the registry', () => {
  it('shows its status, runs a task without it until it is connected, and forgets it when changed or deleted', async () => {
    const { connectors } = registries;
    const created = await connectors.putConnector(NS, {
      name: 'notes',
      service: 'notes',
      url: 'http://127.0.0.1:9/mcp',
      authType: 'oauth',
      oauthClientId: 'komputer',
      oauthClientSecret: 'secret-notes-4e1f',
    });
    expect(created).toMatchObject({ authType: 'oauth', oauthStatus: 'pending' });
    expect(JSON.stringify(created)).not.toContain('secret-notes-4e1f');
    expect(JSON.stringify(await redis.hgetall(keys.connector(NS, 'notes')))).not.toContain(
      'komputer',
    );
    // Before consent, a call through the MCP endpoint gets no credential: it says why.
    await expect(connectors.upstream(NS, 'notes')).rejects.toMatchObject({
      code: 'OAUTH_NOT_CONNECTED',
      message: expect.stringContaining('its oauthStatus is "pending"'),
    });

    await connectors.putConnector(NS, {
      name: 'notes',
      service: 'notes',
      url: 'http://127.0.0.1:9/mcp',
    });
    expect(await store.get(NS, 'notes')).toBeUndefined();
    expect((await connectors.getConnector(NS, 'notes')).oauthStatus).toBeUndefined();

    await connectors.putConnector(NS, {
      name: 'notes',
      service: 'notes',
      url: 'http://127.0.0.1:9/mcp',
      authType: 'oauth',
      oauthClientId: 'komputer',
    });
    await connectors.deleteConnector(NS, 'notes', false);
    expect(await store.get(NS, 'notes')).toBeUndefined();
  });
});
