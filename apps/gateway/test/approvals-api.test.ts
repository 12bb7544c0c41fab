import { ApprovalStore, createKeys } from '@komputer/store';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// The decider of an approval is the caller that the authentication hook let through: an API
// key's id, never a name the body claims.
let t: TestGateway;
let approvals: ApprovalStore;
beforeAll(async () => {
  t = await startTestGateway(
    {},
    {
      authenticate: () => ({
        kind: 'key',
        keyId: 'key_ops',
        namespaces: '*',
        level: 'write',
        generation: 1,
      }),
    },
  );
  approvals = new ApprovalStore({ redis: t.redis, keys: createKeys('komputer') });
});
afterAll(() => t.close());

const api = (path: string) => `${t.api}${path}`;

it('records the key that decided, and lists only what is still pending', async () => {
  expect((await call('POST', api('/agents'), { name: 'keyed', instructions: 'Go.' })).status).toBe(
    201,
  );
  const approval = await approvals.create({
    namespace: 'default',
    agent: 'keyed',
    taskId: 't1',
    toolUseId: 'toolu_1',
    tool: 'Bash',
    input: { command: 'git push' },
    timeoutMs: 60_000,
  });
  const listed = await call('GET', api('/agents/keyed/approvals'));
  expect(listed.body.approvals.map((a: { id: string }) => a.id)).toEqual([approval.id]);
  const decided = await call('POST', api(`/agents/keyed/approvals/${approval.id}`), {
    decision: 'approve',
    decidedBy: { kind: 'key', keyId: 'someone-else' },
  });
  expect(decided.status).toBe(200);
  expect(decided.body).toMatchObject({
    status: 'approved',
    decidedBy: { kind: 'key', keyId: 'key_ops' },
  });
  expect((await call('GET', api('/agents/keyed/approvals'))).body).toEqual({ approvals: [] });
  expect((await call('GET', api('/agents/nobody/approvals'))).status).toBe(404);
  const badId = await call('POST', api('/agents/keyed/approvals/not-a-uuid'), {
    decision: 'approve',
  });
  expect(badId.status).toBe(400);
  expect(badId.body.error).toMatch(/^path\.id: must be an approval id/);
});
