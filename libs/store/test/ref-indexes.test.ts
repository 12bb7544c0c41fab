import type { AgentSpec } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import { agentMember, CLUSTER_SCOPE } from '../src';
import type { AgentStore, ClaimResult, Keys, RefKind } from '../src';
import { FULL_SPEC, MINIMAL_SPEC, RedisFixture, agentStore, completedEvent } from './harness';

const fixture = new RedisFixture();
let redis: Redis;
let store: AgentStore;
let keys: Keys;
let prefix: string;

const T0 = '2026-01-01T00:00:00.000Z';
const NS = 'team-a';

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());

beforeEach(() => {
  prefix = fixture.uniquePrefix();
  ({ store, keys } = agentStore(redis, prefix));
});

/** Each kind of reference, its spec field, and whether it may name another namespace. */
const REF_FIELDS: [RefKind, 'connectors' | 'secretRefs' | 'memories' | 'skills', boolean][] = [
  ['connector', 'connectors', false],
  ['secret', 'secretRefs', false],
  ['memory', 'memories', true],
  ['skill', 'skills', true],
];

function claim(
  name: string,
  taskId: string,
  spec: AgentSpec = FULL_SPEC,
  namespace = NS,
): Promise<ClaimResult> {
  return store.claim({ namespace, name, taskId, instructions: 'x', spec, now: T0 });
}

async function finish(name: string, taskId: string, namespace = NS): Promise<void> {
  await store.finishTask({
    namespace,
    name,
    taskId,
    taskStatus: 'Complete',
    message: 'ok',
    event: completedEvent(taskId),
  });
}

/** The members of one resource's reverse index. */
async function members(kind: RefKind, namespace: string, name: string): Promise<string[]> {
  return (await redis.smembers(keys.attachedAgents(kind, namespace, name))).sort();
}

interface Indexes {
  /** Each reverse index set, with its members sorted. */
  sets: Record<string, string[]>;
  /** Each agent's refs hash. */
  refs: Record<string, Record<string, string>>;
}

/** What the reverse indexes must hold, worked out from every agent's spec. */
async function fromSpecs(): Promise<Indexes> {
  const sets: Record<string, Set<string>> = {};
  const refs: Indexes['refs'] = {};
  for (const namespace of await store.namespaces()) {
    for (const agent of await store.list(namespace)) {
      for (const [kind, field, crossNamespace] of REF_FIELDS) {
        for (const ref of agent.spec[field]) {
          const [target, name] =
            crossNamespace && ref.includes('/') ? ref.split('/') : [namespace, ref];
          const set = keys.attachedAgents(kind, target ?? '', name ?? '');
          (sets[set] ??= new Set()).add(agentMember(namespace, agent.name));
          (refs[keys.agentRefs(namespace, agent.name)] ??= {})[set] = kind;
        }
      }
      // Its template's index, in its namespace and cluster-wide.
      for (const scope of [namespace, CLUSTER_SCOPE]) {
        const set = keys.attachedAgents('template', scope, agent.spec.templateRef);
        (sets[set] ??= new Set()).add(agentMember(namespace, agent.name));
        (refs[keys.agentRefs(namespace, agent.name)] ??= {})[set] = 'template';
      }
    }
  }
  return {
    sets: Object.fromEntries(Object.entries(sets).map(([set, m]) => [set, [...m].sort()])),
    refs,
  };
}

/** What the reverse indexes hold in Redis, under this test's prefix. */
async function inRedis(): Promise<Indexes> {
  const found: Indexes = { sets: {}, refs: {} };
  const setKey = new RegExp(
    `^${prefix}:[^:]+:(connector|secret|memory|skill|template):[^:]+:agents$`,
  );
  const refsKey = new RegExp(`^${prefix}:[^:]+:agent:[^:]+:refs$`);
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      if (setKey.test(key)) found.sets[key] = (await redis.smembers(key)).sort();
      if (refsKey.test(key)) found.refs[key] = await redis.hgetall(key);
    }
  } while (cursor !== '0');
  return found;
}

/** The indexes hold exactly what the agents' specs say: nothing missing, nothing left over. */
async function expectExact(): Promise<void> {
  expect(await inRedis()).toEqual(await fromSpecs());
}

describe('the reverse indexes', () => {
  it('hold a created agent under each resource that its spec names, in other namespaces too', async () => {
    // FULL_SPEC: connectors github, slack; secretRefs gh-token; memories notes, shared/facts;
    // skills ops/deploy.
    await claim('alpha', 'task-1');
    const member = agentMember(NS, 'alpha');
    expect(await members('connector', NS, 'github')).toEqual([member]);
    expect(await members('connector', NS, 'slack')).toEqual([member]);
    expect(await members('secret', NS, 'gh-token')).toEqual([member]);
    expect(await members('memory', NS, 'notes')).toEqual([member]);
    expect(await members('memory', 'shared', 'facts')).toEqual([member]);
    expect(await members('skill', 'ops', 'deploy')).toEqual([member]);
    expect(await members('memory', NS, 'facts')).toEqual([]);
    expect(await redis.hgetall(keys.agentRefs(NS, 'alpha'))).toEqual({
      [keys.attachedAgents('connector', NS, 'github')]: 'connector',
      [keys.attachedAgents('connector', NS, 'slack')]: 'connector',
      [keys.attachedAgents('secret', NS, 'gh-token')]: 'secret',
      [keys.attachedAgents('memory', NS, 'notes')]: 'memory',
      [keys.attachedAgents('memory', 'shared', 'facts')]: 'memory',
      [keys.attachedAgents('skill', 'ops', 'deploy')]: 'skill',
      [keys.attachedAgents('template', NS, 'default')]: 'template',
      [keys.attachedAgents('template', CLUSTER_SCOPE, 'default')]: 'template',
    });
    await expectExact();
  });

  it('are read relative to the resource namespace, sorted, one list per name', async () => {
    await claim('zed', 'task-1', { ...MINIMAL_SPEC, memories: ['shared/facts'] }, 'shared');
    await claim('bob', 'task-2', { ...MINIMAL_SPEC, memories: ['shared/facts'] }, 'team-b');
    await claim('alpha', 'task-3', { ...MINIMAL_SPEC, memories: ['facts'] }, 'shared');
    await claim('amy', 'task-4', { ...MINIMAL_SPEC, memories: ['shared/facts'] }, NS);
    expect(await store.attachedAgents('memory', 'shared', ['facts', 'nothing', 'facts'])).toEqual([
      ['alpha', `${NS}/amy`, 'team-b/bob', 'zed'],
      [],
      ['alpha', `${NS}/amy`, 'team-b/bob', 'zed'],
    ]);
    expect(await store.attachedAgents('skill', 'shared', [])).toEqual([]);
    await expectExact();
  });

  it('stay as they are when an existing agent is claimed again, busy or idle', async () => {
    await claim('alpha', 'task-1');
    const before = await inRedis();
    expect((await claim('alpha', 'task-2', MINIMAL_SPEC)).outcome).toBe('busy');
    await finish('alpha', 'task-1');
    // The spec of a claim is only for an agent that it creates.
    expect((await claim('alpha', 'task-3', MINIMAL_SPEC)).outcome).toBe('queued');
    expect(await inRedis()).toEqual(before);
    await expectExact();
  });

  it('follow a patch of the kinds it changes, and leave the other kinds alone', async () => {
    await claim('alpha', 'task-1');
    await store.patch(NS, 'alpha', { memories: ['shared/facts', 'other/notes'], connectors: [] });
    expect(await members('memory', NS, 'notes')).toEqual([]);
    expect(await members('memory', 'shared', 'facts')).toEqual([agentMember(NS, 'alpha')]);
    expect(await members('memory', 'other', 'notes')).toEqual([agentMember(NS, 'alpha')]);
    expect(await members('connector', NS, 'github')).toEqual([]);
    expect(await members('secret', NS, 'gh-token')).toEqual([agentMember(NS, 'alpha')]);
    expect(await members('skill', 'ops', 'deploy')).toEqual([agentMember(NS, 'alpha')]);
    await expectExact();

    // A patch that names no reference touches no index.
    const before = await inRedis();
    await store.patch(NS, 'alpha', { model: 'm-2', labels: { a: 'b' } }, 'new instructions');
    expect(await inRedis()).toEqual(before);

    // "name" and "team-a/name" are one resource for an agent of team-a.
    await store.patch(NS, 'alpha', { skills: ['team-a/deploy', 'deploy'], secretRefs: ['s2'] });
    expect(await members('skill', NS, 'deploy')).toEqual([agentMember(NS, 'alpha')]);
    expect(await members('skill', 'ops', 'deploy')).toEqual([]);
    expect(await members('secret', NS, 'gh-token')).toEqual([]);
    await expectExact();

    // A patch of a missing agent creates nothing.
    expect(await store.patch(NS, 'ghost', { memories: ['notes'] })).toBeUndefined();
    expect(await redis.exists(keys.agentRefs(NS, 'ghost'))).toBe(0);
    await expectExact();
  });

  it('take every concurrent patch of a different kind, on separate connections', async () => {
    await claim('alpha', 'task-1', MINIMAL_SPEC);
    const changes: Partial<AgentSpec>[] = [
      { connectors: ['c1', 'c2'] },
      { secretRefs: ['s1'] },
      { memories: ['m1', 'x/m2'] },
      { skills: ['y/k1'] },
    ];
    const connections = changes.map(() => fixture.connect());
    try {
      await Promise.all(
        connections.map((connection, i) =>
          agentStore(connection, prefix).store.patch(NS, 'alpha', changes[i] ?? {}),
        ),
      );
    } finally {
      await Promise.all(connections.map((connection) => fixture.close(connection)));
    }
    expect(Object.keys((await inRedis()).sets)).toHaveLength(8);
    await expectExact();
  });

  it('lose a created agent whose claim is released, and keep a queued one whose claim is', async () => {
    await claim('other', 'task-0');
    const created = await claim('alpha', 'task-1');
    await store.releaseClaim({ namespace: NS, name: 'alpha', taskId: 'task-1', claim: created });
    expect(await redis.exists(keys.agentRefs(NS, 'alpha'))).toBe(0);
    expect(await members('memory', 'shared', 'facts')).toEqual([agentMember(NS, 'other')]);
    await expectExact();

    await finish('other', 'task-0');
    const before = await inRedis();
    const queued = await claim('other', 'task-2');
    await store.releaseClaim({ namespace: NS, name: 'other', taskId: 'task-2', claim: queued });
    expect(await inRedis()).toEqual(before);
    await expectExact();
  });

  it('lose a deleted agent, and keep the others that name the same resources', async () => {
    await claim('alpha', 'task-1');
    await claim('beta', 'task-2');
    await claim('alpha', 'task-3', FULL_SPEC, 'shared');
    expect(await store.delete(NS, 'alpha')).toBe(true);
    expect(await redis.exists(keys.agentRefs(NS, 'alpha'))).toBe(0);
    expect(await members('memory', 'shared', 'facts')).toEqual([
      agentMember('shared', 'alpha'),
      agentMember(NS, 'beta'),
    ]);
    await expectExact();

    // A delete of another agent of the name (another uid) changes nothing.
    const before = await inRedis();
    expect(await store.delete(NS, 'beta', 'not-its-uid')).toBe(false);
    expect(await inRedis()).toEqual(before);

    expect(await store.delete(NS, 'beta')).toBe(true);
    expect(await store.delete('shared', 'alpha')).toBe(true);
    expect(await inRedis()).toEqual({ sets: {}, refs: {} });
  });

  it('follow a long random run of creates, claims, patches, releases and deletes exactly', async () => {
    const random = seeded(20260101);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const some = (items: readonly string[]) => items.filter(() => random() < 0.4);
    const pools: Record<(typeof REF_FIELDS)[number][1], string[]> = {
      connectors: ['c1', 'c2', 'c3'],
      secretRefs: ['s1', 's2'],
      memories: ['m1', 'm2', 'x/m1', 'y/m2', 'z/m3'],
      skills: ['k1', 'x/k1', 'y/k2'],
    };
    const refs = (): Partial<AgentSpec> =>
      Object.fromEntries(
        REF_FIELDS.filter(() => random() < 0.5).map(([, field]) => [field, some(pools[field])]),
      );
    const claims = new Map<string, { taskId: string; claim: ClaimResult }>();
    for (let step = 0; step < 400; step++) {
      const namespace = pick(['x', 'y', 'z']);
      const name = pick(['a', 'b', 'c', 'd']);
      const agent = `${namespace}/${name}`;
      const taskId = `task-${step}`;
      switch (pick(['claim', 'claim', 'patch', 'patch', 'finish', 'release', 'delete'])) {
        case 'claim': {
          const spec = { ...MINIMAL_SPEC, ...refs() };
          claims.set(agent, { taskId, claim: await claim(name, taskId, spec, namespace) });
          break;
        }
        case 'patch':
          await store.patch(namespace, name, refs());
          break;
        case 'finish':
          await finish(name, claims.get(agent)?.taskId ?? '', namespace);
          break;
        case 'release': {
          const last = claims.get(agent);
          if (last) await store.releaseClaim({ namespace, name, ...last });
          break;
        }
        case 'delete':
          await store.delete(namespace, name);
          break;
      }
      if (step % 50 === 49) await expectExact();
    }
    await expectExact();
  });
});

describe('AgentStore.buildRefIndexes', () => {
  /** Takes every reverse index away, as in a Redis written before they existed. */
  async function forgetIndexes(): Promise<void> {
    const { sets, refs } = await inRedis();
    const stale = [...Object.keys(sets), ...Object.keys(refs)];
    if (stale.length > 0) await redis.del(...stale);
  }

  it('indexes the agents stored before the indexes, once per prefix', async () => {
    await claim('alpha', 'task-1');
    await claim('beta', 'task-2', { ...MINIMAL_SPEC, skills: ['team-a/deploy'] }, 'ops');
    await claim('gamma', 'task-3', MINIMAL_SPEC);
    const expected = await fromSpecs();
    await forgetIndexes();
    await redis.sadd(keys.agents(NS), 'vanished');

    expect(await store.buildRefIndexes()).toBe(3);
    expect(await inRedis()).toEqual(expected);
    expect(await redis.exists(keys.refIndexesBuilt())).toBe(1);
    expect(await store.attachedAgents('skill', NS, ['deploy'])).toEqual([['ops/beta']]);

    // Done once: a second pass reads no agent and changes nothing.
    await forgetIndexes();
    expect(await store.buildRefIndexes()).toBeUndefined();
    expect(await inRedis()).toEqual({ sets: {}, refs: {} });
  });

  it('completes an agent patched before it was indexed, and keeps what is indexed already', async () => {
    await claim('alpha', 'task-1');
    await claim('beta', 'task-2');
    await forgetIndexes();
    // A patch before the build indexes only the kinds that it changes.
    await store.patch(NS, 'alpha', { memories: ['other/notes'] });
    expect(Object.keys((await inRedis()).sets)).toEqual([
      keys.attachedAgents('memory', 'other', 'notes'),
    ]);

    expect(await store.buildRefIndexes()).toBe(2);
    await expectExact();
  });

  it('never undoes a change made to an agent while it is being indexed', async () => {
    await claim('alpha', 'task-1');
    await forgetIndexes();
    // Another gateway patches the agent right after the build has read its references.
    const other = agentStore(fixture.connect(), prefix).store;
    const hmget = redis.hmget.bind(redis) as (key: string, ...fields: string[]) => Promise<unknown>;
    let patched = false;
    const spied = jest.spyOn(redis, 'hmget').mockImplementation((async (
      key: string,
      ...fields: string[]
    ) => {
      const read = await hmget(key, ...fields);
      if (!patched) {
        patched = true;
        await other.patch(NS, 'alpha', { memories: ['other/notes'], connectors: ['c9'] });
      }
      return read;
    }) as never);
    try {
      expect(await store.buildRefIndexes()).toBe(1);
    } finally {
      spied.mockRestore();
    }
    expect(patched).toBe(true);
    expect(await members('memory', 'other', 'notes')).toEqual([agentMember(NS, 'alpha')]);
    expect(await members('memory', 'shared', 'facts')).toEqual([]);
    expect(await members('connector', NS, 'c9')).toEqual([agentMember(NS, 'alpha')]);
    await expectExact();
  });
});

/** A small deterministic random source (mulberry32), so that a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
