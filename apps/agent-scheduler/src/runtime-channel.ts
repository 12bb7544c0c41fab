import type { Readable, Writable } from 'node:stream';
import { RUNTIME_MAX_LINE_BYTES, RuntimeMessageSchema } from '@komputer/contracts';
import type { RuntimeMessage, SupervisorMessage } from '@komputer/contracts';
import { JsonLineWriter, readJsonLines, RequestPeer } from '@komputer/service-kit';
import type { Logger, PeerRequestHandler } from '@komputer/service-kit';

/** Options for {@link RuntimeChannel}. */
export interface RuntimeChannelOptions {
  /** The runtime's messages: one JSON object a line. */
  input: Readable;
  /** Where messages to the runtime go. */
  output: Writable;
  /** A runtime silent this long, once it has said anything, is reported by `onSilent`. */
  heartbeatTimeoutMs: number;
  /** Called once when the runtime has been silent for `heartbeatTimeoutMs`. */
  onSilent: (reason: string) => void;
  /**
   * The channel is attached to a runtime that runs already, and is about to send it `resume`:
   * events that come before the runtime's `ready` are not delivered. They were sent before the
   * runtime read the `resume`, so it sends them again, in order, right after its `ready`;
   * delivered now, they would overtake the older events that it sends again, which a channel
   * then drops as repeats.
   */
  resuming?: boolean;
  logger: Logger;
}

/** How long a write waits for a runtime that stopped reading before it moves on. */
const DRAIN_TIMEOUT_MS = 5_000;
/** How many tasks' last delivered events a channel remembers. */
const REMEMBERED_TASKS = 16;
/** How many of the supervisor's requests may wait for the runtime's answer at once. */
const MAX_PENDING_REQUESTS = 64;

/**
 * The supervisor's side of the runtime protocol over any duplex byte stream: JSON lines,
 * validated with zod, the runtime's ready state, the heartbeat watchdog, listeners, and
 * id-matched requests in both directions. It delivers each event of a task at most once, in
 * order, even when a runtime sends it again (as it does after a `resume`).
 */
export class RuntimeChannel {
  /** The runtime has said `ready`. */
  ready = false;
  /** The runtime's last `ready` said its workspace holds a conversation to continue. */
  resumable = false;
  private readonly listeners = new Set<(message: RuntimeMessage) => void>();
  private readonly writer: JsonLineWriter<SupervisorMessage>;
  private readonly requests: RequestPeer;
  private readonly reading = new AbortController();
  /** The last event delivered, by task: a repeat or an older one is not delivered again. */
  private readonly delivered = new Map<string, number>();
  private watchdog: NodeJS.Timeout | undefined;
  private silent = false;
  /** Events are held back until the runtime's `ready` (see `resuming`). */
  private awaitingReady: boolean;

  constructor(private readonly options: RuntimeChannelOptions) {
    const { logger } = options;
    this.awaitingReady = options.resuming === true;
    this.writer = new JsonLineWriter<SupervisorMessage>(options.output, {
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
      onError: (err) => logger.warn({ err: err.message }, 'the runtime closed its input'),
    });
    this.requests = new RequestPeer({
      send: (message) => this.send(message),
      maxPending: MAX_PENDING_REQUESTS,
    });
    void readJsonLines(options.input, {
      schema: RuntimeMessageSchema,
      maxLineBytes: RUNTIME_MAX_LINE_BYTES,
      onMessage: (message) => this.receive(message),
      onInvalid: (reason) => logger.warn({ reason }, 'ignored a message from the runtime'),
      signal: this.reading.signal,
    }).then(() => this.requests.close('the runtime’s output ended'));
  }

  /** False when the runtime's input can no longer be written. */
  get writable(): boolean {
    return this.writer.writable;
  }

  /** Sends a message; false when the runtime's input is closed. */
  send(message: SupervisorMessage): boolean {
    if (!this.writer.writable) return false;
    void this.writer.write(message);
    return true;
  }

  /** Calls `listener` for every valid message; returns a function that stops it. */
  onMessage(listener: (message: RuntimeMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the runtime, and resolves with its answer (see `RequestPeer`). */
  request(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    return this.requests.request(method, params, timeoutMs);
  }

  /** Answers the runtime's requests for `method`. */
  handle(method: string, handler: PeerRequestHandler): void {
    this.requests.handle(method, handler);
  }

  /**
   * Stops reading and watching, and fails the requests that wait, leaving the streams open: a
   * new channel may attach to them. Idempotent.
   */
  detach(reason: string): void {
    this.reading.abort();
    clearTimeout(this.watchdog);
    this.requests.close(reason);
    this.listeners.clear();
  }

  private receive(message: RuntimeMessage): void {
    this.feedWatchdog();
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.resumable = message.resumable;
        this.awaitingReady = false;
        break;
      case 'event': {
        if (this.awaitingReady) return;
        const { taskId } = message.event;
        if (message.seq <= (this.delivered.get(taskId) ?? 0)) return;
        this.delivered.set(taskId, message.seq);
        // Only the last few tasks' numbers matter: a runtime runs one task at a time.
        const oldest = this.delivered.keys().next().value;
        if (this.delivered.size > REMEMBERED_TASKS && oldest !== undefined) {
          this.delivered.delete(oldest);
        }
        break;
      }
      case 'request':
      case 'response':
        this.requests.receive(message);
        return;
    }
    for (const listener of this.listeners) listener(message);
  }

  /** The watchdog starts with the runtime's first message; until then the start timeout rules. */
  private feedWatchdog(): void {
    clearTimeout(this.watchdog);
    const { heartbeatTimeoutMs, onSilent } = this.options;
    this.watchdog = setTimeout(() => {
      if (this.silent) return;
      this.silent = true;
      onSilent(`the agent runtime sent no heartbeat for ${heartbeatTimeoutMs} ms`);
    }, heartbeatTimeoutMs);
    this.watchdog.unref();
  }
}
