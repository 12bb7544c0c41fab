import type { z } from 'zod';
import {
  AgentResponseSchema,
  BUSY_TASK_STATUSES,
  CreateAgentRequestSchema,
  CreateAgentResponseSchema,
  locateRef,
  MAX_INSTRUCTIONS_LENGTH,
  MAX_SYSTEM_PROMPT_LENGTH,
  PatchAgentRequestSchema,
  TaskStatusSchema,
} from './agents';
import type { AgentResponse, CreateAgentRequest, PatchAgentRequest } from './agents';

/** The issues of a failed parse, path joined with dots; fails the test when the parse succeeds. */
function issues(schema: z.ZodType, value: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
  return result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const minimal = { name: 'researcher', instructions: 'Find three papers on X.' };

function create(extra: Record<string, unknown>) {
  return CreateAgentRequestSchema.safeParse({ ...minimal, ...extra });
}

describe('CreateAgentRequestSchema', () => {
  it('accepts the minimal request and adds no defaults', () => {
    // Defaults (model, role, template, lifecycle...) are the server's business, applied when the
    // agent is stored: the request schema keeps exactly what the client sent.
    expect(CreateAgentRequestSchema.parse(minimal)).toStrictEqual(minimal);
  });

  it('accepts a request that sets every field', () => {
    const full: CreateAgentRequest = {
      ...minimal,
      namespace: 'team-a',
      role: 'worker',
      officeManager: 'boss',
      model: 'claude-sonnet-4-6',
      systemPrompt: 'Be brief.',
      templateRef: 'default',
      connectors: ['github', 'slack'],
      memories: ['notes', 'shared/notes'],
      skills: ['summarise', 'lib/search'],
      secretRefs: ['gh-token'],
      labels: { team: 'core', 'example.com/tier': 'gold', 'komputer.ai/personal-agent': 'true' },
      lifecycle: 'Sleep',
      priority: -5,
      storage: { size: '5Gi', storageClassName: 'fast.ssd-1' },
      podSpec: { nodeSelector: { disk: 'ssd' }, tolerations: [] },
    };
    expect(CreateAgentRequestSchema.parse(full)).toStrictEqual(full);
  });

  it.each(['', 'manager', 'worker'])('accepts role %j', (role) => {
    expect(create({ role }).success).toBe(true);
  });

  it.each(['', 'Sleep', 'AutoDelete'])('accepts lifecycle %j', (lifecycle) => {
    expect(create({ lifecycle }).success).toBe(true);
  });

  it('ignores unknown fields, as komputer.ai does: they are dropped, not kept', () => {
    const parsed = CreateAgentRequestSchema.parse({
      ...minimal,
      modle: 'typo',
      squad: true,
      storage: { size: '1Gi', speed: 'fast' },
      limits: { maxTurns: 3, maxTokens: 5 },
    });
    expect(parsed).toStrictEqual({
      ...minimal,
      storage: { size: '1Gi' },
      limits: { maxTurns: 3 },
    });
    expect(PatchAgentRequestSchema.parse({ name: 'rename', model: 'm' })).toStrictEqual({
      model: 'm',
    });
  });

  it.each([
    '{"name":"a","instructions":"x","__proto__":{"admin":true}}',
    '{"name":"a","instructions":"x","constructor":{"prototype":{"admin":true}}}',
    '{"name":"a","instructions":"x","storage":{"__proto__":{"admin":true}}}',
  ])('drops a prototype key without polluting anything: %s', (text) => {
    const parsed = CreateAgentRequestSchema.parse(JSON.parse(text) as unknown);
    expect(parsed).toStrictEqual({
      name: 'a',
      instructions: 'x',
      ...(text.includes('storage') ? { storage: {} } : {}),
    });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, '__proto__')).toBe(false);
    expect(Object.hasOwn(parsed, 'constructor')).toBe(false);
    expect((parsed as Record<string, unknown>)['admin']).toBeUndefined();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('admin');
  });

  it('requires name and instructions', () => {
    expect(
      issues(CreateAgentRequestSchema, {})
        .map((i) => i.path)
        .sort(),
    ).toEqual(['instructions', 'name']);
  });

  it.each([
    ['name', 'Researcher'],
    ['name', 'x'.repeat(64)],
    ['namespace', 'Team A'],
    ['officeManager', '-boss'],
    ['templateRef', 'my_template'],
    ['role', 'admin'],
    ['lifecycle', 'sleep'],
    ['model', ''],
    ['model', '-claude'],
    ['model', 'claude sonnet'],
    ['model', `m${'x'.repeat(128)}`],
    ['priority', 1.5],
    ['priority', '5'],
    ['priority', 1_000_000_001],
    ['priority', -1_000_000_001],
    ['podSpec', 'not an object'],
  ])('rejects %s = %j, naming the field', (field, value) => {
    expect(issues(CreateAgentRequestSchema, { ...minimal, [field]: value })[0]?.path).toBe(field);
  });

  it('accepts the priority bounds', () => {
    expect(create({ priority: 1_000_000_000 }).success).toBe(true);
    expect(create({ priority: -1_000_000_000 }).success).toBe(true);
  });

  describe('podSpec', () => {
    it('accepts the subset: the runtime container’s image, resources and env, and placement', () => {
      const podSpec = {
        containers: [
          {
            name: 'agent',
            image: 'registry.example/agents/runtime:2.0',
            imagePullPolicy: 'IfNotPresent',
            resources: {
              requests: { cpu: '500m', memory: '1Gi' },
              limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' },
            },
            env: [{ name: 'FEATURE_FLAG', value: 'on' }],
          },
        ],
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
        runtimeClassName: 'gvisor',
      };
      expect(PatchAgentRequestSchema.parse({ podSpec })).toStrictEqual({ podSpec });
    });

    it.each([
      ['hostNetwork', { hostNetwork: true }, 'podSpec', /"hostNetwork" is refused: .*network/],
      ['hostPID', { hostPID: true }, 'podSpec', /"hostPID" is refused/],
      ['hostIPC', { hostIPC: true }, 'podSpec', /"hostIPC" is refused/],
      [
        'a pod securityContext',
        { securityContext: { runAsUser: 0 } },
        'podSpec',
        /"securityContext" is refused/,
      ],
      [
        'volumes',
        { volumes: [{ name: 'h', hostPath: { path: '/' } }] },
        'podSpec',
        /"volumes" is refused: .*hostPath/,
      ],
      [
        'a service account',
        { serviceAccountName: 'admin' },
        'podSpec',
        /"serviceAccountName" is refused: .*credential/,
      ],
      [
        'a mounted token',
        { automountServiceAccountToken: true },
        'podSpec',
        /"automountServiceAccountToken" is refused/,
      ],
      [
        'init containers',
        { initContainers: [{ name: 'x', image: 'x' }] },
        'podSpec',
        /"initContainers" is refused/,
      ],
      [
        'a second container',
        { containers: [{ image: 'a' }, { image: 'b' }] },
        'podSpec.containers',
        /at most one container/,
      ],
      [
        'privileged',
        { containers: [{ securityContext: { privileged: true } }] },
        'podSpec.containers.0',
        /"securityContext" is refused/,
      ],
      [
        'a container command',
        { containers: [{ command: ['sh'] }] },
        'podSpec.containers.0',
        /"command" is refused/,
      ],
      [
        'volume mounts',
        { containers: [{ volumeMounts: [{ name: 'h', mountPath: '/h' }] }] },
        'podSpec.containers.0',
        /"volumeMounts" is refused/,
      ],
      [
        'envFrom',
        { containers: [{ envFrom: [{ secretRef: { name: 's' } }] }] },
        'podSpec.containers.0',
        /"envFrom" is refused: .*secretRefs/,
      ],
      [
        'env from a secret',
        {
          containers: [
            { env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] },
          ],
        },
        'podSpec.containers.0.env.0',
        /"valueFrom" is refused/,
      ],
      [
        'a runtime variable',
        { containers: [{ env: [{ name: 'ANTHROPIC_BASE_URL', value: 'http://x' }] }] },
        'podSpec.containers.0.env.0.name',
        /reserved for the agent runtime/,
      ],
      [
        'an unknown field',
        { affinity: {} },
        'podSpec',
        /"affinity" is not supported in podSpec \(supported: /,
      ],
      [
        'a bad quantity',
        { containers: [{ resources: { limits: { cpu: 'lots' } } }] },
        'podSpec.containers.0.resources.limits.cpu',
        /quantity/,
      ],
    ])('refuses %s with the reason', (_what, podSpec, path, message) => {
      const found = issues(CreateAgentRequestSchema, { ...minimal, podSpec });
      expect(found).toContainEqual({ path, message: expect.stringMatching(message) });
    });

    it.each([
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"containers": [{"prototype": 1}]}',
      '{"__proto__": {"polluted": true}}',
    ])('refuses a prototype key: %s', (text) => {
      expect(
        PatchAgentRequestSchema.safeParse({ podSpec: JSON.parse(text) as unknown }).success,
      ).toBe(false);
    });
  });

  describe('instructions', () => {
    it.each(['', '   ', '\n\t '])('rejects blank instructions %j', (instructions) => {
      expect(issues(CreateAgentRequestSchema, { ...minimal, instructions })).toContainEqual({
        path: 'instructions',
        message: 'must not be empty',
      });
    });

    it('accepts exactly MAX_INSTRUCTIONS_LENGTH characters and rejects one more', () => {
      expect(create({ instructions: 'x'.repeat(MAX_INSTRUCTIONS_LENGTH) }).success).toBe(true);
      expect(
        issues(CreateAgentRequestSchema, {
          ...minimal,
          instructions: 'x'.repeat(MAX_INSTRUCTIONS_LENGTH + 1),
        }),
      ).toEqual([
        { path: 'instructions', message: `must be at most ${MAX_INSTRUCTIONS_LENGTH} characters` },
      ]);
    });

    it('rejects a lone surrogate', () => {
      expect(issues(CreateAgentRequestSchema, { ...minimal, instructions: 'hi \ud800' })).toEqual([
        { path: 'instructions', message: 'must be well-formed Unicode (no lone surrogates)' },
      ]);
    });
  });

  it('bounds systemPrompt at MAX_SYSTEM_PROMPT_LENGTH and refuses lone surrogates', () => {
    expect(create({ systemPrompt: 'x'.repeat(MAX_SYSTEM_PROMPT_LENGTH) }).success).toBe(true);
    expect(create({ systemPrompt: 'x'.repeat(MAX_SYSTEM_PROMPT_LENGTH + 1) }).success).toBe(false);
    expect(create({ systemPrompt: '\udfff' }).success).toBe(false);
    expect(create({ systemPrompt: '' }).success).toBe(true);
  });

  describe('reference lists', () => {
    it('accept "name" and "namespace/name" for memories and skills', () => {
      expect(create({ memories: ['notes', 'shared/notes'], skills: ['a', 'b/c'] }).success).toBe(
        true,
      );
    });

    it.each(['a/b/c', '/a', 'a/', 'A/b', 'a/B', '', `${'a'.repeat(63)}/${'b'.repeat(64)}`])(
      'reject the memory reference %j',
      (ref) => {
        expect(issues(CreateAgentRequestSchema, { ...minimal, memories: [ref] })[0]?.path).toMatch(
          /^memories/,
        );
      },
    );

    it('accept the longest valid "namespace/name" (63/63)', () => {
      expect(create({ skills: [`${'a'.repeat(63)}/${'b'.repeat(63)}`] }).success).toBe(true);
    });

    it('locate "name" in the agent\'s namespace and "namespace/name" in the one it names', () => {
      expect(locateRef('team-a', 'notes')).toEqual({ namespace: 'team-a', name: 'notes' });
      expect(locateRef('team-a', 'shared/notes')).toEqual({ namespace: 'shared', name: 'notes' });
    });

    it('take plain names only for connectors and secretRefs', () => {
      expect(create({ connectors: ['ns/github'] }).success).toBe(false);
      expect(create({ secretRefs: ['ns/token'] }).success).toBe(false);
    });

    it.each(['connectors', 'memories', 'skills', 'secretRefs'])(
      'reject a name listed twice in %s',
      (field) => {
        expect(issues(CreateAgentRequestSchema, { ...minimal, [field]: ['a', 'b', 'a'] })).toEqual([
          { path: field, message: 'must not list a name twice' },
        ]);
      },
    );

    it('accept 64 names and reject 65', () => {
      const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
      expect(create({ connectors: names(64) }).success).toBe(true);
      expect(issues(CreateAgentRequestSchema, { ...minimal, connectors: names(65) })).toEqual([
        { path: 'connectors', message: 'must list at most 64 names' },
      ]);
    });
  });

  describe('labels', () => {
    it.each([
      [{ team: 'core' }],
      [{ 'example.com/team': 'core' }],
      [{ 'a.b-c.d/Name_x.y-z': 'V_a.l-1' }],
      [{ empty: '' }],
      [{ ['k'.repeat(63)]: 'v'.repeat(63) }],
      [{ [`${'p'.repeat(253)}/n`]: 'v' }],
      [{ 'komputer.ai/personal-agent': 'true' }],
    ])('accept %j', (labels) => {
      expect(CreateAgentRequestSchema.parse({ ...minimal, labels }).labels).toEqual(labels);
    });

    it.each([
      ['a key with a leading dash', { '-team': 'x' }],
      ['a key with two slashes', { 'a/b/c': 'x' }],
      ['an empty key', { '': 'x' }],
      ['an empty name after the prefix', { 'example.com/': 'x' }],
      ['an uppercase prefix', { 'Example.com/team': 'x' }],
      ['a key name over 63 characters', { ['k'.repeat(64)]: 'x' }],
      ['a prefix over 253 characters', { [`${'p'.repeat(254)}/n`]: 'x' }],
      ['a key with a space', { 'my team': 'x' }],
      ['a value over 63 characters', { team: 'v'.repeat(64) }],
      ['a value with a leading dash', { team: '-core' }],
      ['a value with a space', { team: 'core team' }],
      ['a value that is not a string', { team: 1 }],
    ])('reject %s', (_, labels) => {
      expect(issues(CreateAgentRequestSchema, { ...minimal, labels })[0]?.path).toMatch(/^labels/);
    });

    it('drop a "__proto__" key instead of setting the prototype of the result', () => {
      const labels: unknown = JSON.parse('{"__proto__": {"polluted": "yes"}, "team": "core"}');
      const parsed = CreateAgentRequestSchema.parse({ ...minimal, labels }).labels ?? {};
      expect(parsed).toStrictEqual({ team: 'core' });
      expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
      expect((parsed as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it.each(['komputer.ai/agent', 'komputer.ai/managed-by', 'komputer.ai/personal-agent-2'])(
      'reserve %j under the komputer.ai/ prefix',
      (key) => {
        expect(issues(CreateAgentRequestSchema, { ...minimal, labels: { [key]: 'x' } })).toEqual([
          {
            path: 'labels',
            message:
              'keys under "komputer.ai/" are reserved (only "komputer.ai/personal-agent" is allowed)',
          },
        ]);
      },
    );

    it('accept 64 labels and reject 65', () => {
      const labels = (n: number) =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
      expect(create({ labels: labels(64) }).success).toBe(true);
      expect(issues(CreateAgentRequestSchema, { ...minimal, labels: labels(65) })).toEqual([
        { path: 'labels', message: 'must have at most 64 labels' },
      ]);
    });
  });

  describe('storage', () => {
    it.each(['5Gi', '500Mi', '1', '1.5Ti', '10G', '100k'])('accepts size %j', (size) => {
      expect(create({ storage: { size } }).success).toBe(true);
    });

    it.each(['5GB', 'five', '-1Gi', '5 Gi', '1.Gi'])('rejects size %j', (size) => {
      expect(issues(CreateAgentRequestSchema, { ...minimal, storage: { size } })[0]?.path).toBe(
        'storage.size',
      );
    });

    it('rejects a bad storage class, and drops unknown storage fields', () => {
      expect(create({ storage: { storageClassName: 'Fast_SSD' } }).success).toBe(false);
      expect(create({ storage: { size: '1Gi', iops: 3000 } }).data?.storage).toStrictEqual({
        size: '1Gi',
      });
    });
  });
});

describe('PatchAgentRequestSchema', () => {
  it('accepts an empty patch', () => {
    expect(PatchAgentRequestSchema.parse({})).toStrictEqual({});
  });

  it('accepts every agent setting, and instructions', () => {
    const patch: PatchAgentRequest = {
      instructions: 'Next time, be brief.',
      model: 'claude-opus-4-1',
      systemPrompt: '',
      templateRef: 'default',
      connectors: [],
      memories: ['ns/m'],
      skills: [],
      secretRefs: ['s'],
      labels: { team: 'core' },
      lifecycle: 'AutoDelete',
      priority: 3,
      storage: { size: '1Gi' },
      podSpec: {},
    };
    expect(PatchAgentRequestSchema.parse(patch)).toStrictEqual(patch);
  });

  it.each([
    ['name', 'renamed'],
    ['namespace', 'other'],
    ['role', 'worker'],
    ['officeManager', 'boss'],
    ['unknown', true],
  ])('drops %s, which a patch cannot change, as an unknown field', (field, value) => {
    expect(PatchAgentRequestSchema.parse({ [field]: value, priority: 2 })).toStrictEqual({
      priority: 2,
    });
  });

  it('applies the same field rules as create', () => {
    expect(PatchAgentRequestSchema.safeParse({ instructions: '  ' }).success).toBe(false);
    expect(PatchAgentRequestSchema.safeParse({ labels: { 'komputer.ai/x': 'y' } }).success).toBe(
      false,
    );
    expect(PatchAgentRequestSchema.safeParse({ connectors: ['a', 'a'] }).success).toBe(false);
  });

  it('has no name in its type', () => {
    // @ts-expect-error: a patch cannot rename an agent.
    const patch: PatchAgentRequest = { name: 'renamed' };
    expect(patch).toBeDefined();
  });
});

describe('agent responses', () => {
  const agent: AgentResponse = {
    name: 'researcher',
    namespace: 'default',
    model: 'claude-sonnet-4-6',
    role: 'manager',
    templateRef: 'default',
    status: 'Running',
    taskStatus: 'InProgress',
    taskId: 't-1',
    instructions: 'x',
    connectors: [],
    memories: [],
    skills: [],
    secrets: [],
    labels: {},
    lifecycle: '',
    priority: 0,
    modelContextWindow: 200_000,
    squad: false,
    createdAt: '2026-01-01T00:00:00.000Z',
  };

  it('parses an agent', () => {
    expect(AgentResponseSchema.parse(agent)).toEqual(agent);
  });

  it('requires taskId, created and steered in the create response', () => {
    expect(CreateAgentResponseSchema.safeParse(agent).success).toBe(false);
    expect(
      CreateAgentResponseSchema.safeParse({ ...agent, taskId: 't-2', created: true }).success,
    ).toBe(false);
    expect(
      CreateAgentResponseSchema.parse({ ...agent, taskId: 't-2', created: true, steered: false }),
    ).toMatchObject({ taskId: 't-2', created: true, steered: false });
    expect(
      CreateAgentResponseSchema.parse({
        ...agent,
        taskId: 't-2',
        created: false,
        steered: true,
        steerIndex: 3,
      }),
    ).toMatchObject({ steered: true, steerIndex: 3 });
    const steer = { ...agent, taskId: 't', created: false, steered: true, steerIndex: 0 };
    expect(CreateAgentResponseSchema.safeParse(steer).success).toBe(false);
  });

  it('rejects an unknown status', () => {
    expect(AgentResponseSchema.safeParse({ ...agent, status: 'Done' }).success).toBe(false);
  });

  it('counts exactly Queued, InProgress and Compacting as busy', () => {
    expect([...BUSY_TASK_STATUSES].sort()).toEqual(['Compacting', 'InProgress', 'Queued']);
    for (const status of BUSY_TASK_STATUSES) {
      expect(TaskStatusSchema.options).toContain(status);
    }
  });
});

describe('thinking and the context window', () => {
  it('accepts a thinking budget within the model API’s bounds', () => {
    expect(create({ thinking: { budgetTokens: 1024 } }).success).toBe(true);
    expect(create({ thinking: { budgetTokens: 32_000 } }).success).toBe(true);
  });

  it.each([
    [{ budgetTokens: 1023 }, 'thinking.budgetTokens', /at least 1024/],
    [{ budgetTokens: 32_001 }, 'thinking.budgetTokens', /at most 32000/],
    [{ budgetTokens: 2048.5 }, 'thinking.budgetTokens', /integer/],
    [{ budgetTokens: '4096' }, 'thinking.budgetTokens', /number/],
    [{}, 'thinking.budgetTokens', /number/],
  ])('refuses thinking %j', (thinking, path, message) => {
    expect(issues(CreateAgentRequestSchema, { ...minimal, thinking })).toEqual([
      { path, message: expect.stringMatching(message) },
    ]);
  });

  it('refuses a context window too small for a task or beyond any model', () => {
    expect(create({ modelContextWindow: 8_000 }).success).toBe(true);
    expect(issues(PatchAgentRequestSchema, { modelContextWindow: 100 })).toEqual([
      { path: 'modelContextWindow', message: expect.stringMatching(/at least 4096/) },
    ]);
    expect(issues(PatchAgentRequestSchema, { modelContextWindow: 20_000_000 })).toEqual([
      { path: 'modelContextWindow', message: expect.stringMatching(/at most 10000000/) },
    ]);
  });
});
