import { startMcpTestServer } from '@komputer/testing';
import type { McpTestServer } from '@komputer/testing';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

/**
 * komputer.ai ignores the fields of a request body that it does not know, and its clients rely on
 * it: they send fields that this API lacks. Each resource takes such a body, answers as for the
 * body without them, and neither echoes nor stores them.
 */

let t: TestGateway;
let mcp: McpTestServer;
beforeAll(async () => {
  t = await startTestGateway();
  mcp = await startMcpTestServer();
});
afterAll(async () => {
  await mcp.close();
  await t.close();
});

const api = (path: string) => `${t.api}${path}`;

/** The name and value of the fields that no resource has, so that they can be looked for. */
const MARK = 'kai-only-5b1e';
/** Fields komputer.ai's clients send that this API does not have, and one of our own making. */
const extra = {
  squad: true,
  squadName: MARK,
  [MARK]: MARK,
  constructor: { prototype: { polluted: MARK } },
};

/** Every value Redis holds under the gateway's prefix, as text, to look for the marker in. */
async function storedText(): Promise<string> {
  const parts: string[] = [];
  for (const key of await t.redis.keys('komputer:*')) {
    const type = await t.redis.type(key);
    parts.push(key);
    if (type === 'hash') parts.push(JSON.stringify(await t.redis.hgetall(key)));
    else if (type === 'string') parts.push((await t.redis.get(key)) ?? '');
    else if (type === 'list') parts.push(JSON.stringify(await t.redis.lrange(key, 0, -1)));
    else if (type === 'stream') parts.push(JSON.stringify(await t.redis.xrange(key, '-', '+')));
  }
  return parts.join('\n');
}

const cases: {
  kind: string;
  create: { path: string; body: Record<string, unknown> };
  patch?: { path: string; body: Record<string, unknown> };
}[] = [
  {
    kind: 'agents',
    create: {
      path: '/agents',
      body: {
        name: 'extra-agent',
        instructions: 'say hi',
        storage: { size: '1Gi', [MARK]: MARK },
        limits: { maxTurns: 3, [MARK]: MARK },
      },
    },
    patch: {
      path: '/agents/extra-agent',
      body: { priority: 2, name: MARK, queuePosition: 1 },
    },
  },
  {
    kind: 'templates',
    create: {
      path: '/templates',
      body: { name: 'extra-template', model: 'claude-sonnet-4-6', ttl: { [MARK]: MARK } },
    },
    patch: { path: '/templates/extra-template', body: { description: 'patched' } },
  },
  {
    kind: 'secrets',
    create: { path: '/secrets', body: { name: 'extra-secret', data: { token: 'v' } } },
    patch: { path: '/secrets/extra-secret', body: { data: { token: 'w' } } },
  },
  {
    kind: 'connectors',
    create: {
      path: '/connectors',
      body: {
        name: 'extra-connector',
        service: 'echo',
        get url() {
          return mcp.url;
        },
      },
    },
  },
  {
    kind: 'memories',
    create: { path: '/memories', body: { name: 'extra-memory', content: 'Deploys on Tuesdays.' } },
    patch: { path: '/memories/extra-memory', body: { description: 'patched', isDefault: true } },
  },
  {
    kind: 'skills',
    create: {
      path: '/skills',
      body: { name: 'extra-skill', content: 'Say hi.', description: 'Greeting' },
    },
    patch: { path: '/skills/extra-skill', body: { description: 'patched', isDefault: true } },
  },
  {
    kind: 'schedules',
    create: {
      path: '/schedules',
      body: {
        name: 'extra-schedule',
        schedule: '0 9 * * 1',
        instructions: 'weekly report',
        agent: { model: 'claude-sonnet-4-6', [MARK]: MARK },
      },
    },
    patch: { path: '/schedules/extra-schedule', body: { suspended: true } },
  },
];

describe.each(cases)('$kind', ({ create, patch }) => {
  it('takes a komputer.ai-style body with fields it does not know, and neither echoes nor stores them', async () => {
    const created = await call('POST', api(create.path), { ...create.body, ...extra });
    expect({ status: created.status, body: created.body }).toMatchObject({
      status: 201,
      body: { name: create.body['name'] },
    });
    expect(created.body).not.toHaveProperty('squadName');
    expect(created.body).not.toHaveProperty(MARK);
    expect(JSON.stringify(created.body)).not.toContain(MARK);

    if (patch) {
      const patched = await call('PATCH', api(patch.path), { ...patch.body, ...extra });
      expect(patched.status).toBe(200);
      expect(JSON.stringify(patched.body)).not.toContain(MARK);
    }

    const got = await call('GET', api(`${create.path}/${String(create.body['name'])}`));
    // A secret has no GET of its own: the list shows it.
    const shown =
      got.status === 405 || got.status === 404 ? await call('GET', api(create.path)) : got;
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).toContain(String(create.body['name']));
    expect(JSON.stringify(shown.body)).not.toContain(MARK);
    expect(await storedText()).not.toContain(MARK);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

it('still refuses a pod field it does not know: podSpec stays strict', async () => {
  const res = await call('POST', api('/agents'), {
    name: 'extra-pod',
    instructions: 'x',
    podSpec: { dnsPolicy: 'None' },
  });
  expect(res.status).toBe(400);
  expect(res.body.error).toContain('dnsPolicy');
  expect((await call('GET', api('/agents/extra-pod'))).status).toBe(404);
});
