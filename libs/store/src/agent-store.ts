import { randomUUID } from 'node:crypto';
import {
  AgentSpecSchema,
  AgentStatusSchema,
  DEFAULT_MODEL,
  DEFAULT_TEMPLATE,
  locateRef,
  MAX_PENDING_STEERS,
  TaskStatusSchema,
  USAGE_RETENTION_DAYS,
} from '@komputer/contracts';
import type {
  AgentSpec,
  AgentStatus,
  ControlMessage,
  NewAgentEvent,
  TaskJob,
  TaskStatus,
} from '@komputer/contracts';
import type { Redis } from 'ioredis';
import { agentMember, agentNamesOf, CLUSTER_SCOPE, taskMember } from './keys';
import type { Keys, RefKind } from './keys';
import { DAY_SECONDS } from './quota-store';
import { fromPairs } from './redis-hash';
import { LuaScript } from './script';
import {
  ADOPT_TASK,
  CLAIM_TASK,
  DELETE_AGENT,
  INDEX_REFS,
  MISSING_REF_ERROR,
  PATCH_AGENT,
  RECORD_EVENT,
  RELEASE_CLAIM,
  REQUEST_CANCEL,
  REQUEST_COMPACTION,
  SET_COMPACTING,
  SLEEP_IDLE,
  START_TASK,
  STEERS_AFTER,
} from './scripts';
import type { TaskQueue } from './task-queue';
import { admittedTasks, decodeTemplate } from './template-store';
import type { TemplateRecord } from './template-store';

/** An agent as stored in Redis. */
export interface AgentRecord {
  name: string;
  namespace: string;
  spec: AgentSpec;
  /** The current task's instructions, or the last task's. */
  instructions: string;
  status: AgentStatus;
  taskStatus: TaskStatus;
  /** The current task, or the last one. */
  taskId: string;
  createdAt: string;
  updatedAt: string;
  completionTime?: string;
  lastTaskMessage?: string;
  lastTaskCostUSD?: string;
  totalCostUSD: string;
  totalTokens: number;
  sessionId?: string;
  /** Set to the task id when a cancel of the running task was asked for. */
  cancelRequested?: string;
  /** Set to the task id while the running task compacts its conversation. */
  compacting?: string;
  /** The scheduler that started the agent's current or last task, and that holds its runtime. */
  scheduler?: string;
  /** The scheduler that the queued task was handed to, until the task starts. */
  handedTo?: string;
  /**
   * Set when the agent is created: it tells this agent from a deleted one of the same name,
   * whose runtime and workspace must never serve it. Absent on agents stored before it existed.
   */
  uid?: string;
  /**
   * While the queued task waits its turn: why. For a slot of its template's cap, or for a
   * scheduler to take it from the task queue.
   */
  queueReason?: string;
  /** While the queued task waits its turn: its place in that line (1 = next). */
  queuePosition?: number;
  /** True while the queued task waits for a slot of its template's cap (not for a scheduler). */
  waitsForSlot?: boolean;
  /** The squad the agent is a member of. */
  squad?: string;
  /**
   * The squad member whose workspace the agent's current or last task runs in (set as the task
   * starts; absent outside a squad).
   */
  squadHome?: string;
  /**
   * The last follow-up task: the one that the steers its task had not taken became, as it ended.
   * When it names the queued task, the reconciler queues a task whose job is missing.
   */
  followUp?: string;
}

/** What `task_started` says of how a task runs, besides its instructions, model and session. */
export interface TaskStartNotes {
  sandbox: 'on' | 'off';
  warning?: string;
}

/** What {@link AgentStore.claim} did. */
export type ClaimResult =
  | { outcome: 'created'; agent: AgentRecord }
  | {
      outcome: 'queued';
      agent: AgentRecord;
      /** The agent's last task, which {@link AgentStore.releaseClaim} restores. */
      previous: { taskStatus: TaskStatus; taskId: string; instructions: string };
      /** The scheduler that took the task from the claim itself; the task needs no job then. */
      handedTo?: string;
    }
  /** The agent was busy: the instructions were added to its task `taskId` as steer `steerIndex`. */
  | { outcome: 'steered'; agent: AgentRecord; taskId: string; steerIndex: number }
  /** The agent was busy with task `taskId`, and the caller asked not to steer it. */
  | { outcome: 'busy'; taskId: string }
  /** The agent was busy with task `taskId`, which has not taken the steers it holds already. */
  | { outcome: 'steersFull'; taskId: string };

/**
 * The template that an agent is to name is stored neither in its namespace nor cluster-wide
 * (checked in the step that writes the agent, so that a template deleted meanwhile is seen).
 */
export class TemplateNotStoredError extends Error {
  constructor(readonly template: string) {
    super(`template "${template}" does not exist`);
  }
}

/**
 * A new agent would take its namespace past its quota's `maxAgents` (checked in the step that
 * creates it, so that concurrent creations cannot pass it together).
 */
export class AgentQuotaError extends Error {
  constructor(
    readonly namespace: string,
    readonly maxAgents: number,
  ) {
    super(
      `namespace "${namespace}" holds ${maxAgents} agents, as many as its quota allows (maxAgents)`,
    );
  }
}

/** What {@link AgentStore.startTask} did. */
export type StartResult =
  | {
      outcome: 'started';
      agent: AgentRecord;
      /** The id of the `task_started` event, when the start announced the task. */
      announcedId?: string;
      /** The agent's template, read in the same step; undefined when none is stored. */
      template?: TemplateRecord;
    }
  | { outcome: 'interrupted'; agent: AgentRecord }
  /** The agent's template caps how many of its agents run tasks: the task waits for a slot. */
  | { outcome: 'waiting'; agent: AgentRecord }
  | { outcome: 'stale' | 'gone' };

/** What {@link AgentStore.adoptTask} did. */
export type AdoptResult =
  | {
      outcome: 'adopted';
      agent: AgentRecord;
      /** The number of the runtime's last event of the task that is stored. */
      eventSeq: number;
      /** The number of the scheduler's own last event of the task that is stored. */
      supervisorSeq: number;
    }
  | { outcome: 'stale' };

/**
 * What {@link AgentStore.sleepIdle} did: `slept`, or why not: the agent is `gone` (or another
 * agent has its name now), is `not-running` (asleep already, or its runtime failed), or is
 * `busy`: a task was claimed since the idle task.
 */
export type SleepResult = 'slept' | 'gone' | 'not-running' | 'busy';

/** What {@link AgentStore.recordEvent} did. */
export type RecordResult =
  | {
      outcome: 'appended';
      id: string;
      /** The follow-up task that the steers a terminal event's task had not taken became. */
      followUp?: string;
    }
  | { outcome: 'duplicate' | 'stale' };

/** One steer of a task, as {@link AgentStore.steersAfter} reads it. */
export interface Steer {
  /** Its number among the agent's steers, from 1. */
  index: number;
  content: string;
}

/** How a task ended, and what it adds to the agent's totals. */
export interface TaskEnd {
  taskStatus: Extract<TaskStatus, 'Complete' | 'Cancelled' | 'Error'>;
  /** Becomes `lastTaskMessage` (truncated). */
  message: string;
  costUsd?: number;
  tokens?: number;
  sessionId?: string;
  /** The agent's runtime status from now on, when the task's end changes it. */
  status?: AgentStatus;
}

/** Options for {@link AgentStore}. */
export interface AgentStoreOptions {
  redis: Redis;
  keys: Keys;
  /** Approximate cap on each agent's event stream (XADD MAXLEN ~). */
  eventsMaxLen: number;
  /**
   * Replicas that must hold a task's claim, its start and each of its events before the write
   * counts as done (Redis `WAIT`), so that a failover to a replica loses none of them. Off by
   * default (`replicas: 0`).
   */
  durability?: Durability;
  /**
   * Wakes the queued jobs of the tasks that a freed slot of a template's cap admits; without it,
   * they wake at their next check.
   */
  queue?: TaskQueue;
  /** Told of every event this store appended (for the metrics). */
  onRecorded?: (recorded: RecordedEvent) => void;
}

/**
 * An event that a store appended: its type and task, the event itself when the caller gave it
 * (not a `task_started` that a start announced), and the task's end when the event ended it.
 */
export interface RecordedEvent {
  type: NewAgentEvent['type'];
  taskId: string;
  event?: NewAgentEvent;
  end?: TaskEnd;
}

/** How many replicas must acknowledge a write, and how long to wait for them. */
export interface Durability {
  replicas: number;
  timeoutMs: number;
  /** Told when fewer replicas than asked acknowledged a write in time; the write stands. */
  onShortfall?: (acknowledged: number) => void;
}

/** How long writes stop waiting for replicas after too few acknowledged one in time. */
const UNREPLICATED_BACKOFF_MS = 5_000;

/** Longest `lastTaskMessage` kept on an agent. */
export const LAST_TASK_MESSAGE_MAX = 256;

const claimScript = new LuaScript(CLAIM_TASK, 10);
const releaseScript = new LuaScript(RELEASE_CLAIM, 6);
const patchScript = new LuaScript(PATCH_AGENT, 4);
const indexRefsScript = new LuaScript(INDEX_REFS, 2);
const startScript = new LuaScript(START_TASK, 4);
const recordScript = new LuaScript(RECORD_EVENT, 4);
const adoptScript = new LuaScript(ADOPT_TASK, 2);
const deleteScript = new LuaScript(DELETE_AGENT, 8);
const steersAfterScript = new LuaScript(STEERS_AFTER, 2);
const requestCancelScript = new LuaScript(REQUEST_CANCEL, 2);
const sleepIdleScript = new LuaScript(SLEEP_IDLE, 1);
const requestCompactionScript = new LuaScript(REQUEST_COMPACTION, 1);
const setCompactingScript = new LuaScript(SET_COMPACTING, 1);

/** Each spec field is its own hash field, so that a PATCH is a single HSET. */
const SPEC_FIELD_PREFIX = 'spec.';

/**
 * Each kind of reference that has a reverse index: the spec field that names it, and where the
 * resources it names live: in the agent's namespace (`local`), in the agent's namespace or the
 * one a "namespace/name" names (`cross`), or in the agent's namespace and cluster-wide (`scoped`:
 * a template, whose delete counts the agents that name it in either place).
 */
const REFS: readonly {
  kind: RefKind;
  field: 'connectors' | 'secretRefs' | 'memories' | 'skills' | 'templateRef';
  where: 'local' | 'cross' | 'scoped';
}[] = [
  { kind: 'connector', field: 'connectors', where: 'local' },
  { kind: 'secret', field: 'secretRefs', where: 'local' },
  { kind: 'memory', field: 'memories', where: 'cross' },
  { kind: 'skill', field: 'skills', where: 'cross' },
  { kind: 'template', field: 'templateRef', where: 'scoped' },
];

/** How often indexing one agent is tried while its references keep changing under it. */
const INDEX_ATTEMPTS = 5;

/** `spec.<field>`/JSON pairs, for HSET; undefined fields are left out. */
function specPairs(spec: Partial<AgentSpec>): string[] {
  return Object.entries(spec).flatMap(([field, value]) =>
    value === undefined ? [] : [`${SPEC_FIELD_PREFIX}${field}`, JSON.stringify(value)],
  );
}

function decodeSpec(hash: Record<string, string>): AgentSpec {
  const spec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(hash)) {
    if (key.startsWith(SPEC_FIELD_PREFIX))
      spec[key.slice(SPEC_FIELD_PREFIX.length)] = JSON.parse(value);
  }
  return AgentSpecSchema.parse(spec);
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // A cut between the two halves of a surrogate pair would reach Redis as U+FFFD.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Where a queued task waits its turn, as {@link AgentStore} reads it. */
interface QueuePlace {
  position: number;
  reason: string;
  forSlot: boolean;
}

/** Why a task waits in the task queue (the template cap's reason is the store's own). */
export const SCHEDULER_WAIT_REASON =
  'waiting in the task queue for a scheduler to take it: every scheduler runs as many tasks as it has slots for';

function decode(hash: Record<string, string>, place?: QueuePlace): AgentRecord | undefined {
  if (!hash['taskStatus']) return undefined;
  const optional = (key: string) => (hash[key] ? { [key]: hash[key] } : {});
  return {
    name: hash['name'] ?? '',
    namespace: hash['namespace'] ?? '',
    spec: decodeSpec(hash),
    instructions: hash['instructions'] ?? '',
    status: AgentStatusSchema.parse(hash['status']),
    taskStatus: TaskStatusSchema.parse(hash['taskStatus']),
    taskId: hash['taskId'] ?? '',
    createdAt: hash['createdAt'] ?? '',
    updatedAt: hash['updatedAt'] ?? '',
    totalCostUSD: hash['totalCostUSD'] ?? '0',
    totalTokens: Number(hash['totalTokens'] ?? 0),
    ...optional('completionTime'),
    ...optional('lastTaskMessage'),
    ...optional('lastTaskCostUSD'),
    ...optional('sessionId'),
    ...optional('cancelRequested'),
    ...optional('compacting'),
    ...optional('scheduler'),
    ...optional('handedTo'),
    ...optional('uid'),
    ...optional('queueReason'),
    ...optional('followUp'),
    ...optional('squad'),
    ...optional('squadHome'),
    ...(place
      ? { queuePosition: place.position, queueReason: place.reason, waitsForSlot: place.forSlot }
      : {}),
  };
}

/**
 * An agent's create or patch named a connector that does not exist (it was deleted at the same
 * moment): nothing was written.
 */
export class MissingConnectorError extends Error {
  override readonly name = 'MissingConnectorError';

  constructor(
    readonly namespace: string,
    readonly connector: string,
  ) {
    super(`connector "${connector}" does not exist in namespace "${namespace}"`);
  }
}

/**
 * The agents that `manager` created and those they created, recursively (not `manager` itself),
 * breadth first and by name within a level: one read per level of the tree, whatever its width.
 * At most `max`; `truncated` says whether there were more. An `officeManager` loop (possible: a
 * name can be given before its agent exists) is read once.
 */
export async function readOfficeMembers(
  redis: Redis,
  keys: Keys,
  namespace: string,
  manager: string,
  max: number,
): Promise<{ members: string[]; truncated: boolean }> {
  const seen = new Set([manager]);
  const members: string[] = [];
  let level = [manager];
  while (level.length > 0) {
    const pipeline = redis.pipeline();
    for (const name of level) pipeline.smembers(keys.reports(namespace, name));
    const next: string[] = [];
    for (const [err, reports] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      for (const name of (reports as string[]).sort()) {
        if (seen.has(name)) continue;
        if (members.length >= max) return { members, truncated: true };
        seen.add(name);
        members.push(name);
        next.push(name);
      }
    }
    level = next;
  }
  return { members, truncated: false };
}

/** Agents in Redis: every state change is one atomic step. */
export class AgentStore {
  private readonly redis: Redis;
  private readonly keys: Keys;
  private readonly eventsMaxLen: number;
  private readonly durability: Durability | undefined;
  /** Until when writes do not wait for replicas, after too few acknowledged one. */
  private unreplicatedUntil = 0;
  private readonly queue: TaskQueue | undefined;
  private readonly onRecorded: ((recorded: RecordedEvent) => void) | undefined;

  constructor(options: AgentStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.eventsMaxLen = options.eventsMaxLen;
    this.durability = options.durability;
    this.queue = options.queue;
    this.onRecorded = options.onRecorded;
  }

  /**
   * Waits, when asked to, until the replicas hold the writes made so far on this connection.
   * `WAIT` follows the write rather than riding with it: a script that Redis has forgotten (a
   * promoted replica has no script cache) is sent again after the first reply, and must be
   * covered too.
   */
  private async replicated(): Promise<void> {
    const durability = this.durability;
    if (!durability || durability.replicas === 0 || Date.now() < this.unreplicatedUntil) return;
    const acknowledged = await this.redis.wait(durability.replicas, durability.timeoutMs);
    if (acknowledged < durability.replicas) {
      // Too few replicas answer (one failed, or a failover left fewer): every write would wait
      // out the timeout, and a task's stream would crawl. Writes go on without waiting for a
      // while; then one waits again, to see whether the replicas are back.
      this.unreplicatedUntil = Date.now() + UNREPLICATED_BACKOFF_MS;
      durability.onShortfall?.(acknowledged);
    }
  }

  /** Reads one agent, or undefined. */
  async get(namespace: string, name: string): Promise<AgentRecord | undefined> {
    const hash = await this.redis.hgetall(this.keys.agent(namespace, name));
    const [position] = await this.queuePositions([hash]);
    return decode(hash, position);
  }

  /**
   * Where each agent's queued task waits its turn: in its template's queue for a slot of the
   * cap, or in the task queue for a scheduler (a task handed to a scheduler straight from its
   * claim waits in neither). Two reads for them all, whatever the number of agents.
   */
  private async queuePositions(
    hashes: readonly Record<string, string>[],
  ): Promise<(QueuePlace | undefined)[]> {
    const places = new Map<Record<string, string>, QueuePlace>();
    // The cap a task waits for: its template's (or squad's), or past it its namespace's quota.
    const waitOf = (h: Record<string, string>) =>
      h['capMember']
        ? { key: h['capKey'], member: h['capMember'] }
        : h['quotaMember']
          ? { key: h['quotaKey'], member: h['quotaMember'] }
          : undefined;
    const forSlot = hashes.filter((h) => waitOf(h)?.key);
    if (forSlot.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const h of forSlot) {
        const wait = waitOf(h) as { key: string; member: string };
        pipeline.zrank(`${wait.key}:waiting`, wait.member);
      }
      for (const [i, [err, rank]] of ((await pipeline.exec()) ?? []).entries()) {
        if (err) throw err;
        const hash = forSlot[i] as Record<string, string>;
        if (typeof rank === 'number' && hash['queueReason']) {
          places.set(hash, { position: rank + 1, reason: hash['queueReason'], forSlot: true });
        }
      }
    }
    const forScheduler = hashes.filter(
      (h) => h['taskStatus'] === 'Queued' && !waitOf(h) && !h['handedTo'] && h['taskId'],
    );
    if (this.queue && forScheduler.length > 0) {
      const positions = await this.queue.waitingPlaces(forScheduler.map((h) => h['taskId'] ?? ''));
      for (const [i, position] of positions.entries()) {
        if (position === undefined) continue;
        const hash = forScheduler[i] as Record<string, string>;
        places.set(hash, { position, reason: SCHEDULER_WAIT_REASON, forSlot: false });
      }
    }
    return hashes.map((h) => places.get(h));
  }

  /** Every agent in a namespace, sorted by name. */
  async list(namespace: string): Promise<AgentRecord[]> {
    const names = (await this.redis.smembers(this.keys.agents(namespace))).sort();
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.hgetall(this.keys.agent(namespace, name));
    const hashes = ((await pipeline.exec()) ?? []).map(([err, hash]) => {
      if (err) throw err;
      return hash as Record<string, string>;
    });
    const positions = await this.queuePositions(hashes);
    const agents: AgentRecord[] = [];
    for (const [i, hash] of hashes.entries()) {
      const agent = decode(hash, positions[i]);
      if (agent) agents.push(agent);
    }
    return agents;
  }

  /** Every namespace that holds an agent. */
  async namespaces(): Promise<string[]> {
    return this.redis.smembers(this.keys.namespaces());
  }

  /** The agents of `names` that exist, in the order of `names`, in one round trip. */
  async getMany(namespace: string, names: readonly string[]): Promise<AgentRecord[]> {
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.hgetall(this.keys.agent(namespace, name));
    const hashes = ((await pipeline.exec()) ?? []).map(([err, hash]) => {
      if (err) throw err;
      return hash as Record<string, string>;
    });
    const positions = await this.queuePositions(hashes);
    return hashes.flatMap((hash, i) => decode(hash, positions[i]) ?? []);
  }

  /** The agents of a namespace that have created agents (each heads an office), sorted. */
  async officeHeads(namespace: string): Promise<string[]> {
    return (await this.redis.smembers(this.keys.officeHeads(namespace))).sort();
  }

  /**
   * The agents that `manager` created and those they created, recursively: see
   * {@link readOfficeMembers}.
   */
  officeMembers(
    namespace: string,
    manager: string,
    max: number,
  ): Promise<{ members: string[]; truncated: boolean }> {
    return readOfficeMembers(this.redis, this.keys, namespace, manager, max);
  }

  /**
   * The agents that name each of the resources `names` of `kind` in `namespace`, in the order
   * of `names`: one reverse index read per resource, whatever the number of agents. Each list
   * holds "name" for an agent in `namespace` and "namespace/name" for one elsewhere, sorted.
   */
  async attachedAgents(
    kind: RefKind,
    namespace: string,
    names: readonly string[],
  ): Promise<string[][]> {
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.smembers(this.keys.attachedAgents(kind, namespace, name));
    return ((await pipeline.exec()) ?? []).map(([err, members]) => {
      if (err) throw err;
      return agentNamesOf(namespace, members as string[]);
    });
  }

  /**
   * Puts the agents stored before the reverse indexes existed into them, once per key prefix (a
   * marker key records it); it reads every agent once. Each agent goes in with one step that
   * checks that its references are still the ones read, so a change made meanwhile is never
   * undone. Returns how many agents it indexed, or undefined when that was done already.
   */
  async buildRefIndexes(): Promise<number | undefined> {
    if (await this.redis.exists(this.keys.refIndexesBuilt())) return undefined;
    let indexed = 0;
    for (const namespace of await this.namespaces()) {
      for (const name of await this.redis.smembers(this.keys.agents(namespace))) {
        if (await this.indexRefs(namespace, name)) indexed += 1;
      }
    }
    await this.redis.set(this.keys.refIndexesBuilt(), new Date().toISOString());
    return indexed;
  }

  /** Puts one agent into the reverse indexes as its spec is now; false when it is gone. */
  private async indexRefs(namespace: string, name: string): Promise<boolean> {
    const key = this.keys.agent(namespace, name);
    const fields = REFS.map(({ field }) => `${SPEC_FIELD_PREFIX}${field}`);
    for (let attempt = 0; attempt < INDEX_ATTEMPTS; attempt++) {
      const values = await this.redis.hmget(key, ...fields);
      const refs: Partial<AgentSpec> = {};
      for (const [i, { field }] of REFS.entries()) {
        if (field === 'templateRef') {
          refs.templateRef = values[i]
            ? AgentSpecSchema.shape.templateRef.parse(JSON.parse(values[i]))
            : DEFAULT_TEMPLATE;
        } else {
          refs[field] = AgentSpecSchema.shape[field].parse(JSON.parse(values[i] ?? '[]'));
        }
      }
      const indexed = await indexRefsScript.run(
        this.redis,
        [key, this.keys.agentRefs(namespace, name)],
        [
          agentMember(namespace, name),
          fields.length,
          ...fields.flatMap((field, i) => [field, values[i] ?? '']),
          ...this.refArgs(namespace, refs),
        ],
      );
      if (indexed !== -1) return indexed === 1;
    }
    throw new Error(`the references of agent ${namespace}/${name} kept changing while indexed`);
  }

  /**
   * The keys of the connectors that `spec` names, which must exist when the agent is written
   * (the scripts' `missingRef`): a connector's delete checks its users in one step too, so that
   * no agent ever names a connector that is gone.
   */
  private requiredArgs(namespace: string, spec: Partial<AgentSpec>): (string | number)[] {
    const keys = (spec.connectors ?? []).map((name) => this.keys.connector(namespace, name));
    return [keys.length, ...keys];
  }

  /** Turns a script's missing-reference error into a {@link MissingConnectorError}. */
  private missingConnector(err: unknown, namespace: string, spec: Partial<AgentSpec>): never {
    const message = err instanceof Error ? err.message : '';
    if (message.startsWith(`${MISSING_REF_ERROR} `)) {
      const key = message.slice(MISSING_REF_ERROR.length + 1);
      const name = spec.connectors?.find((c) => this.keys.connector(namespace, c) === key);
      throw new MissingConnectorError(namespace, name ?? key);
    }
    throw err;
  }

  /**
   * The arguments that move an agent of `namespace` into the reverse indexes of the references
   * that `spec` lists, as the scripts' `replaceRefs` takes them: a kind of reference that `spec`
   * leaves out stays as it is.
   */
  private refArgs(namespace: string, spec: Partial<AgentSpec>): (string | number)[] {
    const groups = REFS.flatMap(({ kind, field, where }) => {
      const named = spec[field];
      if (named === undefined) return [];
      const sets =
        typeof named === 'string'
          ? [namespace, CLUSTER_SCOPE].map((scope) => this.keys.attachedAgents(kind, scope, named))
          : named.map((ref) => {
              const target =
                where === 'cross' ? locateRef(namespace, ref) : { namespace, name: ref };
              return this.keys.attachedAgents(kind, target.namespace, target.name);
            });
      return [[kind, sets.length, ...sets]];
    });
    return [groups.length, ...groups.flat()];
  }

  /**
   * Claims the agent for task `taskId`: creates it with `spec` when it does not exist, queues
   * the task when it is idle, or, when it is busy, adds the instructions to its task as a steer
   * (with `steer`; at most {@link MAX_PENDING_STEERS} wait to be taken) or reports it busy. The
   * busy check and the claim or the steer are one step, so that of concurrent calls for an idle
   * agent exactly one starts a task and the others are its steers, in the order of that step. A
   * claimed task of an existing agent goes to the scheduler that holds the agent's runtime when
   * that scheduler listens (`handedTo`); otherwise the caller queues it.
   */
  async claim(input: {
    namespace: string;
    name: string;
    taskId: string;
    instructions: string;
    spec: AgentSpec;
    now: string;
    /** Steer a busy agent rather than report it busy. Default false. */
    steer?: boolean;
    /** The request's trace, which the task's spans continue. */
    traceparent?: string;
  }): Promise<ClaimResult> {
    // The job that a hand-over carries; the claim puts the agent's uid in front of it.
    const job: Omit<TaskJob, 'agentUid'> = {
      taskId: input.taskId,
      namespace: input.namespace,
      agentName: input.name,
      instructions: input.instructions,
      enqueuedAt: input.now,
      ...(input.traceparent ? { traceparent: input.traceparent } : {}),
    };
    const reply = (await claimScript
      .run(
        this.redis,
        [
          this.keys.agent(input.namespace, input.name),
          this.keys.agents(input.namespace),
          this.keys.namespaces(),
          this.keys.agentRefs(input.namespace, input.name),
          ...this.templateKeys(input.namespace, input.spec.templateRef),
          this.keys.steers(input.namespace, input.name),
          this.keys.reports(input.namespace, input.spec.officeManager ?? ''),
          this.keys.officeHeads(input.namespace),
          this.keys.quota(input.namespace),
        ],
        [
          input.name,
          input.namespace,
          input.taskId,
          input.now,
          input.instructions,
          this.keys.handoverChannel(''),
          randomUUID(),
          JSON.stringify(job),
          agentMember(input.namespace, input.name),
          input.spec.templateRef === DEFAULT_TEMPLATE ? '0' : '1',
          input.steer ? '1' : '0',
          MAX_PENDING_STEERS,
          ...this.requiredArgs(input.namespace, input.spec),
          ...this.refArgs(input.namespace, input.spec),
          ...specPairs(input.spec),
        ],
      )
      .catch((err: unknown) => this.missingConnector(err, input.namespace, input.spec))) as [
      string,
      string,
      string | number,
      string[],
      string?,
      string?,
    ];
    await this.replicated();
    if (reply[0] === 'notemplate') throw new TemplateNotStoredError(input.spec.templateRef);
    if (reply[0] === 'quota') throw new AgentQuotaError(input.namespace, Number(reply[1]));
    if (reply[0] === 'busy') return { outcome: 'busy', taskId: reply[1] };
    if (reply[0] === 'steersfull') return { outcome: 'steersFull', taskId: reply[1] };
    const agent = decode(fromPairs(reply[3]));
    if (!agent) throw new Error(`claim left an unreadable agent ${input.namespace}/${input.name}`);
    if (reply[0] === 'created') return { outcome: 'created', agent };
    if (reply[0] === 'steered') {
      return { outcome: 'steered', agent, taskId: reply[1], steerIndex: Number(reply[2]) };
    }
    return {
      outcome: 'queued',
      agent,
      previous: {
        taskStatus: TaskStatusSchema.parse(reply[1]),
        taskId: String(reply[2]),
        instructions: reply[4] ?? '',
      },
      ...(reply[5] ? { handedTo: reply[5] } : {}),
    };
  }

  /** Undoes a claim whose task never reached the queue. */
  async releaseClaim(input: {
    namespace: string;
    name: string;
    taskId: string;
    claim: ClaimResult;
  }): Promise<void> {
    const previous = input.claim.outcome === 'queued' ? input.claim.previous : undefined;
    await releaseScript.run(
      this.redis,
      [
        this.keys.agent(input.namespace, input.name),
        this.keys.agents(input.namespace),
        this.keys.namespaces(),
        this.keys.agentRefs(input.namespace, input.name),
        this.keys.steers(input.namespace, input.name),
        this.keys.officeHeads(input.namespace),
      ],
      [
        input.name,
        input.namespace,
        input.taskId,
        previous?.taskStatus ?? '',
        previous?.taskId ?? '',
        previous?.instructions ?? '',
        agentMember(input.namespace, input.name),
      ],
    );
  }

  /**
   * Sets some of the agent's spec fields (and its instructions, when given), and moves it
   * between the reverse indexes of the references that change, in one step. Returns the agent
   * as it is afterwards, or undefined when it does not exist; throws
   * {@link TemplateNotStoredError} when a new `templateRef` names no stored template.
   */
  async patch(
    namespace: string,
    name: string,
    changes: Partial<AgentSpec>,
    instructions?: string,
  ): Promise<AgentRecord | undefined> {
    const template = changes.templateRef ?? DEFAULT_TEMPLATE;
    const reply = (await patchScript
      .run(
        this.redis,
        [
          this.keys.agent(namespace, name),
          this.keys.agentRefs(namespace, name),
          ...this.templateKeys(namespace, template),
        ],
        [
          new Date().toISOString(),
          instructions === undefined ? '0' : '1',
          instructions ?? '',
          agentMember(namespace, name),
          template === DEFAULT_TEMPLATE ? '0' : '1',
          ...this.requiredArgs(namespace, changes),
          ...this.refArgs(namespace, changes),
          ...specPairs(changes),
        ],
      )
      .catch((err: unknown) => this.missingConnector(err, namespace, changes))) as
      string[] | string | null;
    if (reply === 'notemplate') throw new TemplateNotStoredError(template);
    return Array.isArray(reply) ? decode(fromPairs(reply)) : undefined;
  }

  /** The keys of the template `name` in the namespace and cluster-wide. */
  private templateKeys(namespace: string, name: string): [string, string] {
    return [this.keys.template(namespace, name), this.keys.template(CLUSTER_SCOPE, name)];
  }

  /**
   * Whether the agent's task `taskId` holds a slot of each cap it passes (its template's, its
   * namespace quota's) and waits for none.
   */
  async holdsSlot(namespace: string, name: string, taskId: string): Promise<boolean> {
    const key = this.keys.agent(namespace, name);
    const [capKey, capMember, quotaKey, quotaMember] = await this.redis.hmget(
      key,
      'capKey',
      'capMember',
      'quotaKey',
      'quotaMember',
    );
    if (capMember || quotaMember) return false;
    const caps = [capKey, quotaKey].filter((k): k is string => k !== null);
    if (caps.length === 0) return false;
    const holders = await Promise.all(caps.map((cap) => this.redis.hget(`${cap}:slots`, key)));
    return holders.every((holder) => holder === taskId);
  }

  /** Wakes the jobs of the tasks that a script admitted; one that stays asleep wakes by itself. */
  private async wake(admitted: readonly string[] | undefined): Promise<void> {
    const ids = admittedTasks(admitted);
    if (ids.length > 0 && this.queue) await this.queue.wake(ids);
  }

  /**
   * Starts the agent's queued task `taskId` and adds it to the task set of `scheduler`, the
   * scheduler that runs it (the agent's next task is handed to it). `interrupted` means that
   * another start began it already (the agent's `scheduler` says whose): it cannot be resumed
   * here. A start repeated with the same `token` (its first reply was lost) is `started` again,
   * without an announcement. With `announce` (the task's runtime is ready to take it), the
   * task's `task_started` event is appended in the same step, with the agent's model and
   * `announce`'s fields.
   */
  async startTask(input: {
    namespace: string;
    name: string;
    taskId: string;
    scheduler: string;
    /**
     * Names this attempt at running the task; a repeat of the same write passes it again.
     * Default: a new one, so the start is never taken for a repeat.
     */
    token?: string;
    announce?: { instructions: string; resumingSession: boolean; notes?: TaskStartNotes };
  }): Promise<StartResult> {
    const { announce } = input;
    // task_started's payload without its model, which only the script reads: it goes between.
    const head = announce
      ? `${JSON.stringify({
          instructions: announce.instructions,
          resuming_session: announce.resumingSession,
          ...announce.notes,
        }).slice(0, -1)},"model":`
      : '';
    const reply = (await startScript.run(
      this.redis,
      [
        this.keys.agent(input.namespace, input.name),
        this.keys.events(input.namespace, input.name),
        this.keys.schedulerTasks(input.scheduler),
        this.keys.quota(input.namespace),
      ],
      [
        input.taskId,
        new Date().toISOString(),
        input.scheduler,
        this.eventsMaxLen,
        taskMember(input.namespace, input.name, input.taskId),
        head,
        '}',
        input.token ?? randomUUID(),
        this.keys.template(input.namespace, ''),
        this.keys.template(CLUSTER_SCOPE, ''),
        JSON.stringify(DEFAULT_MODEL),
      ],
    )) as [string, string[]?, (string | string[])?, string[]?, string[]?];
    await this.replicated();
    const agent = reply[1] ? decode(fromPairs(reply[1])) : undefined;
    if (reply[0] === 'started' && agent) {
      if (reply[2]) this.onRecorded?.({ type: 'task_started', taskId: input.taskId });
      await this.wake(reply[4]);
      const template = reply[3] ? decodeTemplate(fromPairs(reply[3])) : undefined;
      return {
        outcome: 'started',
        agent,
        ...(reply[2] ? { announcedId: reply[2] as string } : {}),
        ...(template ? { template } : {}),
      };
    }
    if (reply[0] === 'waiting' && agent) {
      await this.wake(reply[2] as string[]);
      return { outcome: 'waiting', agent };
    }
    if (reply[0] === 'interrupted' && agent) return { outcome: 'interrupted', agent };
    return { outcome: reply[0] === 'gone' ? 'gone' : 'stale' };
  }

  /**
   * Makes `scheduler` the one that runs the agent's task `taskId`, which was in progress under
   * `from`, a scheduler that stopped, while its runtime went on: the new scheduler attached to
   * it. Of two schedulers that try, one adopts the task; `stale` means it is no longer in
   * progress under `from` (it ended, or another adopted it). The answer says which events of
   * the task are stored, so that the runtime sends again only those after them.
   */
  async adoptTask(input: {
    namespace: string;
    name: string;
    taskId: string;
    from: string;
    scheduler: string;
  }): Promise<AdoptResult> {
    const reply = (await adoptScript.run(
      this.redis,
      [this.keys.agent(input.namespace, input.name), this.keys.schedulerTasks(input.scheduler)],
      [
        input.taskId,
        input.from,
        input.scheduler,
        taskMember(input.namespace, input.name, input.taskId),
        new Date().toISOString(),
      ],
    )) as [string, string[]?];
    const hash = reply[1] ? fromPairs(reply[1]) : undefined;
    const agent = hash && decode(hash);
    if (reply[0] !== 'adopted' || !hash || !agent) return { outcome: 'stale' };
    return {
      outcome: 'adopted',
      agent,
      eventSeq: Number(hash['eventSeq'] ?? 0),
      supervisorSeq: Number(hash['supervisorSeq'] ?? 0),
    };
  }

  /**
   * Appends an event of the agent's busy task, once per `seq`, and when `terminal` is given
   * ends the task with it, in one step. `stale` means the task is no longer the agent's busy one.
   * A `user_message` with a `steer_index` drops the steers up to it from the agent's list. The
   * steers that an ended task had not taken become the agent's next task (`followUp`), which is
   * handed to the agent's scheduler or else queued here; should that fail, the reconciler queues
   * it.
   */
  async recordEvent(input: {
    namespace: string;
    name: string;
    event: NewAgentEvent;
    /**
     * The event's number within its task; an event without one is not deduplicated. The
     * runtime and the scheduler number their events apart (`numberedBy`, default the runtime).
     */
    seq?: number;
    numberedBy?: 'runtime' | 'supervisor';
    requiredStatus?: Extract<TaskStatus, 'Queued' | 'InProgress'>;
    terminal?: TaskEnd;
  }): Promise<RecordResult> {
    const { event, terminal } = input;
    const steerIndex = event.type === 'user_message' ? event.payload.steer_index : undefined;
    const now = new Date().toISOString();
    const reply = (await recordScript.run(
      this.redis,
      [
        this.keys.agent(input.namespace, input.name),
        this.keys.events(input.namespace, input.name),
        this.keys.steers(input.namespace, input.name),
        this.keys.usage(input.namespace, now.slice(0, 10)),
      ],
      [
        event.taskId,
        input.requiredStatus ?? '',
        input.seq ?? '',
        input.numberedBy === 'supervisor' ? 'supervisorSeq' : 'eventSeq',
        this.eventsMaxLen,
        event.type,
        event.timestamp,
        JSON.stringify(event.payload),
        now,
        terminal?.taskStatus ?? '',
        truncate(terminal?.message ?? '', LAST_TASK_MESSAGE_MAX),
        terminal?.costUsd ?? '',
        terminal?.tokens ?? '',
        terminal?.sessionId ?? '',
        terminal?.status ?? '',
        steerIndex ?? '',
        randomUUID(),
        this.keys.handoverChannel(''),
        input.namespace,
        input.name,
        USAGE_RETENTION_DAYS * DAY_SECONDS,
      ],
    )) as [string, string?, string[]?, string[]?];
    await this.replicated();
    if (reply[0] === 'appended' && reply[1]) {
      this.onRecorded?.({
        type: event.type,
        taskId: event.taskId,
        event,
        ...(terminal ? { end: terminal } : {}),
      });
      await this.wake(reply[2]);
      const [taskId, instructions, handedTo, uid] = reply[3] ?? [];
      if (taskId === undefined || instructions === undefined) {
        return { outcome: 'appended', id: reply[1] };
      }
      if (!handedTo) {
        await this.queue
          ?.enqueue({
            taskId,
            namespace: input.namespace,
            agentName: input.name,
            instructions,
            enqueuedAt: new Date().toISOString(),
            ...(uid ? { agentUid: uid } : {}),
          })
          // The follow-up is stored; the reconciler queues it, as its `followUp` says.
          .catch(() => undefined);
      }
      return { outcome: 'appended', id: reply[1], followUp: taskId };
    }
    return { outcome: reply[0] === 'duplicate' ? 'duplicate' : 'stale' };
  }

  /**
   * The steers of the agent's running task `taskId` after the one numbered `after`, oldest
   * first, as many as fit in `maxBytes` of content (always at least one); none when `taskId` is
   * not the agent's running task.
   */
  async steersAfter(input: {
    namespace: string;
    name: string;
    taskId: string;
    after: number;
    maxBytes: number;
  }): Promise<Steer[]> {
    const reply = (await steersAfterScript.run(
      this.redis,
      [this.keys.agent(input.namespace, input.name), this.keys.steers(input.namespace, input.name)],
      [input.taskId, input.after, input.maxBytes],
    )) as [number?, ...string[]];
    const [first, ...contents] = reply;
    if (first === undefined) return [];
    return contents.map((content, i) => ({ index: first + i, content }));
  }

  /**
   * Ends the agent's task `taskId` with a terminal status and its terminal event, in one step.
   * Returns the event id, or undefined when `taskId` is not the agent's busy task (or not in
   * `requiredStatus`).
   */
  async finishTask(input: {
    namespace: string;
    name: string;
    taskId: string;
    taskStatus: TaskEnd['taskStatus'];
    message: string;
    event: NewAgentEvent;
    requiredStatus?: Extract<TaskStatus, 'Queued' | 'InProgress'>;
  }): Promise<string | undefined> {
    const result = await this.recordEvent({
      namespace: input.namespace,
      name: input.name,
      event: { ...input.event, taskId: input.taskId },
      ...(input.requiredStatus ? { requiredStatus: input.requiredStatus } : {}),
      terminal: { taskStatus: input.taskStatus, message: input.message },
    });
    return result.outcome === 'appended' ? result.id : undefined;
  }

  /** Takes an ended task out of the task set of the scheduler that ran it. */
  async forgetTask(scheduler: string, namespace: string, name: string, taskId: string) {
    await this.redis.srem(this.keys.schedulerTasks(scheduler), taskMember(namespace, name, taskId));
  }

  /** The task whose cancel was asked for on the agent, if any. */
  async cancelRequested(namespace: string, name: string): Promise<string | undefined> {
    return (
      (await this.redis.hget(this.keys.agent(namespace, name), 'cancelRequested')) ?? undefined
    );
  }

  /**
   * Flags the task `taskId` for cancellation. False when it is not the agent's task or has
   * already ended.
   */
  async requestCancel(namespace: string, name: string, taskId: string): Promise<boolean> {
    return (
      (await requestCancelScript.run(
        this.redis,
        [this.keys.agent(namespace, name), this.keys.controlChannel()],
        [
          taskId,
          JSON.stringify({ type: 'cancel', namespace, name, taskId } satisfies ControlMessage),
        ],
      )) === 1
    );
  }

  /**
   * Asks the agent's queued or running task to compact its conversation at its next turn
   * boundary. Returns the task's id, or undefined when the agent has no such task.
   */
  async requestCompaction(
    namespace: string,
    name: string,
    instructions: string | undefined,
  ): Promise<string | undefined> {
    const taskId = (await requestCompactionScript.run(
      this.redis,
      [this.keys.agent(namespace, name)],
      [instructions ?? ''],
    )) as string | null;
    return taskId ?? undefined;
  }

  /**
   * The compaction asked of the agent's task `taskId`, with its guidance, if one is asked for
   * and not yet done.
   */
  async compactionRequested(
    namespace: string,
    name: string,
    taskId: string,
  ): Promise<{ instructions?: string } | undefined> {
    const [requested, instructions] = await this.redis.hmget(
      this.keys.agent(namespace, name),
      'compactRequested',
      'compactInstructions',
    );
    if (requested !== taskId) return undefined;
    return instructions ? { instructions } : {};
  }

  /**
   * Marks the agent's running task `taskId` as compacting its conversation, or no longer; false
   * when it is not the agent's running task. Its `compaction` event, or its end, ends it too.
   */
  async setCompacting(
    namespace: string,
    name: string,
    taskId: string,
    active: boolean,
  ): Promise<boolean> {
    return (
      (await setCompactingScript.run(
        this.redis,
        [this.keys.agent(namespace, name)],
        [taskId, active ? '1' : '0'],
      )) === 1
    );
  }

  /**
   * Puts the agent of `uid` to sleep (its status becomes `Sleeping`) if it is `Running` and
   * idle since `idleTask`, its last task, which has ended: no task has been claimed since. The
   * check and the change are one step. The caller stops its runtime.
   */
  async sleepIdle(
    namespace: string,
    name: string,
    options: { uid: string; idleTask: string },
  ): Promise<SleepResult> {
    const reply = await sleepIdleScript.run(
      this.redis,
      [this.keys.agent(namespace, name)],
      [options.idleTask, options.uid, new Date().toISOString()],
    );
    return reply === 1 ? 'slept' : reply === -1 ? 'not-running' : reply === -2 ? 'busy' : 'gone';
  }

  /**
   * Puts the agent to sleep on request, as {@link sleepIdle} does (only while it is idle since
   * its last task), and tells the schedulers to stop its runtime.
   */
  async sleep(
    namespace: string,
    name: string,
    options: { uid: string; idleTask: string },
  ): Promise<SleepResult> {
    const outcome = await this.sleepIdle(namespace, name, options);
    if (outcome === 'slept') {
      const message: ControlMessage = {
        type: 'sleep',
        namespace,
        name,
        ...(options.uid ? { uid: options.uid } : {}),
        idleTask: options.idleTask,
      };
      await this.redis.publish(this.keys.controlChannel(), JSON.stringify(message));
    }
    return outcome;
  }

  /**
   * Deletes the agent's record, events, index entries and reverse index entries, and tells the
   * schedulers to stop its runtime and remove its workspace. With `uid`, only the agent of that
   * uid is deleted (an agent created again under its name is left alone); without it, whichever
   * agent has the name now. With `idleTask`, only while the agent is idle since that task, its
   * last, which has ended: a task claimed since keeps it. False when nothing was deleted.
   */
  async delete(
    namespace: string,
    name: string,
    uid?: string,
    options: { idleTask?: string } = {},
  ): Promise<boolean> {
    const key = this.keys.agent(namespace, name);
    // More than a couple of rounds would take a name being created again and again.
    for (let attempt = 1; ; attempt++) {
      const expected = uid ?? (await this.redis.hget(key, 'uid')) ?? '';
      const message: ControlMessage = {
        type: 'delete',
        namespace,
        name,
        ...(expected ? { uid: expected } : {}),
      };
      const [removed, admitted] = (await deleteScript.run(
        this.redis,
        [
          key,
          this.keys.agents(namespace),
          this.keys.events(namespace, name),
          this.keys.namespaces(),
          this.keys.controlChannel(),
          this.keys.agentRefs(namespace, name),
          this.keys.steers(namespace, name),
          this.keys.officeHeads(namespace),
        ],
        [
          name,
          namespace,
          expected,
          JSON.stringify(message),
          agentMember(namespace, name),
          options.idleTask ?? '',
          new Date().toISOString(),
        ],
      )) as [number, string[]?];
      await this.wake(admitted);
      // Another agent took the name between the read and the delete: delete that one.
      if (removed === -1 && uid === undefined && attempt < 3) continue;
      return removed === 1;
    }
  }
}
