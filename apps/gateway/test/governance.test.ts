import { createLogger, parseConfig, SECURITY_HEADERS } from '@komputer/service-kit';
import { AgentStore, createKeys } from '@komputer/store';
import { eventually } from '@komputer/testing';
import { GatewayConfigSchema } from '../src/config';
import { createGateway } from '../src/gateway';
import type { Gateway } from '../src/gateway';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

const keys = createKeys('komputer');
const today = () => new Date().toISOString().slice(0, 10);

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ KOMPUTER_AUDIT_RETENTION_DAYS: '1' });
});
afterAll(() => t.close());

describe('security headers', () => {
  it('are on every answer of the gateway and the connector-registry, errors included', async () => {
    const answers = await Promise.all([
      fetch(`${t.url}/healthz`),
      fetch(`${t.api}/agents`),
      fetch(`${t.api}/agents/nobody`),
      fetch(`${t.url}/no/such/route`),
      fetch(`${t.registry.url}/healthz`),
      fetch(`${t.registry.url}/api/v1/secrets`),
    ]);
    for (const res of answers) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect([res.url, name, res.headers.get(name)]).toEqual([res.url, name, value]);
      }
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('keeps CORS closed by default: no origin is allowed', async () => {
    const res = await fetch(`${t.api}/agents`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limit', () => {
  const BURST = 10;
  const RATE = 0.5;
  let limited: TestGateway;
  let replica: Gateway;
  let replicaUrl: string;

  beforeAll(async () => {
    const env = {
      KOMPUTER_RATE_LIMIT_PER_SECOND: String(RATE),
      KOMPUTER_RATE_LIMIT_BURST: String(BURST),
    };
    limited = await startTestGateway(env);
    // A second replica of the gateway on the same Redis, as a deployment scales it.
    replica = createGateway(
      parseConfig(GatewayConfigSchema, {
        PORT: '0',
        HOST: '127.0.0.1',
        REDIS_URL: limited.redisServer.url,
        KOMPUTER_REGISTRY_URL: limited.registry.url,
        // API keys are off, as in the harness: the callers are told apart by their address.
        KOMPUTER_AUTH: 'off',
        ...env,
      }),
      createLogger({ name: 'replica', level: 'silent' }),
    );
    replicaUrl = await replica.listen();
  });
  afterAll(async () => {
    await replica.close();
    await limited.close();
  });

  it('holds one bucket per caller across two gateway replicas', async () => {
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 3 * BURST }, (_x, i) =>
        fetch(`${i % 2 === 0 ? limited.url : replicaUrl}/api/v1/agents`),
      ),
    );
    const elapsed = (Date.now() - started) / 1000;
    const admitted = answers.filter((res) => res.status === 200);
    const refused = answers.filter((res) => res.status === 429);
    expect(admitted.length + refused.length).toBe(answers.length);
    // Both replicas took from the one bucket: no more than it holds, and what refilled meanwhile.
    expect(admitted.length).toBeGreaterThanOrEqual(BURST);
    expect(admitted.length).toBeLessThanOrEqual(BURST + Math.ceil(elapsed * RATE));
    const ok = admitted[0] as Response;
    expect(ok.headers.get('ratelimit-policy')).toBe(`"caller";q=${BURST};w=${BURST / RATE}`);
    expect(ok.headers.get('ratelimit')).toMatch(/^"caller";r=\d+;t=\d+$/);
    const no = refused[0] as Response;
    expect(Number(no.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(no.headers.get('ratelimit')).toMatch(/^"caller";r=0;t=\d+$/);
    expect(await no.json()).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
  });

  it('never limits health, readiness, metrics or the OpenAPI document', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/api/v1/openapi.json']) {
      const res = await fetch(`${replicaUrl}${path}`);
      expect([path, res.status]).toEqual([path, 200]);
    }
  });
});

describe('namespace quotas', () => {
  it('reads and sets a quota; a bad one is a 400', async () => {
    const empty = await call('GET', `${t.api}/namespaces/quiet/quota`);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ namespace: 'quiet', agents: 0, runningTasks: 0 });
    expect(empty.body.maxAgents).toBeUndefined();
    const bad = await call('PUT', `${t.api}/namespaces/quiet/quota`, { maxRunningTasks: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^body\.maxRunningTasks: /);
    const set = await call('PUT', `${t.api}/namespaces/quiet/quota`, {
      maxAgents: 3,
      monthlyBudgetUsd: 12.5,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      maxAgents: 3,
      monthlyBudgetUsd: 12.5,
      month: today().slice(0, 7),
    });
    // PUT replaces: a cap left out is lifted.
    const lifted = await call('PUT', `${t.api}/namespaces/quiet/quota`, { maxAgents: 4 });
    expect(lifted.body.monthlyBudgetUsd).toBeUndefined();
  });

  it('refuses an agent past maxAgents with 403 QUOTA_EXCEEDED, and still tasks the ones it has', async () => {
    const ns = 'capped';
    await call('PUT', `${t.api}/namespaces/${ns}/quota`, { maxAgents: 2 });
    const created = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) =>
        call('POST', `${t.api}/agents?namespace=${ns}`, { name, instructions: 'hi' }),
      ),
    );
    // Concurrent creations cannot pass the cap together: the check and the create are one step.
    expect(created.map((r) => r.status).sort()).toEqual([201, 201, 403, 403]);
    const refused = created.find((r) => r.status === 403);
    expect(refused?.body).toMatchObject({ code: 'QUOTA_EXCEEDED', retryable: false });
    expect(refused?.body.error).toContain('maxAgents');
    const quota = await call('GET', `${t.api}/namespaces/${ns}/quota`);
    expect(quota.body.agents).toBe(2);
    const admitted = created.find((r) => r.status === 201);
    const again = await call('POST', `${t.api}/agents?namespace=${ns}`, {
      name: admitted?.body.name,
      instructions: 'more',
    });
    expect(again.status).toBe(201);
  });

  it('refuses a task once the month’s budget is spent with 402 BUDGET_EXCEEDED', async () => {
    const ns = 'broke';
    await call('PUT', `${t.api}/namespaces/${ns}/quota`, { monthlyBudgetUsd: 0 });
    const res = await call('POST', `${t.api}/agents?namespace=${ns}`, {
      name: 'spender',
      instructions: 'spend',
    });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({
      code: 'BUDGET_EXCEEDED',
      type: 'billing_error',
      retryable: false,
    });
    expect(res.body.error).toContain('monthly budget of $0');
    expect((await call('GET', `${t.api}/agents/spender?namespace=${ns}`)).status).toBe(404);
  });
});

describe('usage', () => {
  it('totals the tasks that ended per namespace and per agent over a range of days', async () => {
    const ns = 'metered';
    const store = new AgentStore({ redis: t.redis, keys, eventsMaxLen: 1_000 });
    const costs = { ada: [0.25, 0.5], bob: [1] };
    for (const [name, spent] of Object.entries(costs)) {
      for (const costUsd of spent) {
        const claim = await call('POST', `${t.api}/agents?namespace=${ns}`, {
          name,
          instructions: 'work',
        });
        const { taskId } = claim.body as { taskId: string };
        await store.startTask({ namespace: ns, name, taskId, scheduler: 's' });
        const ended = await store.recordEvent({
          namespace: ns,
          name,
          event: {
            type: 'task_completed',
            taskId,
            timestamp: new Date().toISOString(),
            payload: {
              result: 'done',
              cost_usd: costUsd,
              duration_ms: 1,
              turns: 1,
              stop_reason: 'end_turn',
              session_id: 's',
              usage: { input_tokens: 100, output_tokens: 10 },
              model: 'claude-sonnet-4-6',
            },
          },
          terminal: { taskStatus: 'Complete', message: 'done', costUsd, tokens: 110 },
        });
        expect(ended.outcome).toBe('appended');
      }
    }
    const day = today();
    const usage = await call(
      'GET',
      `${t.api}/usage?namespace=${ns}&from=${day}&to=${day}T23:59:59Z`,
    );
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ namespace: ns, from: day, to: day, tokens: 330, tasks: 3 });
    expect(usage.body.costUsd).toBeCloseTo(1.75);
    expect(usage.body.agents).toEqual([
      { name: 'ada', costUsd: 0.75, tokens: 220, tasks: 2 },
      { name: 'bob', costUsd: 1, tokens: 110, tasks: 1 },
    ]);
    const quota = await call('GET', `${t.api}/namespaces/${ns}/quota`);
    expect(quota.body.spentUsd).toBeCloseTo(1.75);
    // Every day's usage expires once past its retention.
    expect(await t.redis.ttl(keys.usage(ns, day))).toBeGreaterThan(399 * 86_400);

    const before = await call(
      'GET',
      `${t.api}/usage?namespace=${ns}&from=2020-01-01&to=2020-01-31`,
    );
    expect(before.body).toMatchObject({ costUsd: 0, tokens: 0, tasks: 0, agents: [] });
    const backwards = await call('GET', `${t.api}/usage?from=${day}&to=2020-01-01`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error).toMatch(/^query\.from: /);
    const bad = await call('GET', `${t.api}/usage?from=yesterday`);
    expect(bad.status).toBe(400);
  });
});

describe('audit trail', () => {
  const ns = 'audited';

  it('records each state-changing call with who, what, status, when and request id; never a body', async () => {
    const secretValue = 'do-not-log-this-value';
    await call(
      'POST',
      `${t.api}/agents?namespace=${ns}`,
      { name: 'worker', instructions: 'go' },
      { 'x-request-id': 'req-create-1' },
    );
    await call(
      'PUT',
      `${t.api}/namespaces/${ns}/quota`,
      { maxAgents: 9 },
      { 'x-request-id': 'req-quota' },
    );
    // Forwarded to the connector-registry, and audited here all the same.
    await call(
      'POST',
      `${t.api}/secrets?namespace=${ns}`,
      { name: 'token', data: { TOKEN: secretValue } },
      { 'x-request-id': 'req-secret' },
    );
    await call('DELETE', `${t.api}/agents/nobody?namespace=${ns}`, undefined, {
      'x-request-id': 'req-missing',
    });
    await call('GET', `${t.api}/agents?namespace=${ns}`);

    let records: { requestId: string }[] = [];
    await eventually(async () => {
      records = (await call('GET', `${t.api}/audit?namespace=${ns}`)).body.records;
      return records.length === 4;
    }, 'four audit records');
    expect(records).toEqual([
      expect.objectContaining({
        actor: 'anonymous',
        operationId: 'createAgent',
        method: 'POST',
        path: '/api/v1/agents',
        status: 201,
        requestId: 'req-create-1',
      }),
      expect.objectContaining({
        operationId: 'putNamespaceQuota',
        method: 'PUT',
        path: `/api/v1/namespaces/${ns}/quota`,
        status: 200,
        requestId: 'req-quota',
      }),
      expect.objectContaining({
        operationId: 'createSecret',
        status: 201,
        requestId: 'req-secret',
      }),
      expect.objectContaining({
        operationId: 'deleteAgent',
        status: 404,
        requestId: 'req-missing',
      }),
    ]);
    const raw = JSON.stringify(await t.redis.xrange(keys.audit(ns), '-', '+'));
    expect(raw).not.toContain(secretValue);

    // Pages, oldest first, and a time range.
    const first = await call('GET', `${t.api}/audit?namespace=${ns}&limit=3`);
    expect(first.body.records).toHaveLength(3);
    const rest = await call(
      'GET',
      `${t.api}/audit?namespace=${ns}&limit=3&after=${first.body.next}`,
    );
    expect(rest.body.records.map((r: { requestId: string }) => r.requestId)).toEqual([
      'req-missing',
    ]);
    expect(rest.body.next).toBeUndefined();
    const future = await call('GET', `${t.api}/audit?namespace=${ns}&since=2999-01-01T00:00:00Z`);
    expect(future.body.records).toEqual([]);
    const past = await call('GET', `${t.api}/audit?namespace=${ns}&until=2020-01-01T00:00:00Z`);
    expect(past.body.records).toEqual([]);
  });

  it('trims records older than KOMPUTER_AUDIT_RETENTION_DAYS', async () => {
    const old = Date.now() - 2 * 86_400_000;
    await t.redis.xadd(keys.audit('trimmed'), `${old}-0`, 'operationId', 'createAgent');
    await call('POST', `${t.api}/agents?namespace=trimmed`, { name: 'x', instructions: 'y' });
    await eventually(
      async () => (await t.redis.xlen(keys.audit('trimmed'))) === 1,
      'the old record trimmed',
    );
    const [[, fields] = ['', []]] = await t.redis.xrange(keys.audit('trimmed'), '-', '+');
    expect(fields).toContain('createAgent');
    expect(fields).toContain('/api/v1/agents');
  });
});
