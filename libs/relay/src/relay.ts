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
import type { Logger } from '@komputer/service-kit';
import { createKeys } from '@komputer/store';
import { allowEveryone, mountRoutes } from '@komputer/routes';
import type { Authenticate } from '@komputer/routes';
import { Router } from 'express';
import type { RequestHandler, Response } from 'express';
import { WebSocketServer } from 'ws';
import { AgentFeed } from './agent-feed';
import { Connection } from './connection';
import { GroupFeed } from './group-feed';
import { checkHandshake, refuseUpgrade } from './handshake';
import type { RelayConfig } from './relay-config';
import { matchUpgradeRoute, parseRelayRequest, queryObject, tooManyAgents } from './requests';
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

function agentNotFound(namespace: string, name: string): AppError {
  return new AppError(
    'AGENT_NOT_FOUND',
    404,
    `agent "${name}" not found in namespace "${namespace}"`,
    { retryable: false },
  );
}

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
}

/**
 * Builds a relay from its config: two Redis connections (commands, and the blocking live
 * tail), the shared tail reader, and the routes. It listens on nothing itself.
 */
export function createRelay(
  config: RelayConfig,
  logger: Logger,
  options: RelayOptions = {},
): Relay {
  const authenticate = options.authenticate ?? allowEveryone;
  const url = config.REDIS_URL ?? DEFAULT_REDIS_URL;
  const command = createRedis({ url, logger, role: 'event-relay' });
  const blocking = createRedis({
    url,
    logger,
    role: 'event-relay-tail',
    commandTimeoutMs: TAIL_BLOCK_MS + 5_000,
  });
  const keys = createKeys(config.KOMPUTER_REDIS_PREFIX);
  const reads = new StreamReads(command, keys);
  const instance = randomUUID();
  // Never more per call than a stream keeps: then a read that is not full cannot hide a trim.
  const count = Math.min(config.KOMPUTER_RELAY_READ_COUNT, config.KOMPUTER_EVENTS_MAXLEN);
  const tails = new TailReader({
    blocking,
    command,
    reads,
    wakeKey: `${config.KOMPUTER_REDIS_PREFIX}:relay:${instance}:wake`,
    count,
    logger,
  });
  const groups = new Map<string, GroupFeed>();
  const connections = new Set<Connection>();
  const closedWith: Record<number, number> = {};
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

  const connect = (transport: Transport, reportLastId: boolean) =>
    new Connection({
      transport,
      logger,
      maxBufferedBytes: config.KOMPUTER_RELAY_SEND_BUFFER_BYTES,
      closeGraceMs: config.KOMPUTER_RELAY_CLOSE_GRACE_MS,
      stallTimeoutMs: 2 * config.KOMPUTER_RELAY_PING_INTERVAL_MS,
      reportLastId,
      onClose: (code) => {
        closedWith[code] = (closedWith[code] ?? 0) + 1;
      },
    });

  /**
   * Checks a request against Redis and fixes where each agent's feed starts: after its cursor,
   * or after the stream's last event for "live from now". This runs before a WebSocket upgrade
   * completes, so that every event appended once the client sees the socket open reaches it.
   */
  async function prepare(request: RelayRequest): Promise<Map<string, string>> {
    const { namespace } = request;
    const startOf = (name: string, after: string | undefined) => {
      const key = keys.events(namespace, name);
      return after === undefined
        ? reads.lastId(key)
        : reads.checkCursor(key, after).then(() => after);
    };
    if (request.kind === 'agent') {
      if (!(await reads.agentExists(namespace, request.name)))
        throw agentNotFound(namespace, request.name);
      // A group keeps its own cursor in Redis.
      if (request.group !== undefined) return new Map();
      return new Map([[request.name, await startOf(request.name, request.after)]]);
    }
    const exists = await Promise.all(request.names.map((n) => reads.agentExists(namespace, n)));
    const missing = request.names.find((_, i) => !exists[i]);
    if (missing !== undefined) throw agentNotFound(namespace, missing);
    const { match } = request;
    const matched = match ? (await reads.listAgents(namespace)).filter((n) => match.test(n)) : [];
    const followed = [...new Set([...request.names, ...matched])];
    if (followed.length > config.KOMPUTER_RELAY_MAX_AGENTS_PER_SOCKET)
      throw tooManyAgents(config.KOMPUTER_RELAY_MAX_AGENTS_PER_SOCKET);
    const starts = await Promise.all(followed.map((n) => startOf(n, request.cursors.get(n))));
    return new Map(followed.map((name, i) => [name, starts[i] as string]));
  }

  function admit(): void {
    if (connections.size >= config.KOMPUTER_RELAY_MAX_CONNECTIONS) {
      throw new AppError(
        'TOO_MANY_CONNECTIONS',
        503,
        `this relay holds ${config.KOMPUTER_RELAY_MAX_CONNECTIONS} connections already; retry shortly`,
        { retryable: true },
      );
    }
  }

  function follow(
    connection: Connection,
    namespace: string,
    name: string,
    after: string,
    deltas: boolean,
  ) {
    new AgentFeed({
      connection,
      tail: tails.tail(keys.events(namespace, name), namespace, name),
      reads,
      after,
      deltas,
      pageSize: count,
    }).start();
  }

  /** A group's feed on this relay, made on first use. The group itself exists already. */
  function joinGroup(connection: Connection, namespace: string, name: string, group: string) {
    const key = keys.events(namespace, name);
    const id = `${key}\n${group}`;
    let feed = groups.get(id);
    if (!feed) {
      const tail = tails.tail(key, namespace, name);
      feed = new GroupFeed({
        redis: command,
        tail,
        group,
        consumerPrefix: instance,
        count,
        claimIdleMs: config.KOMPUTER_RELAY_GROUP_CLAIM_IDLE_MS,
        logger,
        onEmpty: () => groups.delete(id),
      });
      groups.set(id, feed);
      // The tail only wakes the group: it may start anywhere, so at the stream's end.
      if (tail.lastId === undefined) {
        reads.lastId(key).then(
          (last) => tail.start(last),
          (err: unknown) =>
            logger.warn({ err }, 'group tail not started; reading on the claim timer'),
        );
      }
    }
    return feed;
  }

  /** Starts serving an accepted request from the starts that {@link prepare} fixed. */
  function open(request: RelayRequest, transport: Transport, starts: Map<string, string>): void {
    const connection = connect(transport, request.kind === 'agent');
    connections.add(connection);
    connection.onGone(() => connections.delete(connection));
    const { namespace, deltas } = request;
    if (request.kind === 'agent' && request.group !== undefined) {
      joinGroup(connection, namespace, request.name, request.group).join(connection, deltas);
      return;
    }
    for (const [name, after] of starts) follow(connection, namespace, name, after, deltas);
    if (request.kind === 'agent') return;
    const following = new Set(starts.keys());
    const { match } = request;
    if (!match) return;
    const discovery = setInterval(() => {
      reads.listAgents(namespace).then(
        (names) => {
          for (const name of names) {
            if (connection.closed || following.has(name) || !match.test(name)) continue;
            if (following.size >= config.KOMPUTER_RELAY_MAX_AGENTS_PER_SOCKET) {
              connection.fail(tooManyAgents(config.KOMPUTER_RELAY_MAX_AGENTS_PER_SOCKET));
              return;
            }
            following.add(name);
            // Created after the socket opened: everything it did is new to this client.
            follow(connection, namespace, name, '0-0', deltas);
          }
        },
        // Redis is down: look again on the next tick.
        () => undefined,
      );
    }, config.KOMPUTER_RELAY_DISCOVERY_INTERVAL_MS);
    connection.onGone(() => clearInterval(discovery));
  }

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
    let starts = new Map<string, string>();
    let failure: unknown;
    try {
      await authenticate({
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
      starts = await prepare(request);
      admit();
      if (request.kind === 'agent' && request.group !== undefined) {
        await command
          .xgroup(
            'CREATE',
            keys.events(request.namespace, request.name),
            request.group,
            '$',
            'MKSTREAM',
          )
          .catch((err: unknown) => {
            if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
          });
      }
    } catch (err) {
      failure = err;
    }
    // Errors go out as close codes after the upgrade, where a browser can read them.
    wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = new WebSocketTransport(ws, socket);
      if (closing) connect(transport, false).close(RELAY_CLOSE_CODES.GOING_AWAY, SHUTTING_DOWN);
      else if (failure !== undefined || !request) connect(transport, false).fail(failure);
      else open(request, transport, starts);
    });
  }

  const watch =
    (id: 'watchAgentEvents' | 'watchEvents'): RequestHandler =>
    async (req, res) => {
      await prepare(
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

  const stream: RequestHandler = async (req, res: Response) => {
    const request = parseRelayRequest(
      'streamAgentEvents',
      req.params,
      req.query,
      config.KOMPUTER_DEFAULT_NAMESPACE,
      req.get('last-event-id'),
    );
    const starts = await prepare(request);
    if (closing) throw new AppError('SHUTTING_DOWN', 503, SHUTTING_DOWN.message);
    admit();
    if (res.destroyed) return;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // Tells nginx-style proxies not to hold the stream back.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    open(request, new SseTransport(res), starts);
  };

  const handlers: Record<RelayOperationId, RequestHandler> = {
    watchAgentEvents: watch('watchAgentEvents'),
    streamAgentEvents: stream,
    watchEvents: watch('watchEvents'),
  };
  const router = Router();
  mountRoutes(router, handlers, { authenticate });

  const each = (kind: Transport['kind']) => () => {
    for (const connection of connections) {
      if (connection.transport.kind === kind) connection.heartbeat();
    }
  };
  const pings = setInterval(each('ws'), config.KOMPUTER_RELAY_PING_INTERVAL_MS);
  const heartbeats = setInterval(each('sse'), config.KOMPUTER_RELAY_SSE_HEARTBEAT_MS);
  pings.unref();
  heartbeats.unref();

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
      connections: connections.size,
      streams: tails.size,
      groups: groups.size,
      closedWith: { ...closedWith },
    }),
    close: () => {
      closing ??= (async () => {
        clearInterval(pings);
        clearInterval(heartbeats);
        const gone = [...connections].map((c) => new Promise<void>((resolve) => c.onGone(resolve)));
        for (const connection of connections)
          connection.close(RELAY_CLOSE_CODES.GOING_AWAY, SHUTTING_DOWN);
        await Promise.all(gone);
        wss.close();
        await tails.close();
        await closeRedis(command);
      })();
      return closing;
    },
  };
}
