import { MAX_MEMORY_CONTENT_LENGTH, MAX_SKILL_CONTENT_LENGTH } from '@komputer/contracts';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t.close();
});

const api = (path: string) => `${t.api}${path}`;

// Memories and skills behave alike; a skill also needs a description and reports isDefault.
describe.each([
  {
    route: 'memories',
    kind: 'memory',
    code: 'MEMORY',
    key: 'memory',
    maxContent: MAX_MEMORY_CONTENT_LENGTH,
    extra: {},
  },
  {
    route: 'skills',
    kind: 'skill',
    code: 'SKILL',
    key: 'skill',
    maxContent: MAX_SKILL_CONTENT_LENGTH,
    extra: { isDefault: false },
  },
])('$route', ({ route, kind, code, key, maxContent, extra }) => {
  const body = (over: Record<string, unknown> = {}) => ({
    name: 'notes',
    content: 'Deploys go out on Tuesdays.',
    description: 'Release habits',
    ...over,
  });

  it('creates one with the reference fields, and updates it on a second create', async () => {
    const created = await call('POST', api(`/${route}`), body());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name: 'notes',
      namespace: 'default',
      content: 'Deploys go out on Tuesdays.',
      description: 'Release habits',
      attachedAgents: 0,
      agentNames: [],
      createdAt: expect.any(String),
      ...extra,
    });
    const again = await call('POST', api(`/${route}`), body({ content: 'Fridays, never.' }));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({
      content: 'Fridays, never.',
      createdAt: created.body.createdAt,
    });
    expect((await call('GET', api(`/${route}/notes`))).body.content).toBe('Fridays, never.');
    const listed = await call('GET', api(`/${route}`));
    expect(listed.body[route].map((r: { name: string }) => r.name)).toEqual(['notes']);
    const raw = await t.redis.hgetall(`komputer:default:${key}:notes`);
    expect(JSON.parse(raw['spec'] ?? '{}')).toEqual({
      content: 'Fridays, never.',
      description: 'Release habits',
    });
    expect(await t.redis.smembers(`komputer:default:${route}`)).toEqual(['notes']);
  });

  it('changes only the fields a PATCH names', async () => {
    const patched = await call('PATCH', api(`/${route}/notes`), { description: 'Habits' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ content: 'Fridays, never.', description: 'Habits' });
    const both = await Promise.all([
      call('PATCH', api(`/${route}/notes`), { content: 'Mondays.' }),
      call('PATCH', api(`/${route}/notes`), { description: 'When we ship' }),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect((await call('GET', api(`/${route}/notes`))).body).toMatchObject({
      content: 'Mondays.',
      description: 'When we ship',
    });
  });

  it('keeps namespaces apart', async () => {
    const other = await call('POST', api(`/${route}?namespace=team-b`), body({ content: 'B' }));
    expect(other.body.namespace).toBe('team-b');
    expect((await call('GET', api(`/${route}/notes?namespace=team-b`))).body.content).toBe('B');
    expect((await call('GET', api(`/${route}/notes`))).body.content).toBe('Mondays.');
  });

  it('answers 404 for one that does not exist', async () => {
    for (const [method, payload] of [
      ['GET', undefined],
      ['PATCH', { content: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(method, api(`/${route}/nope`), payload);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe(`${code}_NOT_FOUND`);
      expect(res.body.error).toContain(`${kind} "nope" not found`);
    }
  });

  it.each([
    [{ content: '' }, 'body.content: must not be empty'],
    [{ content: '   ' }, 'body.content: must not be empty'],
    [{ name: 'Bad_Name' }, 'body.name'],
    [{ content: undefined }, 'body.content'],
  ])('refuses %j with a 400', async (over, message) => {
    const res = await call('POST', api(`/${route}`), body(over));
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(message);
  });

  it('refuses content over the bound with a 400 that gives it', async () => {
    const res = await call('POST', api(`/${route}`), body({ content: 'x'.repeat(maxContent + 1) }));
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(`body.content: must be at most ${maxContent}`);
    const patch = await call('PATCH', api(`/${route}/notes`), {
      content: 'x'.repeat(maxContent + 1),
    });
    expect(patch.status).toBe(400);
  });

  it('counts the agents that attach it, from any namespace, and refuses to delete it then', async () => {
    const refused = await call('POST', api('/agents'), {
      name: `${kind}-user`,
      instructions: 'hi',
      [route]: ['notes', 'ghost'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain(
      `body.${route}: ${kind} "ghost" does not exist in namespace "default"`,
    );
    const crossRefused = await call('POST', api('/agents?namespace=team-c'), {
      name: `${kind}-user`,
      instructions: 'hi',
      [route]: ['notes'],
    });
    expect(crossRefused.body.error).toContain(
      `${kind} "notes" does not exist in namespace "team-c"`,
    );

    expect(
      (await call('POST', api('/agents'), { name: `${kind}-user`, instructions: 'hi' })).status,
    ).toBe(201);
    const patchRefused = await call('PATCH', api(`/agents/${kind}-user`), { [route]: ['ghost'] });
    expect(patchRefused.status).toBe(400);
    expect(patchRefused.body.error).toContain(`${kind} "ghost" does not exist`);
    expect((await call('PATCH', api(`/agents/${kind}-user`), { [route]: ['notes'] })).status).toBe(
      200,
    );
    const cross = await call('POST', api('/agents?namespace=team-c'), {
      name: `${kind}-user`,
      instructions: 'hi',
      [route]: ['default/notes'],
    });
    expect(cross.status).toBe(201);

    expect((await call('GET', api(`/${route}/notes`))).body).toMatchObject({
      attachedAgents: 2,
      agentNames: [`${kind}-user`, `team-c/${kind}-user`],
    });
    const inUse = await call('DELETE', api(`/${route}/notes`));
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({
      code: `${code}_IN_USE`,
      details: { agentNames: [`${kind}-user`, `team-c/${kind}-user`] },
    });
    expect((await call('DELETE', api(`/${route}/notes?force=maybe`))).status).toBe(400);
    expect(await call('DELETE', api(`/${route}/notes?force=true`))).toMatchObject({
      status: 200,
      body: { status: 'deleted', name: 'notes', namespace: 'default' },
    });
    expect((await call('GET', api(`/${route}/notes`))).status).toBe(404);
    expect(await t.redis.exists(`komputer:default:${key}:notes`)).toBe(0);
  });
});

describe('skills', () => {
  it('need a description', async () => {
    const res = await call('POST', api('/skills'), { name: 'bare', content: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('body.description');
  });
});

describe('agents', () => {
  it('refuse more memories than the bound, with a 400 that gives it', async () => {
    const memories = Array.from({ length: 17 }, (_, i) => `m${i}`);
    const res = await call('POST', api('/agents'), { name: 'greedy', instructions: 'x', memories });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('body.memories: must list at most 16 names');
  });
});
