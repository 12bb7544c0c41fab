import { parseRedisUrl, redactRedisUrl } from './redis-url';

it('takes a redis:// or rediss:// URL as it is', () => {
  expect(parseRedisUrl('redis://:pw@10.0.0.1:6380/2')).toEqual({
    kind: 'url',
    url: 'redis://:pw@10.0.0.1:6380/2',
  });
  expect(parseRedisUrl('rediss://cache.internal').kind).toBe('url');
});

it('reads the sentinels, the master name, the passwords and the database of a Sentinel URL', () => {
  const target = parseRedisUrl(
    'redis+sentinel://app:p%40ss@s1:26379,s2,[::1]:26380/mymaster/3?sentinelPassword=sp',
  );
  expect(target).toEqual({
    kind: 'sentinel',
    name: 'mymaster',
    sentinels: ['s1:26379', 's2:26379', '::1:26380'],
    options: {
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
      username: 'app',
      password: 'p@ss',
      sentinelPassword: 'sp',
      db: 3,
    },
  });
});

it('reads the nodes and the password of a Cluster URL', () => {
  expect(parseRedisUrl('redis+cluster://:p%40ss@n1:7000,n2,[::1]:7002')).toEqual({
    kind: 'cluster',
    nodes: [
      { host: 'n1', port: 7000 },
      { host: 'n2', port: 6379 },
      { host: '::1', port: 7002 },
    ],
    options: { password: 'p@ss' },
  });
  expect(parseRedisUrl('redis+cluster://n1:7000/')).toEqual({
    kind: 'cluster',
    nodes: [{ host: 'n1', port: 7000 }],
    options: {},
  });
});

it.each([
  ['http://example.com', 'must be a redis://'],
  ['redis+cluster://n1:7000/0', 'a Cluster URL is'],
  ['redis+cluster://n1:99999', 'is not host:port'],
  ['not a url', 'must be a redis://'],
  ['redis+sentinel://s1:26379', 'a Sentinel URL is'],
  ['redis+sentinel://s1:99999/mymaster', 'is not host:port'],
])('refuses %s, saying why', (url, reason) => {
  expect(() => parseRedisUrl(url)).toThrow(reason);
});

it('masks the passwords of every kind of URL', () => {
  expect(redactRedisUrl('redis://:secret@h:6379')).toBe('redis://:***@h:6379');
  expect(redactRedisUrl('redis+sentinel://:secret@s1,s2/m?sentinelPassword=other')).toBe(
    'redis+sentinel://:***@s1,s2/m?sentinelPassword=***',
  );
  expect(redactRedisUrl('redis+cluster://app:secret@n1:7000,n2')).toBe(
    'redis+cluster://app:***@n1:7000,n2',
  );
});
