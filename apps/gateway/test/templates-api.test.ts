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

const BUILTIN = {
  name: 'default',
  scope: 'cluster',
  builtin: true,
  description: expect.any(String),
  model: 'claude-sonnet-4-6',
  limits: {},
};

describe('templates', () => {
  it('lists the built-in default template while none is stored', async () => {
    const res = await call('GET', api('/templates?namespace=empty'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ templates: [BUILTIN] });
    expect((await call('GET', api('/templates/default?scope=cluster'))).body).toEqual(BUILTIN);
    expect((await call('GET', api('/templates/default'))).status).toBe(404);
  });

  it('creates, reads, changes, replaces and deletes a namespace template', async () => {
    const body = {
      name: 'coder',
      namespace: 'team-a',
      description: 'Writes code',
      model: 'claude-opus-4-1',
      limits: { maxTurns: 20 },
      podSpec: {
        containers: [{ resources: { limits: { memory: '4Gi' } } }],
        nodeSelector: { pool: 'agents' },
      },
      storage: { size: '10Gi' },
      allowedDomains: ['github.com'],
      maxConcurrentAgents: 2,
      ttl: { idleSleepMinutes: 30, deleteAfterHours: 72 },
      warmPoolSize: 3,
    };
    const created = await call('POST', api('/templates'), body);
    expect(created.status).toBe(201);
    const { name: _name, ...settings } = body;
    expect(created.body).toEqual({
      ...settings,
      name: 'coder',
      scope: 'namespace',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await call('GET', api('/templates/coder?namespace=team-a'))).body).toEqual(
      created.body,
    );

    const patched = await call('PATCH', api('/templates/coder?namespace=team-a'), {
      maxConcurrentAgents: 5,
      limits: { timeoutMs: 60_000 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      maxConcurrentAgents: 5,
      limits: { timeoutMs: 60_000 },
      model: 'claude-opus-4-1',
    });

    // A second create replaces every setting; createdAt stays.
    const replaced = await call('POST', api('/templates?namespace=team-a'), { name: 'coder' });
    expect(replaced.body).toEqual({
      name: 'coder',
      scope: 'namespace',
      namespace: 'team-a',
      description: '',
      model: 'claude-sonnet-4-6',
      limits: {},
      createdAt: created.body.createdAt,
      updatedAt: expect.any(String),
    });

    const list = await call('GET', api('/templates?namespace=team-a'));
    expect(
      list.body.templates.map((x: { name: string; scope: string }) => [x.name, x.scope]),
    ).toEqual([
      ['coder', 'namespace'],
      ['default', 'cluster'],
    ]);
    const deleted = await call('DELETE', api('/templates/coder?namespace=team-a'));
    expect(deleted.body).toEqual({
      status: 'deleted',
      name: 'coder',
      scope: 'namespace',
      namespace: 'team-a',
    });
    expect((await call('GET', api('/templates/coder?namespace=team-a'))).body.code).toBe(
      'TEMPLATE_NOT_FOUND',
    );
    expect((await call('DELETE', api('/templates/coder?namespace=team-a'))).status).toBe(404);
  });

  it('shows cluster templates to every namespace, under the namespace’s own of the same name', async () => {
    await call('POST', api('/templates'), {
      name: 'shared',
      scope: 'cluster',
      model: 'claude-haiku-4-5',
    });
    await call('POST', api('/templates'), {
      name: 'shared',
      namespace: 'team-b',
      model: 'claude-opus-4-1',
    });
    const names = async (ns: string) =>
      (await call('GET', api(`/templates?namespace=${ns}`))).body.templates.map(
        (x: { name: string; scope: string; model: string }) => [x.name, x.scope, x.model],
      );
    expect(await names('team-c')).toEqual([
      ['shared', 'cluster', 'claude-haiku-4-5'],
      ['default', 'cluster', 'claude-sonnet-4-6'],
    ]);
    expect(await names('team-b')).toEqual([
      ['shared', 'namespace', 'claude-opus-4-1'],
      ['default', 'cluster', 'claude-sonnet-4-6'],
    ]);
    // Patching the built-in default stores it, with the change.
    const patched = await call('PATCH', api('/templates/default?scope=cluster'), {
      maxConcurrentAgents: 50,
    });
    expect(patched.body).toMatchObject({
      name: 'default',
      scope: 'cluster',
      maxConcurrentAgents: 50,
    });
    expect(patched.body.builtin).toBeUndefined();
    expect((await call('DELETE', api('/templates/default?scope=cluster'))).status).toBe(200);
    expect((await call('GET', api('/templates/default?scope=cluster'))).body).toEqual(BUILTIN);
    await call('DELETE', api('/templates/shared?scope=cluster'));
    await call('DELETE', api('/templates/shared?namespace=team-b'));
  });

  it('keeps an approval policy on a template and on an agent, and refuses a bad one', async () => {
    const approvals = { tools: ['Write', 'mcp__github__*'], bashCommands: ['git push*'] };
    const template = await call('POST', api('/templates'), { name: 'gated', approvals });
    expect(template.status).toBe(201);
    expect(template.body.approvals).toEqual(approvals);
    const agent = await call('POST', api('/agents'), {
      name: 'gated-agent',
      instructions: 'Go.',
      templateRef: 'gated',
      approvals: { bashCommands: ['rm *'], timeoutSeconds: 30 },
    });
    expect(agent.status).toBe(201);
    const patched = await call('PATCH', api('/agents/gated-agent'), {
      approvals: { tools: ['Bash'] },
    });
    expect(patched.body.approvals).toEqual({ tools: ['Bash'] });
    for (const [policy, message] of [
      [{ tools: ['Bash Tool'] }, /^body\.approvals\.tools\.0: must be a tool name/],
      [{ timeoutSeconds: 0 }, /^body\.approvals\.timeoutSeconds: must be at least 1/],
      [{ bashCommands: 'rm *' }, /^body\.approvals\.bashCommands: /],
    ] as const) {
      const refused = await call('PATCH', api('/templates/gated'), { approvals: policy });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatch(message);
    }
    expect((await call('GET', api('/templates/gated'))).body.approvals).toEqual(approvals);
  });

  it('refuses a warm pool that is not a whole number from 0 to 50, and stores nothing', async () => {
    for (const warmPoolSize of [51, -1, 1.5, '2']) {
      const refused = await call('POST', api('/templates'), { name: 'pooled', warmPoolSize });
      expect({ warmPoolSize, status: refused.status }).toEqual({ warmPoolSize, status: 400 });
    }
    expect((await call('GET', api('/templates/pooled'))).status).toBe(404);
    expect(
      (await call('POST', api('/templates'), { name: 'pooled', warmPoolSize: 50 })).status,
    ).toBe(201);
    const patched = await call('PATCH', api('/templates/pooled'), { warmPoolSize: 0 });
    expect(patched.body).toMatchObject({ warmPoolSize: 0 });
    await call('DELETE', api('/templates/pooled'));
  });

  it('refuses pod settings that would break the pod hardening, saying why', async () => {
    const refused = await call('POST', api('/templates'), {
      name: 'root',
      podSpec: { hostNetwork: true, containers: [{ securityContext: { privileged: true } }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain('"hostNetwork" is refused');
    const agent = await call('POST', api('/agents'), {
      name: 'mounter',
      instructions: 'hi',
      podSpec: { volumes: [{ name: 'host', hostPath: { path: '/' } }] },
    });
    expect(agent.status).toBe(400);
    expect(agent.body.error).toContain('"volumes" is refused');
    const secretEnv = await call('POST', api('/agents'), {
      name: 'leaker',
      instructions: 'hi',
      podSpec: {
        containers: [
          { env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] },
        ],
      },
    });
    expect(secretEnv.status).toBe(400);
    expect(secretEnv.body.error).toContain('"valueFrom" is refused');
  });

  it('gives agents their template’s model until they set their own, read at each use', async () => {
    await call('POST', api('/templates?namespace=team-d'), {
      name: 'thinker',
      model: 'claude-opus-4-1',
    });
    const created = await call('POST', api('/agents?namespace=team-d'), {
      name: 'deep',
      instructions: 'think',
      templateRef: 'thinker',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ templateRef: 'thinker', model: 'claude-opus-4-1' });
    await call('PATCH', api('/templates/thinker?namespace=team-d'), { model: 'claude-haiku-4-5' });
    expect((await call('GET', api('/agents/deep?namespace=team-d'))).body.model).toBe(
      'claude-haiku-4-5',
    );
    const listed = await call('GET', api('/agents?namespace=team-d'));
    expect(listed.body.agents[0].model).toBe('claude-haiku-4-5');

    // Named by an agent: the delete is refused, and names it; a cluster one of the name too.
    const refused = await call('DELETE', api('/templates/thinker?namespace=team-d'));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'TEMPLATE_IN_USE',
      details: { agents: ['team-d/deep'], count: 1 },
    });
    await call('POST', api('/templates'), { name: 'thinker', scope: 'cluster' });
    expect((await call('DELETE', api('/templates/thinker?scope=cluster'))).status).toBe(409);
    await call('DELETE', api('/agents/deep?namespace=team-d'));
    expect((await call('DELETE', api('/templates/thinker?namespace=team-d'))).status).toBe(200);
    expect((await call('DELETE', api('/templates/thinker?scope=cluster'))).status).toBe(200);
  });

  it('refuses agents that name an unknown template, on create and on PATCH', async () => {
    const res = await call('POST', api('/agents'), {
      name: 'templated',
      instructions: 'hi',
      templateRef: 'fast',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('body.templateRef: template "fast" does not exist');
    const created = await call('POST', api('/agents'), { name: 'templated', instructions: 'hi' });
    expect(created.body).toMatchObject({ templateRef: 'default', model: 'claude-sonnet-4-6' });
    const patch = await call('PATCH', api('/agents/templated'), { templateRef: 'slim' });
    expect(patch.status).toBe(400);
    expect(patch.body.error).toContain('template "slim" does not exist');
  });
});
