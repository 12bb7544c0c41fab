import { RELAY_CLOSE_CODES } from '@komputer/contracts';
import type { Principal } from '@komputer/routes';
import type { Logger, RedisClient } from '@komputer/service-kit';
import type { ApiKeyStore } from '@komputer/store';
import type { Connection } from './connection';

/** Options for {@link KeyWatch}. */
export interface KeyWatchOptions {
  keys: ApiKeyStore;
  /** A connection of its own, for the change notices (a subscribed client runs no commands). */
  subscriber: RedisClient;
  /** The channel on which each revoked or rotated key's id is published. */
  channel: string;
  /** How often every open stream's key is checked, should a notice be missed. */
  recheckMs: number;
  logger: Logger;
}

interface Watched {
  connection: Connection;
  generation: number;
}

const REVOKED = {
  code: 'UNAUTHENTICATED',
  message: 'the API key was revoked or rotated',
} as const;

/**
 * Ends the streams of keys that are revoked or rotated: at once on the change notice that the
 * key store publishes, and at the latest on the next periodic check of every open stream's key.
 * A stream is closed with `4401` when its key is gone or its secret's generation is no longer
 * the one it authenticated with.
 */
export class KeyWatch {
  private readonly byKey = new Map<string, Set<Watched>>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: KeyWatchOptions) {
    const { subscriber, channel, recheckMs, logger } = options;
    subscriber.on('message', (_channel: string, keyId: string) => this.check([keyId]));
    // SUBSCRIBE only on a ready connection (as the scheduler does); ioredis subscribes again
    // by itself after a reconnect.
    const subscribe = () =>
      subscriber.subscribe(channel).catch((err: unknown) => {
        logger.warn({ err }, 'could not follow API key changes; the periodic check still runs');
      });
    if (subscriber.status === 'ready') void subscribe();
    else subscriber.once('ready', () => void subscribe());
    this.timer = setInterval(() => this.check([...this.byKey.keys()]), recheckMs);
    this.timer.unref();
  }

  /** Watches the key of `principal` for as long as `connection` is open. */
  add(principal: Principal, connection: Connection): void {
    if (principal.kind !== 'key') return;
    const watched: Watched = { connection, generation: principal.generation };
    let set = this.byKey.get(principal.keyId);
    if (!set) this.byKey.set(principal.keyId, (set = new Set()));
    set.add(watched);
    connection.onGone(() => {
      set.delete(watched);
      if (set.size === 0 && this.byKey.get(principal.keyId) === set) {
        this.byKey.delete(principal.keyId);
      }
    });
  }

  private check(ids: string[]): void {
    const watchedIds = ids.filter((id) => this.byKey.has(id));
    if (watchedIds.length === 0) return;
    this.options.keys
      .generations(watchedIds)
      .then((current) => {
        for (const id of watchedIds) {
          for (const watched of this.byKey.get(id) ?? []) {
            if (current.get(id) === watched.generation) continue;
            watched.connection.close(RELAY_CLOSE_CODES.UNAUTHENTICATED, REVOKED);
          }
        }
      })
      .catch((err: unknown) => {
        this.options.logger.warn({ err }, 'checking the keys of open streams failed');
      });
  }

  /** Stops the periodic check. The subscriber is the caller's to close. */
  close(): void {
    clearInterval(this.timer);
  }
}
