import { randomUUID } from 'node:crypto';

/** A request as it travels: an id, a method and its parameters. */
export interface PeerRequest {
  type: 'request';
  id: string;
  method: string;
  params?: unknown;
}

/** The answer to a {@link PeerRequest}, with its id. */
export interface PeerResponse {
  type: 'response';
  id: string;
  result?: unknown;
  error?: { code: string; message: string };
}

/** A request the other side answered with an error, or did not answer in time. */
export class PeerRequestError extends Error {
  override readonly name = 'PeerRequestError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Answers one method's requests; what it throws goes back as the error. */
export type PeerRequestHandler = (params: unknown) => unknown;

/** Options for {@link RequestPeer}. */
export interface RequestPeerOptions {
  /** Sends a message to the other side; false when it cannot be sent. */
  send: (message: PeerRequest | PeerResponse) => boolean;
  /** How many of this side's requests may wait for an answer at once. */
  maxPending: number;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One side of id-matched requests and responses over a message channel, in both directions:
 * {@link request} asks the other side and waits for the answer with the same id, within a
 * timeout; {@link handle} answers the other side's requests.
 */
export class RequestPeer {
  private readonly pending = new Map<string, Pending>();
  private readonly handlers = new Map<string, PeerRequestHandler>();
  private closedFor: string | undefined;

  constructor(private readonly options: RequestPeerOptions) {}

  /** Answers requests for `method` with `handler`. */
  handle(method: string, handler: PeerRequestHandler): void {
    this.handlers.set(method, handler);
  }

  /** Asks the other side; rejects with a {@link PeerRequestError} on an error or a timeout. */
  request(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    if (this.closedFor !== undefined) {
      return Promise.reject(new PeerRequestError('CHANNEL_CLOSED', this.closedFor));
    }
    if (this.pending.size >= this.options.maxPending) {
      const message = `${this.options.maxPending} requests wait for an answer already`;
      return Promise.reject(new PeerRequestError('TOO_MANY_REQUESTS', message));
    }
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new PeerRequestError('TIMEOUT', `no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.options.send({ type: 'request', id, method, params })) {
        this.settle(id, () => new PeerRequestError('CHANNEL_CLOSED', 'the channel is closed'));
      }
    });
  }

  /** Takes a request or a response that came from the other side. */
  receive(message: PeerRequest | PeerResponse): void {
    if (message.type === 'response') {
      const { error } = message;
      this.settle(
        message.id,
        () => (error ? new PeerRequestError(error.code, error.message) : undefined),
        message.result,
      );
      return;
    }
    void this.answer(message);
  }

  /** Fails every request still waiting, and any later one, with `reason`. Idempotent. */
  close(reason: string): void {
    this.closedFor ??= reason;
    this.interrupt('CHANNEL_CLOSED', reason);
  }

  /**
   * Fails every request still waiting with `code` and `reason`, and stays open for later ones:
   * the other side changed (another supervisor attached), so answers to what was asked before
   * will not come.
   */
  interrupt(code: string, reason: string): void {
    for (const id of [...this.pending.keys()]) {
      this.settle(id, () => new PeerRequestError(code, reason));
    }
  }

  private async answer(request: PeerRequest): Promise<void> {
    const { id, method } = request;
    const handler = this.handlers.get(method);
    if (!handler) {
      const message = `no method "${method}"`;
      this.options.send({ type: 'response', id, error: { code: 'UNKNOWN_METHOD', message } });
      return;
    }
    try {
      const result = await handler(request.params);
      this.options.send({ type: 'response', id, result });
    } catch (err) {
      const code = err instanceof PeerRequestError ? err.code : 'FAILED';
      const message = err instanceof Error ? err.message : String(err);
      this.options.send({ type: 'response', id, error: { code, message } });
    }
  }

  /** Ends request `id`: with the error that `failure` gives, or else with `result`. */
  private settle(id: string, failure: () => Error | undefined, result?: unknown): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const err = failure();
    if (err) pending.reject(err);
    else pending.resolve(result);
  }
}
