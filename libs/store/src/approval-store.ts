import { randomUUID } from 'node:crypto';
import { ApprovalDeciderSchema } from '@komputer/contracts';
import type { Approval, ApprovalDecider, ApprovalStatus } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import { LuaScript } from './script';

/** How long an approval is kept once it expires: a late answer finds it and gets 409, not 404. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Decides or closes a pending approval, in one step, on Redis's clock: a decision pushed on the
 * `:decision` list, the approval out of its agent's pending set. An approval past its expiry
 * takes no decision (its supervisor is closing it, or died). Answers `{'missing'}`,
 * `{'closed', status}` or `{'done', status}`.
 *
 * KEYS: approval hash, its decision list, the agent's pending set.
 * ARGV: new status, reason, decider (JSON), approval id, whether the expiry applies ('1'),
 * how long to keep it (ms).
 */
const CLOSE_APPROVAL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'pending' then return {'closed', status} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if ARGV[5] == '1' and now >= tonumber(redis.call('HGET', KEYS[1], 'expiresMs')) then
  return {'closed', 'expired'}
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decidedMs', now)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'reason', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'decidedBy', ARGV[3]) end
redis.call('ZREM', KEYS[3], ARGV[4])
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return {'done', ARGV[1]}
`;
const closeScript = new LuaScript(CLOSE_APPROVAL, 3);

/** What {@link ApprovalStore.decide} did. */
export type DecideResult =
  | { outcome: 'decided'; approval: Approval }
  | { outcome: 'closed'; status: ApprovalStatus }
  | { outcome: 'missing' };

/** A new approval: the tool call that waits, and for how long. */
export interface NewApproval {
  namespace: string;
  agent: string;
  taskId: string;
  toolUseId: string;
  tool: string;
  input: unknown;
  timeoutMs: number;
}

/** Options for {@link ApprovalStore}. */
export interface ApprovalStoreOptions {
  redis: Redis;
  keys: Keys;
}

const iso = (ms: string | undefined) => new Date(Number(ms ?? 0)).toISOString();

function decodeApproval(hash: Record<string, string>): Approval | undefined {
  if (!hash['id']) return undefined;
  const decider = hash['decidedBy']
    ? ApprovalDeciderSchema.safeParse(JSON.parse(hash['decidedBy']))
    : undefined;
  return {
    id: hash['id'],
    agentName: hash['agentName'] ?? '',
    namespace: hash['namespace'] ?? '',
    taskId: hash['taskId'] ?? '',
    toolUseId: hash['toolUseId'] ?? '',
    tool: hash['tool'] ?? '',
    input: JSON.parse(hash['input'] ?? 'null'),
    status: (hash['status'] ?? 'pending') as ApprovalStatus,
    requestedAt: iso(hash['requestedMs']),
    expiresAt: iso(hash['expiresMs']),
    ...(hash['decidedMs'] ? { decidedAt: iso(hash['decidedMs']) } : {}),
    ...(decider?.success ? { decidedBy: decider.data } : {}),
    ...(hash['reason'] ? { reason: hash['reason'] } : {}),
  };
}

/**
 * Approvals of tool calls: a hash each, a set of the pending ones per agent, and a decision list
 * per approval that its supervisor blocks on. The decision is stored before it is pushed, in one
 * step, so a supervisor that was not waiting at that moment (it reconnected) still finds it.
 */
export class ApprovalStore {
  constructor(private readonly options: ApprovalStoreOptions) {}

  /** Stores a pending approval, which expires `timeoutMs` from now. */
  async create(request: NewApproval): Promise<Approval> {
    const { redis, keys } = this.options;
    const id = randomUUID();
    const now = Date.now();
    const expiresMs = now + request.timeoutMs;
    const key = keys.approval(request.namespace, id);
    const pending = keys.approvals(request.namespace, request.agent);
    const fields = {
      id,
      namespace: request.namespace,
      agentName: request.agent,
      taskId: request.taskId,
      toolUseId: request.toolUseId,
      tool: request.tool,
      input: JSON.stringify(request.input ?? null),
      status: 'pending',
      requestedMs: String(now),
      expiresMs: String(expiresMs),
    };
    await redis
      .multi()
      .hset(key, fields)
      .pexpire(key, request.timeoutMs + KEEP_MS)
      .zadd(pending, expiresMs, id)
      // The set outlives no approval of it; an agent deleted meanwhile leaves nothing behind.
      .pexpire(pending, request.timeoutMs + KEEP_MS, 'GT')
      .pexpire(pending, request.timeoutMs + KEEP_MS, 'NX')
      .exec();
    return decodeApproval(fields) as Approval;
  }

  /** One approval, whatever its status; undefined when there is none (or no longer). */
  async get(namespace: string, id: string): Promise<Approval | undefined> {
    const hash = await this.options.redis.hgetall(this.options.keys.approval(namespace, id));
    return decodeApproval(hash);
  }

  /** The pending approvals of the agents named, not expired, oldest first. */
  async pending(namespace: string, agents: readonly string[]): Promise<Approval[]> {
    const { redis, keys } = this.options;
    const now = Date.now();
    const idsOf = redis.pipeline();
    for (const agent of agents) idsOf.zrangebyscore(keys.approvals(namespace, agent), now, '+inf');
    const ids = ((await idsOf.exec()) ?? []).flatMap(([, reply]) => (reply as string[]) ?? []);
    if (ids.length === 0) return [];
    const read = redis.pipeline();
    for (const id of ids) read.hgetall(keys.approval(namespace, id));
    return ((await read.exec()) ?? [])
      .flatMap(([, hash]) => decodeApproval(hash as Record<string, string>) ?? [])
      .filter((approval) => approval.status === 'pending')
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  /** Approves or denies a pending approval that has not expired. */
  async decide(
    namespace: string,
    approval: Approval,
    decision: { status: 'approved' | 'denied'; reason?: string; decidedBy: ApprovalDecider },
  ): Promise<DecideResult> {
    const reply = await this.close(namespace, approval, decision.status, {
      reason: decision.reason,
      decidedBy: decision.decidedBy,
      beforeExpiry: true,
    });
    if (reply[0] === 'missing') return { outcome: 'missing' };
    if (reply[0] === 'closed') return { outcome: 'closed', status: reply[1] as ApprovalStatus };
    const decided = await this.get(namespace, approval.id);
    return decided ? { outcome: 'decided', approval: decided } : { outcome: 'missing' };
  }

  /**
   * Ends a pending approval that got no decision (`expired`, or `cancelled` with its task), and
   * resolves with the approval as it stands: decided, should the decision have come first.
   */
  async settle(
    namespace: string,
    approval: Approval,
    status: 'expired' | 'cancelled',
  ): Promise<Approval | undefined> {
    await this.close(namespace, approval, status, { beforeExpiry: false });
    return this.get(namespace, approval.id);
  }

  private async close(
    namespace: string,
    approval: Approval,
    status: ApprovalStatus,
    options: { reason?: string | undefined; decidedBy?: ApprovalDecider; beforeExpiry: boolean },
  ): Promise<string[]> {
    const { redis, keys } = this.options;
    const key = keys.approval(namespace, approval.id);
    return (await closeScript.run(
      redis,
      [key, `${key}:decision`, keys.approvals(namespace, approval.agentName)],
      [
        status,
        options.reason ?? '',
        options.decidedBy ? JSON.stringify(options.decidedBy) : '',
        approval.id,
        options.beforeExpiry ? '1' : '0',
        KEEP_MS,
      ],
    )) as string[];
  }

  /**
   * Waits until the approval is decided, at most `timeoutMs`: a `BLPOP` on its decision list,
   * on a connection of its own that the wait closes and that `signal` cuts. Resolves whether a
   * decision came.
   */
  async waitForDecision(
    namespace: string,
    id: string,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    signal.throwIfAborted();
    const reader = this.options.redis.duplicate({
      lazyConnect: true,
      commandTimeout: timeoutMs + 10_000,
    });
    const onAbort = () => reader.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await reader.connect();
      const key = `${this.options.keys.approval(namespace, id)}:decision`;
      // BLPOP takes seconds, with decimals. The hash holds the decision; the list only wakes.
      const reply = await reader.blpop(key, Math.max(timeoutMs, 1) / 1000);
      return reply !== null;
    } catch (err) {
      signal.throwIfAborted();
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      reader.disconnect();
    }
  }
}
