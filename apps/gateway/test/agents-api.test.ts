import { TASKS_QUEUE } from '@komputer/contracts';
import { Queue, Worker } from 'bullmq';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
let queue: Queue;
beforeAll(async () => {
  t = await startTestGateway();
  queue = new Queue(TASKS_QUEUE, { connection: t.redis, prefix: 'komputer:bull' });
  // Agents may only name connectors, secrets, memories and skills that exist.
  for (const name of ['gh-token', 'k1']) {
    expect((await call('POST', `${t.api}/secrets`, { name, data: { token: 'x' } })).status).toBe(
      201,
    );
  }
  for (const name of ['github', 'a', 'b', 'c', 'c1']) {
    const connector = { name, service: name, url: 'http://127.0.0.1:9/mcp' };
    expect((await call('POST', `${t.api}/connectors`, connector)).status).toBe(201);
  }
  for (const ref of ['style', 'ops/runbook', 'm1']) {
    const [namespace, name] = ref.includes('/') ? ref.split('/') : ['default', ref];
    const memory = { name, namespace, content: `remember ${name}` };
    expect((await call('POST', `${t.api}/memories`, memory)).status).toBe(201);
  }
  for (const name of ['review', 's1']) {
    const skill = { name, description: `when to ${name}`, content: `how to ${name}` };
    expect((await call('POST', `${t.api}/skills`, skill)).status).toBe(201);
  }
});
afterAll(async () => {
  await queue.close();
  await t.close();
});

const post = (body: unknown, query = '') => call('POST', `${t.api}/agents${query}`, body);

describe('POST /agents', () => {
  it('creates an agent, stores every reference field, and queues its task as a BullMQ job', async () => {
    const body = {
      name: 'full',
      instructions: 'Summarise the logs',
      systemPrompt: 'Be brief.',
      model: 'claude-opus-4-1',
      templateRef: 'default',
      role: 'worker',
      connectors: ['github'],
      memories: ['style', 'ops/runbook'],
      skills: ['review'],
      secretRefs: ['gh-token'],
      labels: { team: 'infra', 'komputer.ai/personal-agent': 'true' },
      lifecycle: 'Sleep',
      priority: 5,
      storage: { size: '5Gi', storageClassName: 'fast-ssd' },
      podSpec: { nodeSelector: { pool: 'agents' } },
      officeManager: 'boss',
      limits: { maxTurns: 7, maxBudgetUsd: 0.5 },
    };
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'full',
      namespace: 'default',
      model: 'claude-opus-4-1',
      status: 'Pending',
      taskStatus: 'Queued',
      created: true,
      role: 'worker',
      templateRef: 'default',
      systemPrompt: 'Be brief.',
      connectors: ['github'],
      memories: ['style', 'ops/runbook'],
      skills: ['review'],
      secrets: ['gh-token'],
      labels: body.labels,
      lifecycle: 'Sleep',
      priority: 5,
      storage: body.storage,
      podSpec: body.podSpec,
      limits: body.limits,
    });
    expect(typeof res.body.createdAt).toBe('string');
    expect(res.body.taskId).toEqual(res.body.taskId.trim());

    const job = await queue.getJob(res.body.taskId);
    expect(job?.data).toMatchObject({
      taskId: res.body.taskId,
      namespace: 'default',
      agentName: 'full',
      instructions: 'Summarise the logs',
    });
    expect(await job?.getState()).toBe('waiting');
  });

  it('applies the defaults: model, template, role manager', async () => {
    const res = await post({ name: 'defaults', instructions: 'hi' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      model: 'claude-sonnet-4-6',
      templateRef: 'default',
      role: 'manager',
    });
  });

  it('steers an agent with a queued task; with steer=false answers 409; queues the next task once it is idle', async () => {
    const first = await post({ name: 'busy', instructions: 'one' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, steered: false });
    expect(first.body).not.toHaveProperty('steerIndex');
    const steered = await post({ name: 'busy', instructions: 'two' });
    expect(steered.status).toBe(201);
    expect(steered.body).toMatchObject({
      taskId: first.body.taskId,
      created: false,
      steered: true,
      steerIndex: 1,
      instructions: 'one',
      taskStatus: 'Queued',
    });
    const refused = await post({ name: 'busy', instructions: 'not this' }, '?steer=false');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'AGENT_BUSY', type: 'conflict_error' });
    expect(refused.body.error).toContain(first.body.taskId);
    expect((await post({ name: 'busy', instructions: 'x' }, '?steer=maybe')).status).toBe(400);

    // Cancelled before it started, the task leaves its steer to the agent's next task.
    expect((await call('POST', `${t.api}/agents/busy/cancel`)).status).toBe(200);
    const followUp = await call('GET', `${t.api}/agents/busy`);
    expect(followUp.body).toMatchObject({ taskStatus: 'Queued', instructions: 'two' });
    expect((await queue.getJob(followUp.body.taskId))?.data).toMatchObject({ instructions: 'two' });
    expect((await call('POST', `${t.api}/agents/busy/cancel`)).status).toBe(200);

    const third = await post({
      name: 'busy',
      instructions: 'three',
      model: 'ignored-for-existing',
    });
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({
      created: false,
      steered: false,
      taskStatus: 'Queued',
      instructions: 'three',
    });
    expect(third.body.model).toBe('claude-sonnet-4-6');
    expect(third.body.taskId).not.toBe(first.body.taskId);
  });

  it('takes the namespace from the query or the body, and refuses a mismatch', async () => {
    const fromQuery = await post({ name: 'nsq', instructions: 'x' }, '?namespace=team-a');
    expect(fromQuery.status).toBe(201);
    expect(fromQuery.body.namespace).toBe('team-a');
    const fromBody = await post({ name: 'nsb', instructions: 'x', namespace: 'team-b' });
    expect(fromBody.body.namespace).toBe('team-b');
    const mismatch = await post(
      { name: 'nsm', instructions: 'x', namespace: 'team-b' },
      '?namespace=team-a',
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toContain('namespace');
    // The same name in two namespaces is two agents.
    expect((await post({ name: 'nsq', instructions: 'x' }, '?namespace=team-b')).status).toBe(201);
  });

  it('answers 400 naming the field, 413 for a body over the limit and 415 for a non-JSON body', async () => {
    const bad = await post({ name: 'Bad_Name', instructions: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error).toMatch(/^body\.name: /);
    expect(bad.body.details.issues[0].path).toBe('body.name');

    const missing = await post({ name: 'ok' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toContain('body.instructions');

    const big = await post({ name: 'big', instructions: 'x'.repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');

    const text = await call('POST', `${t.api}/agents`, undefined, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await t.redis.exists('komputer:default:agent:big', 'komputer:default:agent:ok')).toBe(0);
  });
});

describe('GET /agents and GET /agents/:name', () => {
  it('lists the agents of a namespace by name', async () => {
    await post({ name: 'list-b', instructions: 'x' }, '?namespace=listing');
    await post({ name: 'list-a', instructions: 'x' }, '?namespace=listing');
    const res = await call('GET', `${t.api}/agents?namespace=listing`);
    expect(res.status).toBe(200);
    expect(res.body.agents.map((a: { name: string }) => a.name)).toEqual(['list-a', 'list-b']);
    expect((await call('GET', `${t.api}/agents?namespace=empty-ns`)).body).toEqual({ agents: [] });
    expect((await call('GET', `${t.api}/agents?namespace=NOPE`)).status).toBe(400);
  });

  it('filters by label: repeated key=value, all of which must match', async () => {
    const ns = '?namespace=labelled';
    await post({ name: 'core-web', instructions: 'x', labels: { team: 'core', tier: 'web' } }, ns);
    await post({ name: 'core-db', instructions: 'x', labels: { team: 'core', tier: 'db' } }, ns);
    await post({ name: 'edge-web', instructions: 'x', labels: { team: 'edge', tier: 'web' } }, ns);
    await post({ name: 'bare', instructions: 'x' }, ns);
    const names = async (query: string) => {
      const res = await call('GET', `${t.api}/agents${ns}${query}`);
      expect(res.status).toBe(200);
      return res.body.agents.map((a: { name: string }) => a.name);
    };
    expect(await names('')).toEqual(['bare', 'core-db', 'core-web', 'edge-web']);
    expect(await names('&label=team=core')).toEqual(['core-db', 'core-web']);
    expect(await names('&label=team=core&label=tier=web')).toEqual(['core-web']);
    expect(await names('&label=tier=web&label=team=edge')).toEqual(['edge-web']);
    expect(await names('&label=team=core&label=team=edge')).toEqual([]);
    expect(await names('&label=team=nobody')).toEqual([]);
    expect(await names('&label=constructor=x')).toEqual([]);
    expect(await names(`&label=${encodeURIComponent('example.com/tier=web')}`)).toEqual([]);
  });

  it.each(['team', '=core', 'team core=x', 'team=a b', '', 'team=-x'])(
    'answers 400 for the label filter %j',
    async (label) => {
      const res = await call('GET', `${t.api}/agents?label=${encodeURIComponent(label)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.body.error).toContain('query.label');
    },
  );

  it('gets one agent, and answers 404 for an unknown one and 400 for a bad name', async () => {
    await post({ name: 'getme', instructions: 'x', systemPrompt: 'sp' });
    const res = await call('GET', `${t.api}/agents/getme`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'getme', systemPrompt: 'sp', taskStatus: 'Queued' });
    const missing = await call('GET', `${t.api}/agents/nobody`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'AGENT_NOT_FOUND', type: 'not_found_error' });
    expect((await call('GET', `${t.api}/agents/getme?namespace=other`)).status).toBe(404);
    expect((await call('GET', `${t.api}/agents/UPPER`)).status).toBe(400);
  });
});

describe('PATCH /agents/:name', () => {
  it('changes the reference fields, keeps the others, and never starts a task', async () => {
    const created = await post({
      name: 'patchy',
      instructions: 'x',
      connectors: ['a'],
      model: 'm1',
    });
    await call('POST', `${t.api}/agents/patchy/cancel`);
    const res = await call('PATCH', `${t.api}/agents/patchy`, {
      connectors: ['b', 'c'],
      systemPrompt: 'new prompt',
      lifecycle: 'AutoDelete',
      instructions: 'next time',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      connectors: ['b', 'c'],
      systemPrompt: 'new prompt',
      lifecycle: 'AutoDelete',
      model: 'm1',
      instructions: 'next time',
      taskStatus: 'Cancelled',
      taskId: created.body.taskId,
    });
    expect((await call('GET', `${t.api}/agents/patchy`)).body.connectors).toEqual(['b', 'c']);
  });

  it('applies concurrent patches of different fields without losing one', async () => {
    await post({ name: 'racy', instructions: 'x' });
    const patches = [
      { connectors: ['c1'] },
      { memories: ['m1'] },
      { skills: ['s1'] },
      { secretRefs: ['k1'] },
      { labels: { a: 'b' } },
      { priority: 7 },
      { systemPrompt: 'p' },
      { model: 'claude-haiku-4-5' },
      { templateRef: 'default' },
      { lifecycle: 'Sleep' },
    ];
    const results = await Promise.all(patches.map((p) => call('PATCH', `${t.api}/agents/racy`, p)));
    expect(results.map((r) => r.status)).toEqual(patches.map(() => 200));
    const agent = (await call('GET', `${t.api}/agents/racy`)).body;
    expect(agent).toMatchObject(
      Object.assign({}, ...patches.map((p) => ('secretRefs' in p ? { secrets: p.secretRefs } : p))),
    );
  });

  it('answers 404, ignores fields it does not know, and answers 400 for bad ones', async () => {
    expect((await call('PATCH', `${t.api}/agents/ghost`, { model: 'x' })).status).toBe(404);
    await post({ name: 'patch-bad', instructions: 'x' });
    const unknown = await call('PATCH', `${t.api}/agents/patch-bad`, { name: 'rename' });
    expect(unknown.status).toBe(200);
    expect(unknown.body.name).toBe('patch-bad');
    expect((await call('GET', `${t.api}/agents/rename`)).status).toBe(404);
    const wrongType = await call('PATCH', `${t.api}/agents/patch-bad`, { connectors: 'a' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toContain('body.connectors');
  });
});

describe('POST /agents/:name/cancel', () => {
  it('removes a queued task from the queue, emits task_cancelled and leaves the agent ready', async () => {
    const created = await post({ name: 'cancel-me', instructions: 'x' });
    const res = await call('POST', `${t.api}/agents/cancel-me/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'cancelled',
      name: 'cancel-me',
      namespace: 'default',
      taskId: created.body.taskId,
    });
    expect(await queue.getJob(created.body.taskId)).toBeUndefined();

    const agent = await call('GET', `${t.api}/agents/cancel-me`);
    expect(agent.body).toMatchObject({ taskStatus: 'Cancelled' });
    expect(agent.body.completionTime).toEqual(expect.any(String));

    const events = await call('GET', `${t.api}/agents/cancel-me/events`);
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0]).toMatchObject({
      type: 'task_cancelled',
      agentName: 'cancel-me',
      namespace: 'default',
      taskId: created.body.taskId,
      payload: { reason: expect.stringContaining('cancelled') },
    });
    expect(events.body.events[0].id).toMatch(/^\d+-\d+$/);

    expect((await post({ name: 'cancel-me', instructions: 'again' })).status).toBe(201);
  });

  it('answers 409 when there is nothing to cancel and 404 for an unknown agent', async () => {
    await post({ name: 'idle', instructions: 'x' });
    await call('POST', `${t.api}/agents/idle/cancel`);
    const again = await call('POST', `${t.api}/agents/idle/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NO_ACTIVE_TASK');
    expect((await call('POST', `${t.api}/agents/ghost/cancel`)).status).toBe(404);
  });

  it('asks the supervisor to stop a task that a worker already holds', async () => {
    // Earlier tests left tasks waiting; this one must be the next job a worker takes.
    await queue.drain();
    const created = await post({ name: 'running', instructions: 'x' });
    // Take the job the way a scheduler's worker does, which locks it.
    const connection = t.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(TASKS_QUEUE, null, { connection, prefix: 'komputer:bull' });
    const job = await worker.getNextJob('test-token');
    expect(job?.id).toBe(created.body.taskId);
    const res = await call('POST', `${t.api}/agents/running/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelling');
    expect(await t.redis.hget('komputer:default:agent:running', 'cancelRequested')).toBe(
      created.body.taskId,
    );
    await worker.close(true);
    connection.disconnect();
  });
});

describe('DELETE /agents/:name', () => {
  it('removes the record, the event stream, the index entry and the queued task', async () => {
    const created = await post({ name: 'doomed', instructions: 'x' }, '?namespace=del-ns');
    await call('POST', `${t.api}/agents/doomed/cancel?namespace=del-ns`);
    const again = await post({ name: 'doomed', instructions: 'y' }, '?namespace=del-ns');
    const res = await call('DELETE', `${t.api}/agents/doomed?namespace=del-ns`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'deleted', name: 'doomed', namespace: 'del-ns' });
    expect(await queue.getJob(again.body.taskId)).toBeUndefined();
    expect(
      await t.redis.exists('komputer:del-ns:agent:doomed', 'komputer:del-ns:events:doomed'),
    ).toBe(0);
    expect(await t.redis.sismember('komputer:del-ns:agents', 'doomed')).toBe(0);
    expect((await call('GET', `${t.api}/agents/doomed?namespace=del-ns`)).status).toBe(404);
    expect((await call('GET', `${t.api}/namespaces`)).body.namespaces).not.toContain('del-ns');
    expect(created.body.taskId).not.toBe(again.body.taskId);
  });

  it('answers 404 for an unknown agent', async () => {
    expect((await call('DELETE', `${t.api}/agents/ghost`)).status).toBe(404);
  });
});

describe('GET /agents/:name/events', () => {
  let ids: string[] = [];
  beforeAll(async () => {
    // Ten finished tasks give ten events.
    for (let i = 0; i < 10; i++) {
      expect((await post({ name: 'chatty', instructions: `task ${i}` })).status).toBe(201);
      expect((await call('POST', `${t.api}/agents/chatty/cancel`)).status).toBe(200);
    }
    ids = (await call('GET', `${t.api}/agents/chatty/events?limit=200`)).body.events.map(
      (e: { id: string }) => e.id,
    );
    expect(ids).toHaveLength(10);
  });

  it('returns the most recent events oldest first, 50 by default', async () => {
    const res = await call('GET', `${t.api}/agents/chatty/events?limit=3`);
    expect(res.body.events.map((e: { id: string }) => e.id)).toEqual(ids.slice(7));
    expect((await call('GET', `${t.api}/agents/chatty/events`)).body.events).toHaveLength(10);
  });

  it('pages forward with after and backward with before', async () => {
    const after = await call('GET', `${t.api}/agents/chatty/events?after=${ids[2]}&limit=4`);
    expect(after.body.events.map((e: { id: string }) => e.id)).toEqual(ids.slice(3, 7));
    const before = await call('GET', `${t.api}/agents/chatty/events?before=${ids[5]}&limit=2`);
    expect(before.body.events.map((e: { id: string }) => e.id)).toEqual(ids.slice(3, 5));
    const end = await call('GET', `${t.api}/agents/chatty/events?after=${ids[9]}`);
    expect(end.body.events).toEqual([]);
    expect((await call('GET', `${t.api}/agents/chatty/events?after=0-0`)).body.events).toHaveLength(
      10,
    );
    expect((await call('GET', `${t.api}/agents/chatty/events?before=0-0`)).body.events).toEqual([]);
    const max = '18446744073709551615-18446744073709551615';
    expect((await call('GET', `${t.api}/agents/chatty/events?after=${max}`)).body.events).toEqual(
      [],
    );
  });

  it('answers 410 for an after cursor whose following events were trimmed', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await post({ name: 'trimmed', instructions: `task ${i}` })).status).toBe(201);
      expect((await call('POST', `${t.api}/agents/trimmed/cancel`)).status).toBe(200);
    }
    const all = (await call('GET', `${t.api}/agents/trimmed/events`)).body.events.map(
      (e: { id: string }) => e.id,
    );
    expect(all).toHaveLength(6);
    await t.redis.xtrim('komputer:default:events:trimmed', 'MAXLEN', 3);
    const expired = await call('GET', `${t.api}/agents/trimmed/events?after=${all[1]}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ code: 'CURSOR_EXPIRED' });
    const kept = await call('GET', `${t.api}/agents/trimmed/events?after=${all[3]}`);
    expect(kept.body.events.map((e: { id: string }) => e.id)).toEqual(all.slice(4));
  });

  it('answers 400 for a bad limit or cursor and 404 for an unknown agent', async () => {
    for (const query of [
      'limit=0',
      'limit=-1',
      'limit=abc',
      'limit=1.5',
      'after=nope',
      'before=1-2-3',
      `after=${ids[0]}&before=${ids[1]}`,
      'after=99999999999999999999-0',
    ]) {
      const res = await call('GET', `${t.api}/agents/chatty/events?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
    expect((await call('GET', `${t.api}/agents/ghost/events`)).status).toBe(404);
  });
});

describe('GET /namespaces', () => {
  it('lists the default namespace and every namespace with agents, sorted', async () => {
    await post({ name: 'n1', instructions: 'x' }, '?namespace=zeta');
    const res = await call('GET', `${t.api}/namespaces`);
    expect(res.status).toBe(200);
    expect(res.body.namespaces).toEqual([...res.body.namespaces].sort());
    expect(res.body.namespaces).toEqual(expect.arrayContaining(['default', 'zeta', 'team-a']));
  });
});

describe('the rest of the surface', () => {
  it('answers 404 for unknown routes and 405 with Allow for a wrong method', async () => {
    const unknown = await call('GET', `${t.api}/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const wrong = await call('PUT', `${t.api}/agents/x`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PATCH, DELETE, HEAD');
  });

  it('echoes a sane X-Request-Id and puts it in error envelopes', async () => {
    const res = await call('GET', `${t.api}/agents/ghost`, undefined, {
      'x-request-id': 'trace-123',
    });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    expect(res.body.requestId).toBe('trace-123');
  });

  it('serves health and readiness', async () => {
    expect((await call('GET', `${t.url}/healthz`)).body).toEqual({ status: 'ok' });
    const ready = await call('GET', `${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.redis.ok).toBe(true);
  });
});
