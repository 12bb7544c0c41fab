import type { Redis } from 'ioredis';
import { ApprovalStore, createKeys } from '../src';
import type { Keys } from '../src';
import { RedisFixture } from './harness';

const NS = 'default';
const fixture = new RedisFixture();
let redis: Redis;
let keys: Keys;
let approvals: ApprovalStore;

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());

beforeEach(() => {
  keys = createKeys(fixture.uniquePrefix());
  approvals = new ApprovalStore({ redis, keys });
});

const request = (agent: string, timeoutMs = 60_000) =>
  approvals.create({
    namespace: NS,
    agent,
    taskId: 't1',
    toolUseId: 'toolu_1',
    tool: 'Bash',
    input: { command: 'rm -rf build' },
    timeoutMs,
  });
const anyone = { kind: 'anonymous' } as const;

describe('ApprovalStore', () => {
  it('finds a decision made before the wait began: nothing is lost between the two', async () => {
    const approval = await request('a');
    const decided = await approvals.decide(NS, approval, {
      status: 'approved',
      reason: 'ok',
      decidedBy: { kind: 'key', keyId: 'k1' },
    });
    expect(decided).toMatchObject({
      outcome: 'decided',
      approval: { status: 'approved', reason: 'ok', decidedBy: { kind: 'key', keyId: 'k1' } },
    });
    const started = Date.now();
    expect(
      await approvals.waitForDecision(NS, approval.id, 10_000, new AbortController().signal),
    ).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await approvals.pending(NS, ['a'])).toEqual([]);
  });

  it('wakes a waiting supervisor as the decision comes', async () => {
    const approval = await request('a');
    const waiting = approvals.waitForDecision(
      NS,
      approval.id,
      20_000,
      new AbortController().signal,
    );
    expect((await approvals.pending(NS, ['a'])).map((a) => a.id)).toEqual([approval.id]);
    await approvals.decide(NS, approval, { status: 'denied', decidedBy: anyone });
    expect(await waiting).toBe(true);
    expect((await approvals.get(NS, approval.id))?.status).toBe('denied');
  });

  it('decides once: a second decision, or one after the expiry, is refused', async () => {
    const approval = await request('a');
    await approvals.decide(NS, approval, { status: 'approved', decidedBy: anyone });
    expect(await approvals.decide(NS, approval, { status: 'denied', decidedBy: anyone })).toEqual({
      outcome: 'closed',
      status: 'approved',
    });
    const short = await request('b', 50);
    expect(await approvals.waitForDecision(NS, short.id, 50, new AbortController().signal)).toBe(
      false,
    );
    expect(await approvals.decide(NS, short, { status: 'approved', decidedBy: anyone })).toEqual({
      outcome: 'closed',
      status: 'expired',
    });
    expect((await approvals.settle(NS, short, 'expired'))?.status).toBe('expired');
    expect(await approvals.decide(NS, short, { status: 'approved', decidedBy: anyone })).toEqual({
      outcome: 'closed',
      status: 'expired',
    });
  });

  it('keeps a decision that came before the expiry was settled', async () => {
    const approval = await request('a');
    await approvals.decide(NS, approval, { status: 'approved', decidedBy: anyone });
    expect((await approvals.settle(NS, approval, 'expired'))?.status).toBe('approved');
  });

  it('stops waiting at once when the wait is aborted, and closes no connection but its own', async () => {
    const approval = await request('a');
    const abort = new AbortController();
    const waiting = approvals.waitForDecision(NS, approval.id, 60_000, abort.signal);
    abort.abort('cancelled by request');
    await expect(waiting).rejects.toBe('cancelled by request');
    expect(await redis.ping()).toBe('PONG');
  });
});
