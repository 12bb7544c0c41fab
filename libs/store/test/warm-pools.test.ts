import type { Redis } from 'ioredis';
import { TemplateStore } from '../src';
import type { Keys } from '../src';
import { RedisFixture, agentStore } from './harness';

const fixture = new RedisFixture();
let redis: Redis;
let templates: TemplateStore;
let keys: Keys;

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());

beforeEach(() => {
  ({ keys } = agentStore(redis, fixture.uniquePrefix()));
  templates = new TemplateStore({ redis, keys });
});

const pools = async () =>
  (await templates.pools()).map((t) => [t.scope, t.namespace, t.name, t.spec.warmPoolSize]);

describe('the index of warm pools', () => {
  it('holds the templates whose warmPoolSize is above 0, in every namespace and the cluster', async () => {
    await templates.put({ scope: 'namespace', namespace: 'a' }, 'coder', { warmPoolSize: 2 }, true);
    await templates.put({ scope: 'namespace', namespace: 'b' }, 'coder', { model: 'm' }, true);
    await templates.put({ scope: 'cluster', namespace: 'a' }, 'coder', { warmPoolSize: 1 }, true);
    expect(await pools()).toEqual([
      ['cluster', undefined, 'coder', 1],
      ['namespace', 'a', 'coder', 2],
    ]);
  });

  it('follows a patch, a replace and a delete, in the same step as the template', async () => {
    const where = { scope: 'namespace', namespace: 'a' } as const;
    await templates.put(where, 'coder', { model: 'm' }, true);
    expect(await pools()).toEqual([]);
    await templates.put(where, 'coder', { warmPoolSize: 3 }, false);
    expect(await pools()).toEqual([['namespace', 'a', 'coder', 3]]);
    await templates.put(where, 'coder', { warmPoolSize: 0 }, false);
    expect(await pools()).toEqual([]);
    await templates.put(where, 'coder', { warmPoolSize: 1 }, false);
    // A replace without the field drops the pool.
    await templates.put(where, 'coder', { model: 'm' }, true);
    expect(await redis.smembers(keys.warmPools())).toEqual([]);
    await templates.put(where, 'coder', { warmPoolSize: 1 }, true);
    expect(await templates.delete(where, 'coder')).toEqual({ outcome: 'deleted' });
    expect(await redis.smembers(keys.warmPools())).toEqual([]);
    expect(await pools()).toEqual([]);
  });
});
