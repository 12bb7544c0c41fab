import type { AgentEvent, CloseReason } from '@komputer/contracts';
import { get } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';
import { withTimeout } from './wait';

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
