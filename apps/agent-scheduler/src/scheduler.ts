import { randomUUID } from 'node:crypto';
import { ControlMessageSchema, MAX_SQUAD_MEMBERS } from '@komputer/contracts';
import type { ControlMessage } from '@komputer/contracts';
import { AgentService, ScheduleService, SquadService, TemplateService } from '@komputer/agents';
import {
  createReferenceChecker,
  createRegistries,
  parseSecretKey,
  skillResponses,
  TaskTokenSigner,
} from '@komputer/connectors';
import {
  closeRedis,
  createHealth,
  createMetrics,
  createRedis,
  writeDurability,
  DEFAULT_REDIS_URL,
  waitForRedis,
} from '@komputer/service-kit';
import type { Health, Logger, Metrics } from '@komputer/service-kit';
import { PlatformTools, TaskWaits } from '@komputer/platform-tools';
import {
  AgentStore,
  ApprovalStore,
  createKeys,
  EventStore,
  QuotaStore,
  ScheduleQueue,
  ScheduleStore,
  SquadStore,
  TaskQueue,
  TemplateStore,
} from '@komputer/store';
import type { SchedulerConfig } from './config';
import { TaskIntake } from './intake';
import { LifetimeEnforcer } from './lifetimes';
import { Liveness } from './liveness';
import { ModelProxy } from './model-proxy';
import { Reconciler } from './reconciler';
import type { RuntimeDriver } from './runtime-driver';
import { ScheduleWorker } from './schedule-worker';
import { SchedulerMetrics } from './scheduler-metrics';
import { TaskRunner } from './task-runner';
import { TaskTokens } from './task-tokens';
import { warmPoolTarget } from './task-settings';

/** How long start-up waits for Redis before going on without it. */
const REDIS_STARTUP_WAIT_MS = 5_000;

/** How long running tasks may go on after shutdown begins. */
const STOP_GRACE_MS = 5_000;

/** How often the task sets of schedulers that died are looked at. */
const SWEEP_INTERVAL_MS = 2_000;

/**
 * A composed scheduler: the queue's worker, the runtime driver, the reconciler, and the model
 * proxy through which its runtimes call the model.
 */
export interface Scheduler {
  /** This scheduler's id, unique to the process: tasks it starts are recorded as its own. */
  id: string;
  driver: RuntimeDriver;
  reconciler: Reconciler;
  /** Holds the model API key; runtimes call it with their task's token. Listens once started. */
  modelProxy: ModelProxy;
  /**
   * Liveness and readiness, for probes: ready once it takes tasks, while Redis answers and its
   * runtimes can sandbox what agents run.
   */
  health: Health;
  /** Its metrics, served on its status port: tasks, the queue, runtimes, model usage, events. */
  metrics: Metrics;
  /**
   * How many tasks the queue's worker may run at once now: the slots that the tasks handed
   * straight to this scheduler leave (at least one).
   */
  readonly queueSlots: number;
  /** Starts the model proxy, then takes tasks after one reconciliation pass. */
  start(): Promise<void>;
  /** Stops taking tasks, lets running ones end (up to the shutdown deadline), stops runtimes. Idempotent. */
  close(): Promise<void>;
}

/**
 * Wires the scheduler by hand from its config, around the runtime driver it is handed: it knows
 * runtimes only through that seam.
 */
export function createScheduler(
  config: SchedulerConfig,
  logger: Logger,
  driver: RuntimeDriver,
): Scheduler {
  const id = randomUUID();
  const url = config.REDIS_URL ?? DEFAULT_REDIS_URL;
  const redis = createRedis({ url, logger, role: 'scheduler' });
  // BullMQ's worker blocks on Redis, and the listener for control messages and handed-over
  // tasks subscribes: each needs its own connection, which waits out an outage instead of
  // failing fast.
  const workerRedis = createRedis({ url, logger, role: 'scheduler-worker', failFast: false });
  const subscriber = createRedis({ url, logger, role: 'scheduler-cancels', failFast: false });
  const keys = createKeys(config.KOMPUTER_REDIS_PREFIX);
  const tasks = new TaskQueue({ redis, prefix: keys.bullPrefix() });
  const metrics = createMetrics();
  const taskMetrics: SchedulerMetrics = new SchedulerMetrics({
    metrics,
    tasks,
    driver,
    running: () => runner.active,
    busy: () => runner.supervising,
    logger,
  });
  const agents = new AgentStore({
    redis,
    keys,
    eventsMaxLen: config.KOMPUTER_EVENTS_MAXLEN,
    durability: writeDurability(config, logger),
    queue: tasks,
    onRecorded: taskMetrics.recorded,
  });
  const registries = createRegistries({
    redis,
    keys,
    agents,
    logger,
    secretKey: config.KOMPUTER_SECRET_KEY,
    mcpTimeoutMs: config.KOMPUTER_MCP_TIMEOUT_MS,
  });
  const templates = new TemplateStore({ redis, keys, queue: tasks });
  const liveness = new Liveness({ redis, keys, id, logger, status: () => driver.sandbox });
  // In memory, not in Redis: model calls go on while Redis is away. Signed with a key derived
  // from the secret key, so that the connector-registry can check them too.
  const tokens = new TaskTokens(
    new TaskTokenSigner(parseSecretKey(config.KOMPUTER_SECRET_KEY)),
    // A token another scheduler issued is good while its task runs, as the registry checks it.
    async (claims) => {
      const [taskStatus, taskId, uid] = await redis.hmget(
        keys.agent(claims.namespace, claims.agent),
        'taskStatus',
        'taskId',
        'uid',
      );
      return taskStatus === 'InProgress' && taskId === claims.taskId && (uid ?? '') === claims.uid;
    },
  );
  const modelProxy = new ModelProxy({
    host: config.KOMPUTER_MODEL_PROXY_HOST,
    port: config.KOMPUTER_MODEL_PROXY_PORT,
    upstream: config.ANTHROPIC_BASE_URL,
    ...(config.ANTHROPIC_API_KEY ? { apiKey: config.ANTHROPIC_API_KEY } : {}),
    tokens,
    logger,
  });
  // Manager agents and schedules' runs give their tasks through the agents domain, as the
  // gateway's POST /agents does.
  const scheduleQueue = new ScheduleQueue({ redis, prefix: keys.bullPrefix() });
  const templateService = new TemplateService({ templates, logger });
  const quotas = new QuotaStore({ redis, keys, queue: tasks });
  const agentService = new AgentService({
    agents,
    tasks,
    refs: createReferenceChecker(redis, keys),
    templates: templateService,
    quotas,
    logger,
  });
  const schedules = new ScheduleService({
    schedules: new ScheduleStore({ redis, keys }),
    queue: scheduleQueue,
    agents: agentService,
    logger,
  });
  const squadStore = new SquadStore({ redis, keys, maxMembers: MAX_SQUAD_MEMBERS });
  const platformTools = new PlatformTools({
    agents: agentService,
    schedules,
    templates: templateService,
    squads: new SquadService({ squads: squadStore, agents, logger }),
    // In process, as the tasks' connectors, memories and skills are resolved.
    registry: { ...registries, skills: skillResponses(registries.skills) },
    events: new EventStore({ redis, keys, maxLen: config.KOMPUTER_EVENTS_MAXLEN }),
    waits: new TaskWaits({ redis, keys, maxScan: config.KOMPUTER_EVENTS_MAXLEN }),
    listNamespaces: () => agents.namespaces(),
    defaultNamespace: config.KOMPUTER_DEFAULT_NAMESPACE,
    awaitMaxMs: config.KOMPUTER_AWAIT_MAX_MS,
    logger,
  });
  const runner = new TaskRunner({
    agents,
    driver,
    liveness,
    connectors: registries.connectors,
    registryUrl: config.KOMPUTER_CONNECTOR_REGISTRY_URL,
    memories: registries.memories,
    skills: registries.skills,
    tokens,
    templates,
    quotas,
    limits: {
      maxTurns: config.KOMPUTER_MAX_TURNS,
      maxBudgetUsd: config.KOMPUTER_MAX_BUDGET_USD,
      timeoutMs: config.KOMPUTER_TASK_TIMEOUT_MS,
    },
    textDeltas: config.KOMPUTER_TEXT_DELTAS,
    scheduler: id,
    metrics: taskMetrics,
    platform: {
      tools: platformTools,
      agents: agentService,
      subTaskStore: (namespace, taskId, ttlMs) => ({
        redis,
        key: keys.subTasks(namespace, taskId),
        ttlMs,
      }),
    },
    approvals: new ApprovalStore({ redis, keys }),
    logger,
  });
  const reconciler = new Reconciler({
    redis,
    keys,
    agents,
    tasks,
    driver,
    liveness,
    graceMs: config.KOMPUTER_RECONCILE_GRACE_MS,
    adopt: (agent, from) => runner.adopt(agent, from),
    lifetimes: new LifetimeEnforcer({
      agents,
      templates,
      driver,
      liveness,
      runsTaskOf: (agent, except) => runner.runsTaskOf(agent, except),
      scheduler: id,
      defaults: {
        sleepAfterIdleMs: config.KOMPUTER_SLEEP_AFTER_IDLE_MS,
        deleteAfterIdleMs: config.KOMPUTER_DELETE_AFTER_IDLE_MS,
      },
      logger,
    }),
    squads: squadStore,
    logger,
  });

  const intake = new TaskIntake({
    runner,
    driver,
    tasks,
    agents,
    workerRedis,
    prefix: keys.bullPrefix(),
    slots: config.KOMPUTER_SCHEDULER_CONCURRENCY,
    logger,
  });
  const scheduleWorker = new ScheduleWorker({
    schedules,
    workerRedis,
    prefix: keys.bullPrefix(),
    logger,
  });
  const handoverChannel = keys.handoverChannel(id);
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === handoverChannel) intake.takeHandover(message);
    else if (channel === keys.controlChannel()) act(message);
  });

  /** What a control message asks of this scheduler: to cancel a task, or remove an agent. */
  function act(message: string): void {
    let control: ControlMessage;
    try {
      control = ControlMessageSchema.parse(JSON.parse(message));
    } catch (err) {
      logger.warn({ err, message }, 'ignored a malformed control message');
      return;
    }
    if (control.type === 'cancel') runner.cancel(control.taskId, 'cancelled by request');
    if (control.type === 'sleep') {
      // Only the scheduler that holds the runtime has it to stop; a task that came since keeps it.
      const { namespace, name, uid, idleTask } = control;
      const ref = { namespace, name, ...(uid ? { uid } : {}) };
      driver
        .stopUnlessBusy(ref, () => runner.runsTaskOf(ref, idleTask))
        .catch((err: unknown) =>
          logger.warn({ err, agent: ref }, 'could not put an agent to sleep'),
        );
    }
    if (control.type === 'release') {
      const { namespace, name, uid, holder } = control;
      const ref = { namespace, name, ...(uid ? { uid } : {}) };
      driver
        .release?.(ref, holder, () => runner.runsTaskOf(ref))
        .catch((err: unknown) => logger.warn({ err, agent: ref }, 'could not let a runtime go'));
    }
    if (control.type === 'delete') {
      // Stopping the runtime cancels its task first; then the workspace goes.
      const { namespace, name, uid } = control;
      driver
        .remove({ namespace, name, ...(uid ? { uid } : {}) })
        .catch((err: unknown) => logger.warn({ err, agent: control }, 'could not remove an agent'));
    }
  }

  /** Runs `pass` every `intervalMs`, logging its failures at `level`. */
  function every(
    intervalMs: number,
    level: 'warn' | 'debug',
    what: string,
    pass: () => Promise<unknown>,
  ) {
    const timer = setInterval(() => {
      pass().catch((err: unknown) => logger[level]({ err }, what));
    }, intervalMs);
    timer.unref();
    return timer;
  }

  let timers: NodeJS.Timeout[] = [];
  let closing: Promise<void> | undefined;
  let taking = false;
  const health = createHealth({
    checks: {
      redis: async () => {
        await redis.ping();
      },
      tasks: async () => {
        if (!taking) throw new Error('not taking tasks yet');
      },
      sandbox: async () => {
        const { sandbox, problem } = driver.sandbox;
        if (sandbox === 'unavailable') throw new Error(problem ?? 'the agent sandbox cannot start');
        return sandbox === 'off' ? 'off: agents run unsandboxed' : undefined;
      },
    },
  });
  return {
    id,
    driver,
    reconciler,
    modelProxy,
    health,
    metrics,
    get queueSlots() {
      return intake.queueSlots;
    },
    async start() {
      if (!(await waitForRedis(redis, REDIS_STARTUP_WAIT_MS))) {
        logger.warn('redis is not reachable yet; taking tasks once it is');
      }
      // Alive before it takes a task: the others leave its tasks alone only while its key lives.
      await liveness.start();
      // SUBSCRIBE only on a ready connection: queued before the connection's ready check, it
      // turns the check into an error and the connection into a reconnect loop. After a
      // reconnect, ioredis subscribes again by itself.
      const subscribe = () =>
        subscriber
          .subscribe(keys.controlChannel(), handoverChannel)
          .catch((err: unknown) => logger.warn({ err }, 'could not subscribe to control messages'));
      if (await waitForRedis(subscriber, REDIS_STARTUP_WAIT_MS)) await subscribe();
      else subscriber.once('ready', () => void subscribe());
      const modelUrl = await modelProxy.listen();
      logger.info(
        { modelProxy: modelUrl, upstream: new URL(config.ANTHROPIC_BASE_URL).origin },
        'model proxy listening',
      );
      if (!config.ANTHROPIC_API_KEY) {
        logger.warn('ANTHROPIC_API_KEY is unset: model calls go upstream without a key');
      }
      await driver.start({
        modelUrl,
        warmPools: async () => (await templates.pools()).map(warmPoolTarget),
        askRelease: (agent, holder) => {
          const { namespace, name, uid } = agent;
          const release: ControlMessage = {
            type: 'release',
            namespace,
            name,
            holder,
            ...(uid ? { uid } : {}),
          };
          redis
            .publish(keys.controlChannel(), JSON.stringify(release))
            .catch((err: unknown) => logger.warn({ err, agent }, 'could not ask for a runtime'));
        },
      });
      // The driver now knows whether its sandbox can start: the status kept with the key says so.
      await liveness.renew();
      await reconciler
        .run()
        .catch((err: unknown) =>
          logger.warn({ err }, 'reconciliation failed; it runs again later'),
        );
      intake.startWorker();
      scheduleWorker.start();
      taking = true;
      timers = [
        every(config.KOMPUTER_RECONCILE_INTERVAL_MS, 'warn', 'reconciliation failed', () =>
          reconciler.run(),
        ),
        every(SWEEP_INTERVAL_MS, 'debug', 'could not look for stopped schedulers', () =>
          reconciler.sweep(),
        ),
      ];
    },
    close() {
      closing ??= (async () => {
        health.markShuttingDown();
        for (const timer of timers) clearInterval(timer);
        // From now on, claims queue the tasks of this scheduler's agents.
        await subscriber.unsubscribe(handoverChannel).catch(() => undefined);
        // Running tasks get a grace period to end; then their runtimes are stopped, which
        // ends each task with an error event.
        const tasksEnded = Promise.all([intake.close(), scheduleWorker.close()]);
        const grace = () => new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref());
        await Promise.race([tasksEnded, grace()]);
        await driver.close();
        // Its runtimes are gone: no model call is left to serve.
        tokens.close();
        await modelProxy.close();
        // Writes that Redis still refuses after another grace period are left undone; the other
        // schedulers end those tasks, found through this scheduler's task set.
        await Promise.race([tasksEnded, grace()]);
        runner.close();
        await tasksEnded;
        await liveness.stop({ forget: runner.abandoned === 0 });
        await Promise.all([tasks.close(), scheduleQueue.close()]).catch(() => undefined);
        await Promise.all([closeRedis(subscriber), closeRedis(workerRedis), closeRedis(redis)]);
      })();
      return closing;
    },
  };
}
