import { createHash } from 'node:crypto';
import type { TaskTokenClaims, TaskTokenSigner } from '@komputer/connectors';

/** The task a token is issued for. */
export interface TokenSubject {
  namespace: string;
  /** The agent's name. */
  agent: string;
  /** The agent's uid; empty for an agent stored before agents had one. */
  uid: string;
  taskId: string;
}

/** What a task's token grants: model calls on behalf of that task, until it is revoked. */
export interface TaskGrant {
  /** `namespace/name` of the task's agent, for logs. */
  agent: string;
  taskId: string;
  /** Aborts when the token is revoked or expires: the calls made with it stop then. */
  signal: AbortSignal;
}

interface Entry {
  grant: TaskGrant;
  revoke: AbortController;
  expiresAt: number;
  timer: NodeJS.Timeout;
}

/**
 * The per-task tokens: a runtime calls the model, and its connectors through the
 * connector-registry, with its task's token, never with a real credential. Each token is signed
 * ({@link TaskTokenSigner}) so that the registry, another process, can check it; the model proxy
 * accepts only the ones live in this scheduler's memory: model calls go on while Redis is away,
 * and a token dies for the model with the task, or the scheduler, that it was issued for.
 *
 * Only a hash of each token is kept, so that the lookup's timing tells nothing about a token
 * and a memory dump does not hold working tokens.
 */
export class TaskTokens {
  private readonly entries = new Map<string, Entry>();

  /**
   * `running` tells whether a token's task still runs, for tokens that another scheduler issued
   * (see {@link verifyAnywhere}); without it only this scheduler's tokens are taken.
   */
  constructor(
    private readonly signer: TaskTokenSigner,
    private readonly running?: (claims: TaskTokenClaims) => Promise<boolean>,
  ) {}

  /**
   * A new token for `task`, valid until {@link revoke} or, should the task's end go unseen, for
   * `ttlMs`. Signing it costs no Redis round trip: a task's start stays as cheap as before.
   */
  issue(task: TokenSubject, ttlMs: number): string {
    const token = this.signer.sign({ ...task, expiresAt: Date.now() + ttlMs });
    const key = hashOf(token);
    const revoke = new AbortController();
    const timer = setTimeout(() => this.drop(key, 'the task’s token expired'), ttlMs);
    timer.unref();
    this.entries.set(key, {
      grant: {
        agent: `${task.namespace}/${task.agent}`,
        taskId: task.taskId,
        signal: revoke.signal,
      },
      revoke,
      expiresAt: Date.now() + ttlMs,
      timer,
    });
    return token;
  }

  /** The grant of a live token; undefined for a token that is unknown, revoked or expired. */
  verify(token: string): TaskGrant | undefined {
    const key = hashOf(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // A timer may fire late on a busy machine; the deadline holds regardless.
    if (Date.now() >= entry.expiresAt) {
      this.drop(key, 'the task’s token expired');
      return undefined;
    }
    return entry.grant;
  }

  /**
   * The grant of a token wherever it was issued: a live token of this scheduler, or one that
   * another scheduler signed for a task that still runs. Behind one Service in front of several
   * schedulers, a pod's model call may reach any of them; the task's own scheduler is the only
   * one that aborts its calls when it ends, and the others refuse its next call.
   */
  async verifyAnywhere(token: string): Promise<TaskGrant | undefined> {
    const own = this.verify(token);
    if (own || !this.running) return own;
    const claims = this.signer.verify(token);
    if (!claims || !(await this.running(claims))) return undefined;
    return {
      agent: `${claims.namespace}/${claims.agent}`,
      taskId: claims.taskId,
      signal: new AbortController().signal,
    };
  }

  /** Revokes a token: it is refused from now on, and the calls made with it are aborted. */
  revoke(token: string): void {
    this.drop(hashOf(token), 'the task ended');
  }

  /** How many tokens are live. */
  get size(): number {
    return this.entries.size;
  }

  /** Revokes every token. Idempotent. */
  close(): void {
    for (const key of [...this.entries.keys()]) this.drop(key, 'the scheduler is stopping');
  }

  private drop(key: string, reason: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    clearTimeout(entry.timer);
    entry.revoke.abort(new Error(reason));
  }
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
