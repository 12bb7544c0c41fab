import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { operations, RELAY_CLOSE_CODES } from '@komputer/contracts';
import {
  AppError,
  closeRedis,
  createRedis,
  DEFAULT_REDIS_URL,
  requestIdOf,
  waitForRedis,
} from '@komputer/service-kit';
import type { Logger, Metrics } from '@komputer/service-kit';
import { createKeys } from '@komputer/store';
import type { ApiKeyStore } from '@komputer/store';
import { allowEveryone, mountRoutes, principalOf } from '@komputer/routes';
import type { Authenticate, Principal } from '@komputer/routes';
import { Router } from 'express';
import { Gauge, Histogram } from 'prom-client';
import type { RequestHandler, Response } from 'express';
import { WebSocketServer } from 'ws';
import { Clients } from './clients';
import { Feeds } from './feeds';
import { checkHandshake, refuseUpgrade } from './handshake';
import { KeyWatch } from './key-watch';
import type { RelayConfig } from './relay-config';
import { matchUpgradeRoute, parseRelayRequest, queryObject } from './requests';
import type { RelayOperationId, RelayRequest } from './requests';
import { StreamReads } from './stream-reads';
import { TAIL_BLOCK_MS, TailReader } from './tail-reader';
import { SseTransport, WebSocketTransport } from './transports';
import type { Transport } from './transports';

/** What a relay is doing, for tests and operators. */
export interface RelayStats {
  /** Open client connections (WebSocket and SSE). */
  connections: number;
  /** Streams read live. */
  streams: number;
  /** Blocking Redis connections that read them, one per shard. */
  tailConnections: number;
  /** Consumer groups with a member here. */
  groups: number;
  /** Connections closed by the relay, counted by close code (SSE ones too). */
  closedWith: Record<number, number>;
}

/** The event relay: the live event routes, ready to mount on any HTTP server. */
export interface Relay {
  /** The HTTP handlers: SSE, and the WebSocket routes answering a request without an upgrade. */
  handlers: Record<RelayOperationId, RequestHandler>;
  /** The handlers mounted at their paths. */
  router: Router;
  /** Takes an HTTP upgrade for a relay route; false when the path is not one. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Takes `server`'s upgrades: the relay's routes, and a 404 for any other path. */
  attach(server: Server): void;
  stats(): RelayStats;
  /**
   * Throws `CURSOR_EXPIRED` (410) when events of the agent after `cursor` were trimmed from its
   * stream, so that a paged read never passes over a gap in silence.
   */
  checkCursor(namespace: string, name: string, cursor: string): Promise<void>;
  /**
   * Resolves true once the relay's Redis connection is ready, or false after `timeoutMs`: a
   * service starts listening after it, so that its first clients are not told to retry.
   */
  waitUntilReady(timeoutMs: number): Promise<boolean>;
  /** Closes every client (WebSocket 1001, SSE `close` event), then the reads and Redis. Idempotent. */
  close(): Promise<void>;
}

/**
 * The largest message a client may send on a relay socket (a larger one is closed with `1009`).
 * Clients have nothing to say on these sockets: a small bound limits what they can make us hold.
 */
export const CLIENT_MAX_PAYLOAD_BYTES = 4096;

const SHUTTING_DOWN = {
  code: 'SHUTTING_DOWN',
  message: 'the relay is shutting down; reconnect with after',
} as const;

/** An upgrade request's URL; undefined when its target is not one (`GET http://[ HTTP/1.1`). */
function urlOf(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://relay.invalid');
  } catch {
    return undefined;
  }
}

/** Options for {@link createRelay}. */
export interface RelayOptions {
  /**
   * The service's authentication hook: the relay's HTTP routes and its WebSocket upgrades go
   * through it. Default: everyone may call.
   */
  authenticate?: Authenticate;
  /**
   * The API keys, when they are on: the streams of a key that is revoked or rotated end with
   * `4401` (at once on the change notice, at the latest after `KOMPUTER_RELAY_KEY_RECHECK_MS`).
   */
  keys?: ApiKeyStore;
  /** The service's metrics: the relay adds its clients, streams and event lag. */
  metrics?: Metrics;
}

/** Bounds of the event lag histogram, in seconds. */
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Builds a relay from its config: a Redis connection for commands, the shared tail reader (with
 * a blocking connection per shard of the streams it follows), and the routes. It listens on nothing itself.
 */
export function createRelay(
  config: RelayConfig,
  logger: Logger,
  options: RelayOptions = {},
): Relay {
  const authenticate = options.authenticate ?? allowEveryone;
  const url = config.REDIS_URL ?? DEFAULT_REDIS_URL;
  const command = createRedis({ url, logger, role: 'event-relay' });
  const keys = createKeys(config.KOMPUTER_REDIS_PREFIX, { hashTags: command.isCluster });
  const reads = new StreamReads(command, keys);
  const instance = randomUUID();
  const registers = options.metrics ? [options.metrics.registry] : [];
  const lag = new Histogram({
    name: 'komputer_relay_event_lag_seconds',
    help: 'From an event’s append (its stream id’s time, on Redis’s clock) to the relay reading it live',
    buckets: LAG_BUCKETS,
    registers,
  });
  // Never more per call than a stream keeps: then a read that is not full cannot hide a trim.
  const count = Math.min(config.KOMPUTER_RELAY_READ_COUNT, config.KOMPUTER_EVENTS_MAXLEN);
  const tails = new TailReader({
    connect: () =>
      createRedis({
        url,
        logger,
        role: 'event-relay-tail',
        commandTimeoutMs: TAIL_BLOCK_MS + 5_000,
      }),
    command,
    reads,
    wakeKey: (namespace) => keys.relayWake(instance, namespace),
    shardByNamespace: keys.hashTags,
    count,
    streamsPerRead: config.KOMPUTER_RELAY_STREAMS_PER_READ,
    onLag: (seconds) => lag.observe(seconds),
    logger,
  });
  const feeds = new Feeds({
    command,
    keys,
    reads,
    tails,
    instance,
    count,
    maxAgentsPerSocket: config.KOMPUTER_RELAY_MAX_AGENTS_PER_SOCKET,
    discoveryIntervalMs: config.KOMPUTER_RELAY_DISCOVERY_INTERVAL_MS,
    groupClaimIdleMs: config.KOMPUTER_RELAY_GROUP_CLAIM_IDLE_MS,
    logger,
  });
  const clients = new Clients({ settings: config, logger });
  const keySubscriber =
    options.keys && createRedis({ url, logger, role: 'event-relay-key-changes' });
  const keyWatch =
    options.keys &&
    keySubscriber &&
    new KeyWatch({
      keys: options.keys,
      subscriber: keySubscriber,
      channel: keys.apiKeyChanges(),
      recheckMs: config.KOMPUTER_RELAY_KEY_RECHECK_MS,
      logger,
    });
  new Gauge({
    name: 'komputer_relay_clients',
    help: 'Open live event connections (WebSocket and SSE)',
    registers,
    collect() {
      this.set(clients.size);
    },
  });
  new Gauge({
    name: 'komputer_relay_streams',
    help: 'Agents’ event streams read live',
    registers,
    collect() {
      this.set(tails.size);
    },
  });
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: CLIENT_MAX_PAYLOAD_BYTES,
  });
  // What checkHandshake leaves to ws (a malformed Sec-WebSocket-Protocol) is answered as ours too.
  wss.on('wsClientError', (err: Error, socket: Duplex, req: IncomingMessage) => {
    const error = new AppError('VALIDATION_FAILED', 400, `handshake: ${err.message}`, {
      retryable: false,
    });
    refuseUpgrade(socket, error, requestIdOf(req.headers['x-request-id']));
  });
  let closing: Promise<void> | undefined;

  /** Starts serving an accepted request from the starts that `feeds.prepare` fixed. */
  function open(
    request: RelayRequest,
    transport: Transport,
    starts: Map<string, string>,
    principal: Principal,
  ): void {
    const reportLastId = request.kind === 'agent';
    const connection = clients.connect(transport, { accepted: true, reportLastId });
    keyWatch?.add(principal, connection);
    feeds.serve(connection, request, starts);
  }

  /** Closes a socket that was not accepted, with the code that `failure` calls for. */
  const refuse = (transport: Transport, failure: unknown) => {
    const connection = clients.connect(transport, { accepted: false, reportLastId: false });
    if (closing) connection.close(RELAY_CLOSE_CODES.GOING_AWAY, SHUTTING_DOWN);
    else connection.fail(failure);
  };

  /** Checks the request, completes the upgrade, then serves it or closes with the error's code. */
  async function upgrade(
    id: RelayOperationId,
    url: URL,
    params: Record<string, string>,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    let request: RelayRequest | undefined;
    let principal: Principal | undefined;
    let starts = new Map<string, string>();
    let failure: unknown;
    try {
      principal = await authenticate({
        operationId: id,
        security: operations[id].security,
        headers: req.headers,
        query: url.searchParams,
      });
      request = parseRelayRequest(
        id,
        params,
        queryObject(url.searchParams),
        config.KOMPUTER_DEFAULT_NAMESPACE,
      );
      starts = await feeds.prepare(request);
      clients.admit();
      await feeds.createGroup(request);
    } catch (err) {
      failure = err;
    }
    // Errors go out as close codes after the upgrade, where a browser can read them.
    wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = new WebSocketTransport(ws, socket);
      if (closing || failure !== undefined || !request || !principal) refuse(transport, failure);
      else open(request, transport, starts, principal);
    });
  }

  const watch =
    (id: 'watchAgentEvents' | 'watchEvents' | 'watchOfficeEvents'): RequestHandler =>
    async (req, res) => {
      await feeds.prepare(
        parseRelayRequest(id, req.params, req.query, config.KOMPUTER_DEFAULT_NAMESPACE),
      );
      res.setHeader('Upgrade', 'websocket');
      throw new AppError(
        'UPGRADE_REQUIRED',
        426,
        `${req.path} speaks WebSocket: connect with a WebSocket client`,
        { retryable: false },
      );
    };

  const stream =
    (id: 'streamAgentEvents' | 'streamOfficeEvents'): RequestHandler =>
    async (req, res: Response) => {
      const request = parseRelayRequest(
        id,
        req.params,
        req.query,
        config.KOMPUTER_DEFAULT_NAMESPACE,
        id === 'streamAgentEvents' ? req.get('last-event-id') : undefined,
      );
      const starts = await feeds.prepare(request);
      if (closing) throw new AppError('SHUTTING_DOWN', 503, SHUTTING_DOWN.message);
      clients.admit();
      if (res.destroyed) return;
      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        // Tells nginx-style proxies not to hold the stream back.
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      const transport = new SseTransport(res, { ids: request.kind === 'agent' });
      open(request, transport, starts, principalOf(res.locals));
    };

  const handlers: Record<RelayOperationId, RequestHandler> = {
    watchAgentEvents: watch('watchAgentEvents'),
    streamAgentEvents: stream('streamAgentEvents'),
    watchEvents: watch('watchEvents'),
    watchOfficeEvents: watch('watchOfficeEvents'),
    streamOfficeEvents: stream('streamOfficeEvents'),
  };
  const router = Router();
  mountRoutes(router, handlers, { authenticate });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = urlOf(req);
    const route = url && matchUpgradeRoute(url.pathname);
    if (!route) return false;
    socket.on('error', () => socket.destroy());
    const requestId = requestIdOf(req.headers['x-request-id']);
    if (closing) {
      refuseUpgrade(socket, new AppError('SHUTTING_DOWN', 503, SHUTTING_DOWN.message), requestId);
      return true;
    }
    const refusal = checkHandshake(req);
    if (refusal) {
      refuseUpgrade(socket, refusal.error, requestId, refusal.headers);
      return true;
    }
    void upgrade(route.id, url, route.params, req, socket, head);
    return true;
  }

  return {
    handlers,
    router,
    handleUpgrade,
    checkCursor: (namespace, name, cursor) =>
      reads.checkCursor(keys.events(namespace, name), cursor),
    waitUntilReady: (timeoutMs) => waitForRedis(command, timeoutMs),
    attach(server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (handleUpgrade(req, socket, head)) return;
        socket.on('error', () => socket.destroy());
        const where = urlOf(req)?.pathname ?? req.url;
        const error = new AppError('NOT_FOUND', 404, `no WebSocket route at ${where}`, {
          retryable: false,
        });
        refuseUpgrade(socket, error, requestIdOf(req.headers['x-request-id']));
      });
    },
    stats: () => ({
      connections: clients.size,
      streams: tails.size,
      tailConnections: tails.shardCount,
      groups: feeds.groupCount,
      closedWith: clients.closes(),
    }),
    close: () => {
      closing ??= (async () => {
        keyWatch?.close();
        await clients.close(SHUTTING_DOWN);
        if (keySubscriber) await closeRedis(keySubscriber);
        wss.close();
        await tails.close();
        await closeRedis(command);
      })();
      return closing;
    },
  };
}
