import type { AgentEvent, CloseReason, NewAgentEvent } from '@komputer/contracts';
import { createLogger, parseConfig } from '@komputer/service-kit';
import { createKeys, EventStore } from '@komputer/store';
import { collectLogLines, startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { get } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';
import { EventRelayConfigSchema } from '../src/config';
import { createEventRelay } from '../src/event-relay';
import type { EventRelay } from '../src/event-relay';

/** A running event-relay on a random port. */
export interface TestRelay {
  eventRelay: EventRelay;
  url: string;
  /** `ws://…/api/v1`. */
  ws: string;
  /** `http://…/api/v1`. */
  api: string;
  logs: string[];
}

/** One real redis-server, a direct client and an event store to write events with. */
export interface TestRedis {
  server: RedisServer;
  redis: Redis;
  events: EventStore;
  keys: ReturnType<typeof createKeys>;
  /** Creates an agent's record and index entry, as the gateway would. */
  addAgent(name: string, namespace?: string): Promise<void>;
  /** Appends `n` events (type `text`, content `<label> <i>`, or as `make` says); returns their ids. */
  append(
    name: string,
    n: number,
    make?: (i: number) => NewAgentEvent,
    namespace?: string,
  ): Promise<string[]>;
  close(): Promise<void>;
}

/** A `text` event whose content numbers it. */
export function textEvent(i: number, content = `event ${i}`): NewAgentEvent {
  return {
    type: 'text',
    taskId: 'task-1',
    timestamp: new Date().toISOString(),
    payload: { content },
  };
}

/** Starts redis-server (append-only, so that it can restart with its data). */
export async function startTestRedis(maxLen = 100_000): Promise<TestRedis> {
  const server = await startRedisServer({ appendOnly: true });
  // Retries through a restart, like the services' own clients.
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const keys = createKeys('komputer');
  const events = new EventStore({ redis, keys, maxLen });
  return {
    server,
    redis,
    events,
    keys,
    async addAgent(name, namespace = 'default') {
      await redis
        .multi()
        .hset(keys.agent(namespace, name), 'name', name, 'namespace', namespace)
        .sadd(keys.agents(namespace), name)
        .exec();
    },
    async append(name, n, make = (i) => textEvent(i), namespace = 'default') {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(await events.append(namespace, name, make(i)));
      return ids;
    },
    async close() {
      redis.disconnect();
      await server.stop({ removeData: true });
    },
  };
}

/** Starts an event-relay against `redisUrl`; `env` overrides its settings. */
export async function startTestRelay(
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<TestRelay> {
  const config = parseConfig(EventRelayConfigSchema, {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    ...env,
  });
  const { destination, lines: logs } = collectLogLines();
  const logger = createLogger({ name: 'event-relay', level: 'debug', destination });
  const eventRelay = createEventRelay(config, logger);
  const url = await eventRelay.listen();
  return {
    eventRelay,
    url,
    api: `${url}/api/v1`,
    ws: `${url.replace('http', 'ws')}/api/v1`,
    logs,
  };
}

/** How a socket ended. */
export interface Closed {
  code: number;
  reason: string;
  /** The reason parsed as JSON, when it is. */
  parsed?: CloseReason;
}

/**
 * A real `ws` client that keeps every event it receives and lets a test wait, with a timeout,
 * until they satisfy a condition.
 */
export class TestClient {
  readonly events: AgentEvent[] = [];
  /** Pings received from the relay. */
  pings = 0;
  readonly closed: Promise<Closed>;
  private waiters: (() => void)[] = [];
  private closedWith: Closed | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.events.push(JSON.parse(data.toString()) as AgentEvent);
      this.notify();
    });
    ws.on('ping', () => {
      this.pings += 1;
      this.notify();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        const text = reason.toString();
        let parsed: CloseReason | undefined;
        try {
          parsed = JSON.parse(text) as CloseReason;
        } catch {
          // not JSON
        }
        this.closedWith = { code, reason: text, ...(parsed ? { parsed } : {}) };
        resolve(this.closedWith);
        this.notify();
      });
    });
  }

  /** Opens a socket; resolves once it is open (a relay error then arrives as a close). */
  static connect(url: string, options?: ClientOptions): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Opens a socket and waits for the relay to close it. */
  static async rejected(url: string, timeoutMs = 5_000): Promise<Closed> {
    const client = await TestClient.connect(url);
    return withTimeout(client.closed, timeoutMs, `no close from ${url}`);
  }

  /** The ids received, in order. */
  get ids(): string[] {
    return this.events.map((e) => e.id);
  }

  /** Waits until `done(events)` holds; rejects on timeout, or when the socket closed first. */
  until(done: (events: AgentEvent[]) => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done(this.events)) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve();
        } else if (this.closedWith) {
          clearTimeout(timer);
          reject(
            new Error(
              `closed (${this.closedWith.code} ${this.closedWith.reason}) after ${this.events.length} events`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out with ${this.events.length} events`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Waits for `n` events in all. */
  count(n: number, timeoutMs?: number): Promise<void> {
    return this.until((events) => events.length >= n, timeoutMs);
  }

  /** Closes the socket and waits for it to end. */
  async close(): Promise<void> {
    this.ws.close();
    await withTimeout(this.closed, 5_000, 'socket did not close').catch(() => this.ws.terminate());
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Rejects with `message` unless `promise` settles within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Waits until `check` holds, asking again every `everyMs`; rejects after `timeoutMs`. For state
 * that announces nothing (what Redis holds), where there is no event to wait for.
 */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** One Server-Sent Event. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** A streaming SSE reader over one plain HTTP connection: keeps every message, counts comments. */
export class SseClient {
  readonly messages: SseMessage[] = [];
  comments = 0;
  private waiters: (() => void)[] = [];
  private ended = false;
  /** Resolves when the stream ends. */
  readonly done: Promise<void>;

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    private readonly res: IncomingMessage,
  ) {
    this.done = this.read();
  }

  /** Opens the stream; check `status` before reading messages. */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = get(url, { headers, agent: false }, (res) => {
        resolve(new SseClient(res.statusCode ?? 0, res.headers, res));
      });
      req.once('error', reject);
    });
  }

  /** The events (not `close`), parsed. */
  get events(): AgentEvent[] {
    return this.messages
      .filter((m) => m.event === undefined)
      .map((m) => JSON.parse(m.data) as AgentEvent);
  }

  /** Waits until `done(this)` holds; rejects on timeout or when the stream ended first. */
  until(done: (client: SseClient) => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done(this)) {
          clearTimeout(timer);
          resolve();
        } else if (this.ended) {
          clearTimeout(timer);
          reject(new Error(`stream ended after ${this.messages.length} messages`));
        } else return;
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out with ${this.messages.length} messages`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Drops the connection. */
  close(): void {
    this.res.destroy();
  }

  private async read(): Promise<void> {
    this.res.setEncoding('utf8');
    let buffer = '';
    try {
      for await (const chunk of this.res) {
        buffer += chunk as string;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        for (const waiter of [...this.waiters]) waiter();
      }
    } catch {
      // aborted
    } finally {
      this.ended = true;
      for (const waiter of [...this.waiters]) waiter();
    }
  }

  private parse(block: string): void {
    const message: SseMessage = { data: '' };
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments += 1;
        continue;
      }
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      fields += 1;
      if (name === 'id') message.id = value;
      else if (name === 'event') message.event = value;
      else if (name === 'data') message.data += value;
    }
    if (fields > 0) this.messages.push(message);
  }
}
