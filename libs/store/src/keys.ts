/** The kinds of resource that an agent names in its spec, each with a reverse index. */
export type RefKind = 'connector' | 'secret' | 'memory' | 'skill' | 'template';

/**
 * The scope under which cluster-wide templates are kept, in place of a namespace: namespaces are
 * DNS labels, so none can be called this.
 */
export const CLUSTER_SCOPE = '_cluster';

/**
 * Every Redis key komputer uses, in one place. Keys are scoped by a global prefix
 * (`KOMPUTER_REDIS_PREFIX`) and then by namespace.
 */
export interface Keys {
  /** Hash: one agent's spec and status. */
  agent(namespace: string, name: string): string;
  /** Set: the names of the agents in a namespace. */
  agents(namespace: string): string;
  /** Stream: one agent's events. */
  events(namespace: string, name: string): string;
  /**
   * List: the steers of one agent's busy task that it has not taken yet, oldest first (each the
   * instructions of a POST that found the agent busy); bounded by `MAX_PENDING_STEERS`.
   */
  steers(namespace: string, name: string): string;
  /**
   * Hash: one tool call's approval (its call, `status`, the decision). Beside it,
   * `<key>:decision` (list): the decision, pushed once, which its supervisor's `BLPOP` waits for.
   */
  approval(namespace: string, id: string): string;
  /** Sorted set: the pending approvals of one agent's tasks, by id, scored by when they expire. */
  approvals(namespace: string, name: string): string;
  /** Hash: one secret's encrypted data and its key names. */
  secret(namespace: string, name: string): string;
  /** Set: the names of the secrets in a namespace. */
  secrets(namespace: string): string;
  /** Hash: one connector's settings. */
  connector(namespace: string, name: string): string;
  /** Set: the names of the connectors in a namespace. */
  connectors(namespace: string): string;
  /** String with a time to live: one connector's tool list as JSON, as its server last gave it. */
  connectorTools(namespace: string, name: string): string;
  /** Hash: one connector's health (`reachable`, `lastError`, `checkedAt`), as last seen. */
  connectorHealth(namespace: string, name: string): string;
  /** Hash: an OAuth connector's client, authorization server, sealed tokens and status. */
  connectorOAuth(namespace: string, name: string): string;
  /** String with a time to live: one pending OAuth consent, deleted when it is used. */
  oauthState(namespace: string, id: string): string;
  /** Hash: one memory's content and description. */
  memory(namespace: string, name: string): string;
  /** Set: the names of the memories in a namespace. */
  memories(namespace: string): string;
  /** Hash: one skill's content and description. */
  skill(namespace: string, name: string): string;
  /** Set: the names of the skills in a namespace. */
  skills(namespace: string): string;
  /**
   * Hash: one template's settings (`spec.<field>`, JSON values), in a namespace or under
   * {@link CLUSTER_SCOPE}. Beside it, with its key as their prefix, live the state of its
   * `maxConcurrentAgents` cap: `<key>:slots` (hash: agent key → the task that holds a slot) and
   * `<key>:waiting` (sorted set: the tasks waiting for one, by priority then age).
   */
  template(scope: string, name: string): string;
  /** Set: the names of the templates in a namespace or under {@link CLUSTER_SCOPE}. */
  templates(scope: string): string;
  /**
   * Hash: one schedule's settings (`spec`, JSON), its timestamps and its run state (counts, the
   * last run and its outcome). Its BullMQ job scheduler, on the `schedules` queue, fires it.
   */
  schedule(namespace: string, name: string): string;
  /** List: one schedule's most recent runs, as JSON, newest first (bounded). */
  scheduleRuns(namespace: string, name: string): string;
  /** Set: the names of the schedules in a namespace. */
  schedules(namespace: string): string;
  /**
   * Set: the templates that keep a warm pool (`warmPoolSize` above 0), as
   * {@link templateMember}s, so that the kubernetes driver finds them without reading every
   * namespace. It changes in the same step as the template.
   */
  warmPools(): string;
  /**
   * Set: the agents that name the resource `name` of `kind` in `namespace` in their spec, as
   * {@link agentMember}s, so that they are counted without reading every agent. It changes in
   * the same step as the agent, and outlives the resource: its agents still name it.
   */
  attachedAgents(kind: RefKind, namespace: string, name: string): string;
  /**
   * Hash: the {@link Keys.attachedAgents} sets that one agent is in, each mapped to its kind,
   * so that a change of the agent's references leaves the old sets without decoding its spec.
   */
  agentRefs(namespace: string, name: string): string;
  /** String: present once the agents stored before the reverse indexes are in them. */
  refIndexesBuilt(): string;
  /** Set: every namespace that holds an agent. */
  namespaces(): string;
  /**
   * Set: the agents whose `officeManager` is `manager` (its direct reports), so that an office
   * is read without scanning every agent. It changes in the same step as the agent's create or
   * delete; the agent's `officeKey` field names the set it is in.
   */
  reports(namespace: string, manager: string): string;
  /** Set: the agents of a namespace that have at least one report (heads of offices). */
  officeHeads(namespace: string): string;
  /**
   * Hash: one squad's settings and state (`orphanTTL`, `breakUpRequested`, `orphanedSince`,
   * `home`), and `spec.maxConcurrentAgents` = 1: the squad is the cap that runs one of its
   * members' tasks at a time. Beside it, with its key as their prefix: `<key>:members` (set of
   * agent names), `<key>:slots` and `<key>:waiting` (the cap's state, as a template's).
   */
  squad(namespace: string, name: string): string;
  /** Set: the names of the squads in a namespace. */
  squads(namespace: string): string;
  /**
   * List: the tasks that one manager task (`taskId`) gave to its sub-agents, as JSON, oldest
   * first, so that a scheduler that adopts the manager's task knows them; it expires once the
   * task can no longer run.
   */
  subTasks(namespace: string, taskId: string): string;
  /** Set: every squad, as `<namespace>/<name>`, for the reconciler's timed clean-ups. */
  allSquads(): string;
  /**
   * Hash: one API key (`name`, `namespaces` as JSON, `level`, `hash`: the SHA-256 of its secret,
   * `generation`: how often its secret was replaced, `createdAt`, `rotatedAt`). Keys are not in a
   * namespace: they name the namespaces they reach.
   */
  apiKey(id: string): string;
  /** Set: the ids of every API key. */
  apiKeys(): string;
  /** String with a time to live: one stream ticket's key and generation, deleted when it is used. */
  authTicket(ticket: string): string;
  /** Pub/sub channel: the id of each API key revoked or rotated, so its streams end at once. */
  apiKeyChanges(): string;
  /**
   * Hash: a namespace's quota (`maxAgents`, `monthlyBudgetUsd`, `updatedAt`), and its
   * `maxRunningTasks` as `spec.maxConcurrentAgents` with its `capReason`: the quota is a cap
   * that every task of the namespace passes, as a template's, whose state lives beside it
   * (`<key>:slots`, `<key>:waiting`).
   */
  quota(namespace: string): string;
  /**
   * Hash: what a namespace's tasks that ended on one day (UTC, `YYYY-MM-DD`) used: `costUsd`,
   * `tokens`, `tasks`, and each agent's as `agent:<name>:<field>`; it expires after
   * `USAGE_RETENTION_DAYS`.
   */
  usage(namespace: string, day: string): string;
  /** Stream: a namespace's audit trail, one entry per state-changing call, trimmed by age. */
  audit(namespace: string): string;
  /** Hash: one caller's token bucket (`tokens`, `at`), shared by every gateway. */
  rateLimit(caller: string): string;
  /** Prefix for BullMQ's own keys. */
  bullPrefix(): string;
  /** Pub/sub channel: what schedulers must act on, as JSON control messages (`ControlMessageSchema`). */
  controlChannel(): string;
  /** Pub/sub channel: the tasks handed straight to one scheduler, each as a JSON task job. */
  handoverChannel(scheduler: string): string;
  /** String with a time to live: present while the scheduler `scheduler` runs. */
  schedulerAlive(scheduler: string): string;
  /**
   * Set: every scheduler that has started and not stopped cleanly, so that the tasks of one that
   * died are found without reading every agent.
   */
  schedulers(): string;
  /**
   * Set: the tasks that the scheduler `scheduler` has taken, as {@link taskMember}s. A member
   * may outlive its task; readers check the agent.
   */
  schedulerTasks(scheduler: string): string;
  /**
   * Prefix of the wake-up streams of the relay `instance`'s readers of `namespace`'s event
   * streams (each reader appends its number): in that namespace's slot when tagged, since one
   * XREAD reads them together.
   */
  relayWake(instance: string, namespace: string): string;
  /**
   * Whether the keys carry hash tags (a Redis Cluster): the scripts then touch one namespace's
   * slot each, and the steps that also change a key of no namespace make that change apart.
   */
  readonly hashTags: boolean;
}

/** An agent in a {@link Keys.attachedAgents} set: `<namespace>/<name>` (names hold no "/"). */
export function agentMember(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * The agents of {@link Keys.attachedAgents} members, sorted: by name for those of `namespace`,
 * as "namespace/name" for the others.
 */
export function agentNamesOf(namespace: string, members: readonly string[]): string[] {
  const local = agentMember(namespace, '');
  return members
    .map((member) => (member.startsWith(local) ? member.slice(local.length) : member))
    .sort();
}

/** A template in the {@link Keys.warmPools} set: `<scope>/<name>` (names hold no "/"). */
export function templateMember(scope: string, name: string): string {
  return `${scope}/${name}`;
}

/** A task in a scheduler's task set: `<namespace>/<agent>/<taskId>` (names hold no "/"). */
export function taskMember(namespace: string, name: string, taskId: string): string {
  return `${namespace}/${name}/${taskId}`;
}

/** The task that a {@link taskMember} names, or undefined for a malformed member. */
export function parseTaskMember(
  member: string,
): { namespace: string; name: string; taskId: string } | undefined {
  const [namespace, name, taskId, ...rest] = member.split('/');
  if (!namespace || !name || !taskId || rest.length > 0) return undefined;
  return { namespace, name, taskId };
}

/** Options for {@link createKeys}. */
export interface KeysOptions {
  /**
   * Put each namespace in a hash tag (`<prefix>:{<namespace>}:...`), and the keys of no
   * namespace in tags of their own, for a Redis Cluster: every key that one script touches is
   * then in one slot, and namespaces spread across the shards. Default false: a single Redis
   * keeps the layout it always had, so that no stored key moves.
   */
  hashTags?: boolean;
}

/** The hash tag of the keys that belong to no namespace (no namespace can be called this). */
const GLOBAL_TAG = '_global';

/** Builds the key scheme for a prefix. */
export function createKeys(prefix: string, options: KeysOptions = {}): Keys {
  const tagged = options.hashTags === true;
  // A namespace's (or the cluster scope's) segment, and the segment of the keys of none.
  const space = (ns: string) => (tagged ? `${prefix}:{${ns}}` : `${prefix}:${ns}`);
  const global = tagged ? `${prefix}:{${GLOBAL_TAG}}` : prefix;
  return {
    agent: (ns, name) => `${space(ns)}:agent:${name}`,
    agents: (ns) => `${space(ns)}:agents`,
    events: (ns, name) => `${space(ns)}:events:${name}`,
    steers: (ns, name) => `${space(ns)}:steers:${name}`,
    approval: (ns, id) => `${space(ns)}:approval:${id}`,
    approvals: (ns, name) => `${space(ns)}:approvals:${name}`,
    secret: (ns, name) => `${space(ns)}:secret:${name}`,
    secrets: (ns) => `${space(ns)}:secrets`,
    connector: (ns, name) => `${space(ns)}:connector:${name}`,
    connectors: (ns) => `${space(ns)}:connectors`,
    connectorTools: (ns, name) => `${space(ns)}:connector-tools:${name}`,
    connectorHealth: (ns, name) => `${space(ns)}:connector-health:${name}`,
    connectorOAuth: (ns, name) => `${space(ns)}:connector:${name}:oauth`,
    oauthState: (ns, id) => `${space(ns)}:oauth-state:${id}`,
    memory: (ns, name) => `${space(ns)}:memory:${name}`,
    memories: (ns) => `${space(ns)}:memories`,
    skill: (ns, name) => `${space(ns)}:skill:${name}`,
    skills: (ns) => `${space(ns)}:skills`,
    template: (scope, name) => `${space(scope)}:template:${name}`,
    templates: (scope) => `${space(scope)}:templates`,
    schedule: (ns, name) => `${space(ns)}:schedule:${name}`,
    scheduleRuns: (ns, name) => `${space(ns)}:schedule:${name}:runs`,
    schedules: (ns) => `${space(ns)}:schedules`,
    warmPools: () => `${global}:warm-pools`,
    attachedAgents: (kind, ns, name) => `${space(ns)}:${kind}:${name}:agents`,
    agentRefs: (ns, name) => `${space(ns)}:agent:${name}:refs`,
    // Named anew when a kind of reference joins the indexes, so that the next reconciler builds them.
    refIndexesBuilt: () => `${global}:ref-indexes:templates`,
    namespaces: () => `${global}:namespaces`,
    reports: (ns, manager) => `${space(ns)}:reports:${manager}`,
    officeHeads: (ns) => `${space(ns)}:office-heads`,
    squad: (ns, name) => `${space(ns)}:squad:${name}`,
    squads: (ns) => `${space(ns)}:squads`,
    subTasks: (ns, taskId) => `${space(ns)}:sub-tasks:${taskId}`,
    allSquads: () => `${global}:squads`,
    apiKey: (id) => `${global}:api-key:${id}`,
    apiKeys: () => `${global}:api-keys`,
    authTicket: (ticket) => `${global}:auth-ticket:${ticket}`,
    apiKeyChanges: () => `${global}:api-key-changes`,
    quota: (ns) => `${space(ns)}:quota`,
    usage: (ns, day) => `${space(ns)}:usage:${day}`,
    audit: (ns) => `${space(ns)}:audit`,
    // Each caller's bucket is one key that its script alone touches: a tag of its own, so that
    // the callers spread across the shards.
    rateLimit: (caller) =>
      tagged ? `${prefix}:{rate-limit:${caller}}` : `${prefix}:rate-limit:${caller}`,
    // BullMQ keeps each queue's keys together (its scripts touch several): one tag for them.
    bullPrefix: () => (tagged ? `${prefix}:{_bull}` : `${prefix}:bull`),
    controlChannel: () => `${global}:control`,
    handoverChannel: (scheduler) => `${global}:handover:${scheduler}`,
    schedulerAlive: (scheduler) => `${global}:scheduler:${scheduler}`,
    schedulers: () => `${global}:schedulers`,
    schedulerTasks: (scheduler) => `${global}:scheduler:${scheduler}:tasks`,
    relayWake: (instance, ns) => `${tagged ? space(ns) : prefix}:relay:${instance}:wake`,
    hashTags: tagged,
  };
}
