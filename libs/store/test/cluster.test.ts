import { closeRedis, createLogger, createRedisCluster } from '@komputer/service-kit';
import type { Cluster } from '@komputer/service-kit';
import { collectLogLines, startRedisCluster } from '@komputer/testing';
import type { RedisClusterGroup } from '@komputer/testing';
import {
  AgentStore,
  ClusterScopeUnavailableError,
  createKeys,
  CrossNamespaceRefError,
  decodeEvent,
  SquadStore,
  TemplateStore,
} from '../src';
import type { Durability, StreamEntry } from '../src';
import { completedEvent, MINIMAL_SPEC, textEvent } from './harness';

// A Redis Cluster of three primaries, each with a replica, made by `redis-cli --cluster create`.
// The keys carry hash tags: each namespace's keys share one slot, so that every script runs on
// one node, and namespaces spread across the primaries. The cluster refuses a script or a
// pipeline whose keys are in more than one slot (CROSSSLOT), so running each step here proves
// that it touches one slot. Then a primary is killed while three agents, one per primary, write
// their events with WAIT, and the test counts the acknowledged events that the failover lost.

const { destination } = collectLogLines(500);
const logger = createLogger({ name: 'cluster', level: 'info', destination });

let group: RedisClusterGroup;
let redis: Cluster;
const keys = createKeys('komputer', { hashTags: true });
/** Three namespaces, each served by a different primary. */
let spaces: { namespace: string; port: number }[];

beforeAll(async () => {
  group = await startRedisCluster({ nodeTimeoutMs: 1_000 });
  redis = createRedisCluster({
    nodes: group.startupNodes,
    logger,
    role: 'test',
    commandTimeoutMs: 10_000,
  });
  spaces = [];
  for (let i = 0; spaces.length < 3 && i < 200; i++) {
    const namespace = `ns-${i}`;
    const port = await group.primaryOf(keys.agent(namespace, ''));
    if (!spaces.some((s) => s.port === port)) spaces.push({ namespace, port });
  }
  expect(spaces).toHaveLength(3);
}, 120_000);

afterAll(async () => {
  if (redis) await closeRedis(redis);
  await group?.stop();
});

/** The stores on the cluster; the agents' writes wait for replicas with `durability`. */
function stores(durability?: Durability) {
  const agents = new AgentStore({
    redis,
    keys,
    // Long enough that no event is trimmed while the failover runs.
    eventsMaxLen: 1_000_000,
    ...(durability ? { durability } : {}),
  });
  return {
    agents,
    templates: new TemplateStore({ redis, keys }),
    squads: new SquadStore({ redis, keys, maxMembers: 10 }),
  };
}

it('tags each namespace, so that namespaces spread across the primaries', () => {
  expect(keys.agent('default', 'x')).toBe('komputer:{default}:agent:x');
  expect(keys.events('default', 'x')).toBe('komputer:{default}:events:x');
  expect(keys.namespaces()).toBe('komputer:{_global}:namespaces');
  expect(keys.bullPrefix()).toBe('komputer:{_bull}');
  expect(new Set(spaces.map((s) => s.port)).size).toBe(3);
});

it('runs every step of an agent, a template cap and a squad on the cluster, each in one slot', async () => {
  const { agents, templates, squads } = stores();
  const now = () => new Date().toISOString();
  for (const { namespace } of spaces) {
    // A capped template: the second agent's task waits for the first one's slot.
    const template = await templates.put(
      { scope: 'namespace', namespace },
      'capped',
      { maxConcurrentAgents: 1, warmPoolSize: 1 },
      true,
    );
    expect(template?.spec.maxConcurrentAgents).toBe(1);
    const spec = { ...MINIMAL_SPEC, templateRef: 'capped' };
    for (const name of ['a', 'b']) {
      const claim = await agents.claim({
        namespace,
        name,
        taskId: `${name}-1`,
        instructions: 'go',
        spec,
        now: now(),
      });
      expect(claim.outcome).toBe('created');
    }
    const started = await agents.startTask({
      namespace,
      name: 'a',
      taskId: 'a-1',
      scheduler: 's1',
      announce: { instructions: 'go', resumingSession: false },
    });
    expect(started.outcome).toBe('started');
    const waiting = await agents.startTask({
      namespace,
      name: 'b',
      taskId: 'b-1',
      scheduler: 's1',
    });
    expect(waiting.outcome).toBe('waiting');
    // A steer, then the task takes it and ends; its slot goes to b.
    const steer = await agents.claim({
      namespace,
      name: 'a',
      taskId: 'a-2',
      instructions: 'also this',
      spec,
      now: now(),
      steer: true,
    });
    expect(steer.outcome).toBe('steered');
    expect(
      (await agents.adoptTask({ namespace, name: 'a', taskId: 'a-1', from: 's1', scheduler: 's2' }))
        .outcome,
    ).toBe('adopted');
    await agents.recordEvent({ namespace, name: 'a', event: textEvent('a-1', 'working'), seq: 1 });
    expect(await agents.requestCancel(namespace, 'a', 'a-1')).toBe(true);
    await agents.finishTask({
      namespace,
      name: 'a',
      taskId: 'a-1',
      taskStatus: 'Complete',
      message: 'done',
      event: completedEvent('a-1'),
    });
    expect(await agents.holdsSlot(namespace, 'b', 'b-1')).toBe(true);
    expect((await agents.get(namespace, 'a'))?.taskStatus).toBe('Queued');
    expect(await agents.patch(namespace, 'b', { priority: 3 })).toBeDefined();
    // A squad of two idle agents, dissolved again.
    await agents.claim({
      namespace,
      name: 'c',
      taskId: 'c-1',
      instructions: 'go',
      spec: MINIMAL_SPEC,
      now: now(),
    });
    await agents.finishTask({
      namespace,
      name: 'c',
      taskId: 'c-1',
      taskStatus: 'Complete',
      message: 'done',
      event: completedEvent('c-1'),
      requiredStatus: 'Queued',
    });
    await agents.claim({
      namespace,
      name: 'd',
      taskId: 'd-1',
      instructions: 'go',
      spec: MINIMAL_SPEC,
      now: now(),
    });
    await agents.finishTask({
      namespace,
      name: 'd',
      taskId: 'd-1',
      taskStatus: 'Complete',
      message: 'done',
      event: completedEvent('d-1'),
      requiredStatus: 'Queued',
    });
    const squad = await squads.create({ namespace, name: 'pair', members: ['c', 'd'] });
    expect(squad).toMatchObject({ name: 'pair', home: 'c', members: ['c', 'd'] });
    expect((await squads.dissolve(namespace, 'pair', 'delete')).outcome).toBe('dissolved');
    expect(await agents.list(namespace)).toHaveLength(4);
  }
  expect((await agents.namespaces()).sort()).toEqual(spaces.map((s) => s.namespace).sort());
  expect((await templates.pools()).map((t) => t.namespace).sort()).toEqual(
    spaces.map((s) => s.namespace).sort(),
  );
  expect(await squads.all()).toEqual([]);

  for (const { namespace } of spaces) {
    for (const name of ['a', 'b', 'c', 'd'])
      expect(await agents.delete(namespace, name)).toBe(true);
    expect(await templates.delete({ scope: 'namespace', namespace }, 'capped')).toEqual({
      outcome: 'deleted',
    });
  }
  expect(await agents.namespaces()).toEqual([]);
  expect(await templates.pools()).toEqual([]);
  // The task sets (keys of no namespace) hold the tasks started and adopted, not the one that
  // waited for a slot; a scheduler forgets each when it ends.
  const running = spaces.map((s) => `${s.namespace}/a/a-1`).sort();
  expect((await redis.smembers(keys.schedulerTasks('s1'))).sort()).toEqual(running);
  expect((await redis.smembers(keys.schedulerTasks('s2'))).sort()).toEqual(running);
}, 60_000);

it('refuses what would span two slots: cluster-wide templates, references to another namespace', async () => {
  const { agents, templates } = stores();
  const [first] = spaces;
  if (!first) throw new Error('no namespace');
  await expect(
    templates.put(
      { scope: 'cluster', namespace: '' },
      'shared',
      { model: 'claude-sonnet-4-6' },
      true,
    ),
  ).rejects.toBeInstanceOf(ClusterScopeUnavailableError);
  await expect(
    agents.claim({
      namespace: first.namespace,
      name: 'reader',
      taskId: 'r-1',
      instructions: 'go',
      spec: { ...MINIMAL_SPEC, memories: ['elsewhere/notes'] },
      now: new Date().toISOString(),
    }),
  ).rejects.toBeInstanceOf(CrossNamespaceRefError);
  expect(await agents.get(first.namespace, 'reader')).toBeUndefined();
});

/** Runs `write` until it succeeds: a write refused while the failover runs is sent again. */
async function persist<T>(write: () => Promise<T>, deadline: number): Promise<T> {
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

it('loses no acknowledged event when a primary fails over while agents on every primary write', async () => {
  const shortfalls: number[] = [];
  const { agents } = stores({
    replicas: 1,
    timeoutMs: 2_000,
    onShortfall: (acked) => shortfalls.push(acked),
  });
  const deadline = Date.now() + 90_000;
  const taskId = 'stream-1';
  for (const { namespace } of spaces) {
    await agents.claim({
      namespace,
      name: 'writer',
      taskId,
      instructions: 'go',
      spec: MINIMAL_SPEC,
      now: new Date().toISOString(),
    });
    expect(
      (await agents.startTask({ namespace, name: 'writer', taskId, scheduler: 's1' })).outcome,
    ).toBe('started');
  }
  const acknowledged = new Map<string, string[]>(spaces.map((s) => [s.namespace, []]));
  let failedOver = false;
  /** Events each writer stores before the kill, and after the failover. */
  const BEFORE = 10;
  const AFTER = 40;
  /** Writes events numbered from 1, until `AFTER` more are stored after the failover. */
  const writer = async (namespace: string, warmedUp: () => void) => {
    const ids = acknowledged.get(namespace) ?? [];
    let after = 0;
    for (let seq = 1; after < AFTER; seq++) {
      if (seq > 200_000) throw new Error(`${namespace}: no failover after ${seq} events`);
      const result = await persist(
        () =>
          agents.recordEvent({
            namespace,
            name: 'writer',
            event: textEvent(taskId, `event ${seq}`),
            seq,
          }),
        deadline,
      );
      if (result.outcome === 'appended') ids.push(result.id);
      if (ids.length === BEFORE) warmedUp();
      if (failedOver) after += 1;
    }
  };
  const warm: Promise<void>[] = [];
  const writing = Promise.all(
    spaces.map((s) => {
      let warmedUp!: () => void;
      warm.push(new Promise<void>((resolve) => (warmedUp = resolve)));
      return writer(s.namespace, warmedUp);
    }),
  );
  // Every writer has stored some events, each acknowledged by its replica, before the kill.
  await Promise.all(warm);
  const victim = spaces[0];
  if (!victim) throw new Error('no namespace');
  const killedAt = Date.now();
  const promoted = await group.failover(victim.port, 30_000);
  const failoverMs = Date.now() - killedAt;
  failedOver = true;
  await writing;
  for (const { namespace } of spaces) {
    await persist(
      () =>
        agents.finishTask({
          namespace,
          name: 'writer',
          taskId,
          taskStatus: 'Complete',
          message: 'done',
          event: completedEvent(taskId),
        }),
      deadline,
    );
  }

  let acked = 0;
  let lost = 0;
  for (const { namespace } of spaces) {
    const entries = (await redis.xrange(
      keys.events(namespace, 'writer'),
      '-',
      '+',
    )) as StreamEntry[];
    const stored = new Set(entries.map(([id]) => id));
    const ids = acknowledged.get(namespace) ?? [];
    acked += ids.length;
    lost += ids.filter((id) => !stored.has(id)).length;
    // Each event once, in order: a write sent again after a lost reply is not stored twice.
    const contents = entries
      .map((entry) => decodeEvent(namespace, 'writer', entry))
      .flatMap((event) => (event.type === 'text' ? [event.payload.content] : []));
    expect(contents).toEqual(contents.map((_, i) => `event ${i + 1}`));
    expect((await agents.get(namespace, 'writer'))?.taskStatus).toBe('Complete');
  }
  process.stdout.write(
    `redis-cluster: primary :${victim.port} killed; :${promoted} took its slots in ${failoverMs} ms; ` +
      `${acked} events acknowledged (WAIT 1 replica), ${lost} of them lost\n`,
  );
  expect(lost).toBe(0);
  // The promoted primary has no replica: writes there stop waiting, and say so.
  expect(shortfalls.length).toBeGreaterThanOrEqual(1);
}, 150_000);
