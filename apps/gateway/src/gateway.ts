import { createServer } from 'node:http';
import { resolve } from 'node:path';
import type { SchedulerStatus } from '@komputer/contracts';
import type { Server } from 'node:http';
import { createReferenceChecker } from '@komputer/connectors';
import type { Express } from 'express';
import {
  closeRedis,
  createHealth,
  createMetrics,
  createRedis,
  writeDurability,
  DEFAULT_REDIS_URL,
  listenOn,
  stopServer,
  waitForRedis,
} from '@komputer/service-kit';
import type { Health, Logger, Metrics } from '@komputer/service-kit';
import { createRelay } from '@komputer/relay';
import { createServiceAuth } from '@komputer/routes';
import type { Authenticate } from '@komputer/routes';
import type { Relay } from '@komputer/relay';
import {
  AgentStore,
  ApprovalStore,
  AuditStore,
  createKeys,
  DAY_SECONDS,
  EventStore,
  QuotaStore,
  RateLimiter,
  readSchedulerStatuses,
  ScheduleQueue,
  ScheduleStore,
  SquadStore,
  storeMetrics,
  TaskQueue,
  TemplateStore,
} from '@komputer/store';
import {
  AgentService,
  ApprovalService,
  OfficeService,
  ScheduleService,
  SquadService,
  TemplateService,
} from '@komputer/agents';
import { MAX_SQUAD_MEMBERS } from '@komputer/contracts';
import { approvalTools, PlatformTools, TaskWaits } from '@komputer/platform-tools';
import { createApp } from './app';
import { RegistryClient } from './registry-client';
import { registryResources } from './registry-resources';
import { WorkspaceFiles } from './workspace-files';
import type { GatewayConfig } from './config';

/** How long start-up waits for Redis before serving anyway. */
const REDIS_STARTUP_WAIT_MS = 5_000;

/** A composed gateway: its server (not yet listening) and its ordered shutdown. */
export interface Gateway {
  app: Express;
  server: Server;
  health: Health;
  relay: Relay;
  /** Its `/metrics`: HTTP requests, the relay's, and the events it writes. */
  metrics: Metrics;
  /** Starts listening on `config.HOST:config.PORT`; resolves with the URL. */
  listen(): Promise<string>;
  /**
   * Readiness to 503, stop accepting, close the live event clients (1001), finish in-flight
   * requests, close the queue and Redis. Idempotent.
   */
  close(): Promise<void>;
}

/** Options for {@link createGateway}. */
export interface GatewayOptions {
  /**
   * The authentication hook that every operation and every WebSocket upgrade goes through.
   * Default: the one `KOMPUTER_AUTH` calls for (API keys, or everyone may call).
   */
  authenticate?: Authenticate;
}

/** Wires the gateway by hand from its config: Redis, stores, queue, relay, app and server. */
export function createGateway(
  config: GatewayConfig,
  logger: Logger,
  options: GatewayOptions = {},
): Gateway {
  const metrics = createMetrics();
  const redis = createRedis({
    url: config.REDIS_URL ?? DEFAULT_REDIS_URL,
    logger,
    role: 'gateway',
  });
  const keys = createKeys(config.KOMPUTER_REDIS_PREFIX, { hashTags: redis.isCluster });
  const auth = createServiceAuth(config, {
    redis,
    keys,
    defaultNamespace: config.KOMPUTER_DEFAULT_NAMESPACE,
    logger,
  });
  const authenticate = options.authenticate ?? auth.authenticate;
  const tasks = new TaskQueue({ redis, prefix: keys.bullPrefix() });
  const scheduleQueue = new ScheduleQueue({ redis, prefix: keys.bullPrefix() });
  const agentStore = new AgentStore({
    redis,
    keys,
    eventsMaxLen: config.KOMPUTER_EVENTS_MAXLEN,
    durability: writeDurability(config, logger),
    queue: tasks,
    onRecorded: storeMetrics(metrics.registry),
  });
  const events = new EventStore({ redis, keys, maxLen: config.KOMPUTER_EVENTS_MAXLEN });
  const templates = new TemplateService({
    templates: new TemplateStore({ redis, keys, queue: tasks }),
    logger,
  });
  const registry = new RegistryClient({
    url: config.KOMPUTER_REGISTRY_URL,
    timeoutMs: config.KOMPUTER_REGISTRY_TIMEOUT_MS,
    logger,
  });
  const relay = createRelay(config, logger, {
    authenticate,
    metrics,
    ...(auth.enabled ? { keys: auth.keys } : {}),
  });
  const health = createHealth({
    checks: {
      redis: async () => {
        await redis.ping();
      },
      // Not a condition of the gateway's own readiness: what operators must know of the agents.
      sandbox: async () => sandboxNote(await readSchedulerStatuses(redis, keys)),
      // Not a condition either: every route but the registry's works without it.
      registry: () => registry.readiness(),
    },
  });
  const quotas = new QuotaStore({ redis, keys, queue: tasks });
  const agents = new AgentService({
    agents: agentStore,
    tasks,
    // Read from Redis, not asked of the registry: agents are created and patched while the
    // registry is away (docs/architecture.md says why).
    refs: createReferenceChecker(redis, keys),
    templates,
    quotas,
    logger,
  });
  const schedules = new ScheduleService({
    schedules: new ScheduleStore({ redis, keys }),
    queue: scheduleQueue,
    agents,
    logger,
  });
  const listNamespaces = () => agentStore.namespaces();
  const squads = new SquadService({
    squads: new SquadStore({ redis, keys, maxMembers: MAX_SQUAD_MEMBERS }),
    agents: agentStore,
    logger,
  });
  const offices = new OfficeService({ agents: agentStore, agentService: agents, logger });
  const approvals = new ApprovalService({
    approvals: new ApprovalStore({ redis, keys }),
    agents,
    offices,
  });
  const app = createApp({
    agents,
    templates,
    schedules,
    offices,
    approvals,
    squads,
    registry,
    events,
    quotas,
    audit: new AuditStore({
      redis,
      keys,
      retentionMs: config.KOMPUTER_AUDIT_RETENTION_DAYS * DAY_SECONDS * 1000,
    }),
    rateLimiter: new RateLimiter({
      redis,
      keys,
      limit: {
        perSecond: config.KOMPUTER_RATE_LIMIT_PER_SECOND,
        burst: config.KOMPUTER_RATE_LIMIT_BURST,
      },
    }),
    workspaces: new WorkspaceFiles({
      dataDir:
        config.KOMPUTER_DATA_DIR === undefined ? undefined : resolve(config.KOMPUTER_DATA_DIR),
      maxBytes: config.KOMPUTER_DOWNLOAD_MAX_BYTES,
    }),
    relay,
    health,
    metrics,
    logger,
    defaultNamespace: config.KOMPUTER_DEFAULT_NAMESPACE,
    bodyLimitBytes: config.KOMPUTER_BODY_LIMIT_BYTES,
    jsonMaxDepth: config.KOMPUTER_JSON_MAX_DEPTH,
    corsOrigins: config.KOMPUTER_CORS_ORIGINS,
    listNamespaces,
    authenticate,
    apiKeys: auth.keys,
    platform: new PlatformTools({
      agents,
      schedules,
      templates,
      squads,
      registry: registryResources(registry),
      events,
      waits: new TaskWaits({ redis, keys, maxScan: config.KOMPUTER_EVENTS_MAXLEN }),
      listNamespaces,
      defaultNamespace: config.KOMPUTER_DEFAULT_NAMESPACE,
      awaitMaxMs: config.KOMPUTER_AWAIT_MAX_MS,
      logger,
      // Outside clients answer approvals; manager agents never get these tools.
      extra: approvalTools(approvals),
    }),
  });
  const server = createServer(app);
  // Bound how long a slow client may hold a connection open.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  relay.attach(server);
  // A job queue's error must be logged, never thrown at the process.
  tasks.queue.on('error', (err) => logger.warn({ err: err.message }, 'task queue error'));
  scheduleQueue.queue.on('error', (err) =>
    logger.warn({ err: err.message }, 'schedule queue error'),
  );

  let closing: Promise<void> | undefined;
  return {
    app,
    server,
    health,
    relay,
    metrics,
    listen: async () => {
      const ready = await Promise.all([
        waitForRedis(redis, REDIS_STARTUP_WAIT_MS),
        relay.waitUntilReady(REDIS_STARTUP_WAIT_MS),
      ]);
      if (!ready.every(Boolean)) {
        logger.warn('redis is not reachable yet; answering 503 until it is');
      }
      await auth.prepare();
      return listenOn(server, config.PORT, config.HOST);
    },
    close: () => {
      closing ??= (async () => {
        health.markShuttingDown();
        // Event streams never end by themselves: the relay closes them.
        await stopServer(server, () => relay.close());
        await Promise.all(
          [tasks, scheduleQueue].map((queue) =>
            queue.close().catch((err: unknown) => logger.warn({ err }, 'closing a queue failed')),
          ),
        );
        await closeRedis(redis);
      })();
      return closing;
    },
  };
}

/** What `/readyz` says of the schedulers' sandboxes: refused, switched off, or on. */
export function sandboxNote(statuses: Map<string, SchedulerStatus>): string {
  const all = [...statuses.values()];
  const unavailable = all.find((s) => s.sandbox === 'unavailable');
  if (unavailable) return `agents cannot run: ${unavailable.problem ?? 'the sandbox cannot start'}`;
  const off = all.filter((s) => s.sandbox === 'off').length;
  if (off > 0) {
    return `KOMPUTER_SANDBOX=off on ${off} of ${all.length} scheduler(s): agents’ commands run unsandboxed and can reach the control plane`;
  }
  return all.length === 0 ? 'no scheduler is running' : 'agents’ commands run in the OS sandbox';
}
