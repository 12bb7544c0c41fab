import { AgentStore, createKeys } from '@komputer/store';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// Squads' routes: create, get, list, patch, members, break-up, delete, and their refusals. The
// agents here have no scheduler: their first task stays queued until a test ends it.

const keys = createKeys('komputer');
let t: TestGateway;
let store: AgentStore;

async function create(name: string): Promise<void> {
  expect((await call('POST', `${t.api}/agents`, { name, instructions: 'work' })).status).toBe(201);
}

/** Ends the agent's task, as its scheduler would. */
async function finish(name: string): Promise<void> {
  const agent = await store.get('default', name);
  const id = await store.finishTask({
    namespace: 'default',
    name,
    taskId: agent?.taskId ?? '',
    taskStatus: 'Complete',
    message: 'done',
    event: {
      type: 'task_cancelled',
      taskId: agent?.taskId ?? '',
      timestamp: new Date().toISOString(),
      payload: { reason: 'test' },
    },
  });
  expect(id).toBeDefined();
}

const names = (body: { members: { name: string }[] }) => body.members.map((m) => m.name);

beforeAll(async () => {
  t = await startTestGateway();
  store = new AgentStore({ redis: t.redis, keys, eventsMaxLen: 1_000 });
  for (const name of ['alpha', 'beta', 'gamma', 'busy']) await create(name);
  for (const name of ['alpha', 'beta', 'gamma']) await finish(name);
}, 60_000);
afterAll(() => t.close());

it('creates a squad of idle agents; the first one’s workspace is shared', async () => {
  const res = await call('POST', `${t.api}/squads`, {
    name: 'pair',
    members: [{ ref: { name: 'alpha' } }, { ref: { name: 'beta', namespace: 'default' } }],
    orphanTTL: '10m',
    ignored: 'unknown fields are ignored',
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    name: 'pair',
    namespace: 'default',
    phase: 'Active',
    home: 'alpha',
    breakUpRequested: false,
    orphanTTL: '10m',
    members: [
      { name: 'alpha', ready: false, taskStatus: 'Complete' },
      { name: 'beta', ready: false, taskStatus: 'Complete' },
    ],
  });
  const agent = await call('GET', `${t.api}/agents/beta`);
  expect(agent.body).toMatchObject({ squad: true, squadName: 'pair' });
  expect((await call('GET', `${t.api}/agents/gamma`)).body.squad).toBe(false);
  expect((await call('GET', `${t.api}/squads/pair`)).body.home).toBe('alpha');
  expect(names((await call('GET', `${t.api}/squads`)).body.squads[0])).toEqual(['alpha', 'beta']);
});

it('refuses a squad that exists, bad input, missing agents, members of another squad and busy ones', async () => {
  const post = (body: unknown) => call('POST', `${t.api}/squads`, body);
  expect((await post({ name: 'pair', members: [] })).status).toBe(409);
  const cases: [unknown, number, string][] = [
    [{ name: 'x', members: [{ ref: { name: 'ghost' } }] }, 404, 'AGENT_NOT_FOUND'],
    [{ name: 'x', members: [{ ref: { name: 'alpha' } }] }, 409, 'SQUAD_MEMBER_CONFLICT'],
    [{ name: 'x', members: [{ ref: { name: 'busy' } }] }, 409, 'SQUAD_BUSY'],
    [
      { name: 'x', members: [{ ref: { name: 'gamma', namespace: 'other' } }] },
      400,
      'VALIDATION_FAILED',
    ],
    [{ name: 'x', members: [{ spec: { instructions: 'go' } }] }, 400, 'VALIDATION_FAILED'],
    [
      { name: 'x', members: [{ ref: { name: 'gamma' } }, { name: 'gamma' }] },
      400,
      'VALIDATION_FAILED',
    ],
    [{ name: 'x', members: [], orphanTTL: 'soon' }, 400, 'VALIDATION_FAILED'],
    [{ name: 'Bad', members: [] }, 400, 'VALIDATION_FAILED'],
    [{ members: [] }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [body, status, code] of cases) {
    const res = await post(body);
    expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
    expect(typeof res.body.error).toBe('string');
  }
  // Nothing of the refused squads was written.
  expect((await call('GET', `${t.api}/squads/x`)).status).toBe(404);
  expect((await call('GET', `${t.api}/agents/gamma`)).body.squad).toBe(false);
});

it('adds and removes members, with 404 and 409 for what cannot be', async () => {
  const add = (body: unknown) => call('POST', `${t.api}/squads/pair/members`, body);
  const added = await add({ ref: { name: 'gamma' } });
  expect(added.status).toBe(200);
  expect(names(added.body)).toEqual(['alpha', 'beta', 'gamma']);
  expect((await add({ ref: { name: 'gamma' } })).status).toBe(409);
  expect((await add({ ref: { name: 'ghost' } })).status).toBe(404);
  expect((await add({ ref: { name: 'busy' } })).body.code).toBe('SQUAD_BUSY');
  expect(
    (await call('POST', `${t.api}/squads/none/members`, { ref: { name: 'busy' } })).status,
  ).toBe(404);

  const removed = await call('DELETE', `${t.api}/squads/pair/members/gamma`);
  expect(removed.status).toBe(200);
  expect(names(removed.body)).toEqual(['alpha', 'beta']);
  expect((await call('GET', `${t.api}/agents/gamma`)).body.squad).toBe(false);
  const notMember = await call('DELETE', `${t.api}/squads/pair/members/gamma`);
  expect(notMember.status).toBe(404);
  expect((await call('DELETE', `${t.api}/squads/none/members/gamma`)).status).toBe(404);
});

it('refuses a change of members while a member has a task, and allows it after', async () => {
  expect(
    (await call('POST', `${t.api}/agents`, { name: 'beta', instructions: 'again' })).status,
  ).toBe(201);
  const refused = await call('DELETE', `${t.api}/squads/pair/members/beta`);
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('SQUAD_BUSY');
  expect((await call('DELETE', `${t.api}/squads/pair`)).status).toBe(409);
  await finish('beta');
});

it('patches the member list whole and the orphanTTL; the home moves when it leaves', async () => {
  const patch = (body: unknown) => call('PATCH', `${t.api}/squads/pair`, body);
  const res = await patch({ members: [{ ref: { name: 'beta' } }, { ref: { name: 'gamma' } }] });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ home: 'beta', orphanTTL: '10m' });
  expect(names(res.body)).toEqual(['beta', 'gamma']);
  expect((await call('GET', `${t.api}/agents/alpha`)).body.squad).toBe(false);
  const ttl = await patch({ orphanTTL: '1h30m' });
  expect(ttl.body.orphanTTL).toBe('1h30m');
  expect(names(ttl.body)).toEqual(['beta', 'gamma']);
  expect((await patch({ orphanTTL: '' })).body.orphanTTL).toBeUndefined();
  expect((await patch({ orphanTTL: 'forever' })).status).toBe(400);
  expect((await call('PATCH', `${t.api}/squads/none`, { orphanTTL: '1m' })).status).toBe(404);
  const orphaned = await patch({ members: [] });
  expect(orphaned.body).toMatchObject({ phase: 'Orphaned', members: [] });
  expect(orphaned.body.orphanedSince).toEqual(expect.any(String));
  const back = await patch({ members: [{ ref: { name: 'alpha' } }, { ref: { name: 'beta' } }] });
  expect(back.body).toMatchObject({ phase: 'Active', home: 'alpha' });
  expect(back.body.orphanedSince).toBeUndefined();
});

it('breaks up once its members are idle: at once when they are, later when one is busy', async () => {
  // Busy: the break-up is recorded, and the squad refuses member changes meanwhile.
  expect((await call('POST', `${t.api}/agents`, { name: 'alpha', instructions: 'x' })).status).toBe(
    201,
  );
  const pending = await call('POST', `${t.api}/squads/pair/break-up`);
  expect(pending.status).toBe(200);
  expect(pending.body).toMatchObject({ phase: 'BreakingUp', breakUpRequested: true });
  expect(
    (await call('POST', `${t.api}/squads/pair/members`, { ref: { name: 'gamma' } })).status,
  ).toBe(409);
  await finish('alpha');
  const done = await call('POST', `${t.api}/squads/pair/break-up`);
  expect(done.body).toMatchObject({ phase: 'Dissolved', breakUpRequested: true });
  expect((await call('GET', `${t.api}/squads/pair`)).status).toBe(404);
  for (const name of ['alpha', 'beta']) {
    expect((await call('GET', `${t.api}/agents/${name}`)).body).toMatchObject({ squad: false });
  }
  expect((await call('POST', `${t.api}/squads/pair/break-up`)).status).toBe(404);
});

it('deletes a squad, keeping its members; a deleted member leaves its squad', async () => {
  expect(
    (
      await call('POST', `${t.api}/squads`, {
        name: 'trio',
        members: [
          { ref: { name: 'alpha' } },
          { ref: { name: 'beta' } },
          { ref: { name: 'gamma' } },
        ],
      })
    ).status,
  ).toBe(200);
  expect((await call('DELETE', `${t.api}/agents/alpha`)).status).toBe(200);
  const after = await call('GET', `${t.api}/squads/trio`);
  expect(names(after.body)).toEqual(['beta', 'gamma']);
  expect(after.body.home).toBe('beta');
  const res = await call('DELETE', `${t.api}/squads/trio`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: 'deleted', name: 'trio', namespace: 'default' });
  expect((await call('GET', `${t.api}/agents/beta`)).body.squad).toBe(false);
  expect((await call('DELETE', `${t.api}/squads/trio`)).status).toBe(404);
  expect((await call('GET', `${t.api}/squads`)).body.squads).toEqual([]);
  // No key of the squad is left behind.
  expect(await t.redis.keys('komputer:default:squad*')).toEqual([]);
});
