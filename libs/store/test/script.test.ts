import type { Redis } from 'ioredis';
import { LuaScript } from '../src/script';
import { RedisFixture } from './harness';

const fixture = new RedisFixture();
let redis: Redis;

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());

const echo = new LuaScript(
  `redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], ARGV[1], ARGV[2]}`,
  1,
);

describe('LuaScript', () => {
  it('runs with its keys and args', async () => {
    expect(await echo.run(redis, ['k1'], ['v', 2])).toEqual(['k1', 'v', '2']);
    expect(await redis.get('k1')).toBe('v');
  });

  it('runs again after Redis forgot its scripts (as after a restart)', async () => {
    await echo.run(redis, ['k2'], ['a', 1]);
    await redis.script('FLUSH');
    expect(await echo.run(redis, ['k2'], ['b', 1])).toEqual(['k2', 'b', '1']);
    // And it is loaded again, so the next run goes by its SHA.
    expect(await echo.run(redis, ['k2'], ['c', 1])).toEqual(['k2', 'c', '1']);
    expect(await redis.get('k2')).toBe('c');
  });

  it('refuses the wrong number of keys', async () => {
    await expect(echo.run(redis, [], ['x'])).rejects.toThrow('script expects 1 keys');
    await expect(echo.run(redis, ['a', 'b'], ['x'])).rejects.toThrow('script expects 1 keys');
  });

  it('passes on script errors other than NOSCRIPT', async () => {
    const failing = new LuaScript(`return redis.call('INCR', KEYS[1])`, 1);
    await redis.set('not-a-number', 'x');
    await expect(failing.run(redis, ['not-a-number'], [])).rejects.toThrow(/not an integer/);
  });
});
