import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t.close();
});

const post = (body: unknown, query = '') => call('POST', `${t.api}/agents${query}`, body);
const compact = (name: string, body?: unknown, query = '') =>
  call('POST', `${t.api}/agents/${name}/compact${query}`, body);

describe('POST /agents/:name/compact', () => {
  it('asks the busy task to compact, with the guidance, and answers as the reference does', async () => {
    const created = await post({ name: 'long-talker', instructions: 'Talk.' });

    const res = await compact('long-talker', { instructions: 'Keep the numbers.' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'compacting',
      name: 'long-talker',
      namespace: 'default',
      taskId: created.body.taskId,
    });
    const key = 'komputer:default:agent:long-talker';
    expect(await t.redis.hmget(key, 'compactRequested', 'compactInstructions')).toEqual([
      created.body.taskId,
      'Keep the numbers.',
    ]);
  });

  it('takes a request without a body, as the reference’s body is optional', async () => {
    const created = await post({ name: 'no-body', instructions: 'Talk.' }, '?namespace=c-ns');

    const res = await compact('no-body', undefined, '?namespace=c-ns');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ taskId: created.body.taskId, namespace: 'c-ns' });
    expect(await t.redis.hget('komputer:c-ns:agent:no-body', 'compactInstructions')).toBe('');
  });

  it('answers 409 when no task runs, and 404 for an unknown agent', async () => {
    await post({ name: 'idle-one', instructions: 'x' });
    expect((await call('POST', `${t.api}/agents/idle-one/cancel`)).status).toBe(200);

    const idle = await compact('idle-one', {});

    expect(idle.status).toBe(409);
    expect(idle.body).toMatchObject({
      code: 'NO_ACTIVE_TASK',
      error: expect.stringMatching(/no queued or running task/),
    });
    expect(await t.redis.hget('komputer:default:agent:idle-one', 'compactRequested')).toBeNull();
    const ghost = await compact('ghost', {});
    expect(ghost.status).toBe(404);
  });

  it('refuses bad guidance with a 400 that says why', async () => {
    await post({ name: 'picky', instructions: 'x' });
    const wrongType = await compact('picky', { instructions: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toMatch(/instructions/);
    const tooLong = await compact('picky', { instructions: 'x'.repeat(10_001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatch(/instructions/);
    const notJson = await call('POST', `${t.api}/agents/picky/compact`, 'text', {
      'content-type': 'text/plain',
    });
    expect(notJson.status).toBe(415);
  });

  it('shows taskStatus Compacting while the running task compacts', async () => {
    const created = await post({ name: 'squeezed', instructions: 'x' });
    const key = 'komputer:default:agent:squeezed';
    // As the store marks it when the runtime starts to compact its running task.
    await t.redis.hset(key, 'taskStatus', 'InProgress', 'compacting', created.body.taskId);
    expect((await call('GET', `${t.api}/agents/squeezed`)).body.taskStatus).toBe('Compacting');
    // A mark of an earlier task means nothing.
    await t.redis.hset(key, 'compacting', 'an-earlier-task');
    expect((await call('GET', `${t.api}/agents/squeezed`)).body.taskStatus).toBe('InProgress');
  });
});

describe('modelContextWindow and thinking', () => {
  it('shows the model’s context window, or the agent’s own', async () => {
    const plain = await post({ name: 'plain', instructions: 'x' });
    expect(plain.body.modelContextWindow).toBe(200_000);
    expect(plain.body.thinking).toBeUndefined();

    const own = await post({
      name: 'own-window',
      instructions: 'x',
      model: 'proxy-model',
      modelContextWindow: 32_000,
      thinking: { budgetTokens: 4096 },
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({
      modelContextWindow: 32_000,
      thinking: { budgetTokens: 4096 },
    });
    const patched = await call('PATCH', `${t.api}/agents/own-window`, {
      thinking: { budgetTokens: 2048 },
      modelContextWindow: 64_000,
    });
    expect(patched.body).toMatchObject({
      modelContextWindow: 64_000,
      thinking: { budgetTokens: 2048 },
    });
    const listed = await call('GET', `${t.api}/agents`);
    expect(listed.body.agents.find((a: { name: string }) => a.name === 'own-window')).toMatchObject(
      { modelContextWindow: 64_000 },
    );
  });

  it('refuses a thinking budget or a context window out of bounds, with a 400', async () => {
    for (const thinking of [{ budgetTokens: 100 }, { budgetTokens: 1_000_000 }, { budget: 2048 }]) {
      const res = await post({ name: 'overthinker', instructions: 'x', thinking });
      expect({ thinking, status: res.status }).toEqual({ thinking, status: 400 });
      expect(res.body.error).toMatch(/thinking/);
    }
    const small = await post({ name: 'tiny-window', instructions: 'x', modelContextWindow: 10 });
    expect(small.status).toBe(400);
    expect(small.body.error).toMatch(/modelContextWindow/);
    expect((await call('GET', `${t.api}/agents/overthinker`)).status).toBe(404);
  });

  it('gives a template’s thinking to its agents’ tasks, and shows it', async () => {
    const res = await call('POST', `${t.api}/templates`, {
      name: 'deep',
      thinking: { budgetTokens: 8000 },
    });
    expect(res.status).toBe(201);
    expect(res.body.thinking).toEqual({ budgetTokens: 8000 });
    const bad = await call('PATCH', `${t.api}/templates/deep`, { thinking: { budgetTokens: 5 } });
    expect(bad.status).toBe(400);
  });
});
