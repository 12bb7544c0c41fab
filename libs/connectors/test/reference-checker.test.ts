import { AppError, createLogger } from '@komputer/service-kit';
import { AgentStore, createKeys } from '@komputer/store';
import { startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import {
  createReferenceChecker,
  createRegistries,
  generateSecretKey,
  RedisSecretStore,
} from '../src';

const keys = createKeys('komputer');
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const { connectors, memories, skills } = createRegistries({
    redis,
    keys,
    agents: new AgentStore({ redis, keys, eventsMaxLen: 100 }),
    logger: createLogger({ name: 'test', level: 'silent' }),
    secretKey: generateSecretKey(),
    mcpTimeoutMs: 1_000,
  });
  await connectors.putSecret('team', 'token', { TOKEN: 'secret value 7c1e' });
  await connectors.putConnector('team', {
    name: 'echo',
    service: 'echo',
    url: 'http://127.0.0.1:9/mcp',
  });
  await memories.put('shared', 'facts', { content: 'the facts' });
  await skills.put('team', 'deploy', { content: 'how', description: 'deploys' });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop({ removeData: true });
});

/** The AppError that `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

it('lets through references to what exists, a memory of another namespace included', async () => {
  const checker = createReferenceChecker(redis, keys);
  await expect(
    checker.check('team', {
      connectors: ['echo'],
      secretRefs: ['token'],
      memories: ['shared/facts'],
      skills: ['deploy'],
    }),
  ).resolves.toBeUndefined();
  await expect(checker.check('team', {})).resolves.toBeUndefined();
});

it.each([
  [{ connectors: ['echo', 'ghost'] }, 'body.connectors', 'connector "ghost"', 'team'],
  [{ secretRefs: ['phantom'] }, 'body.secretRefs', 'secret "phantom"', 'team'],
  [{ memories: ['facts'] }, 'body.memories', 'memory "facts"', 'team'],
  [{ skills: ['other/deploy'] }, 'body.skills', 'skill "deploy"', 'other'],
])('refuses %j with a 400 that names the field and the namespace', async (refs, path, what, ns) => {
  const err = await refusal(createReferenceChecker(redis, keys).check('team', refs));
  const message = `${what} does not exist in namespace "${ns}"`;
  expect(err).toMatchObject({
    status: 400,
    code: 'VALIDATION_FAILED',
    message: `${path}: ${message}`,
    details: { issues: [{ path, message }] },
  });
});

it('reads key names without the secret key, and refuses to reveal or write a value', async () => {
  const keyless = new RedisSecretStore({ redis, keys });
  expect(await keyless.get('team', 'token')).toMatchObject({ keys: ['TOKEN'] });
  await expect(keyless.reveal('team', 'token')).rejects.toThrow('holds no key');
  await expect(keyless.put('team', 'other', { A: 'b' }, new Date().toISOString())).rejects.toThrow(
    'holds no key',
  );
  expect(await redis.exists(keys.secret('team', 'other'))).toBe(0);
});
