import type { SchedulerStatus } from '@komputer/contracts';
import type { Logger, RedisClient } from '@komputer/service-kit';
import type { Keys } from '@komputer/store';

/**
 * A running scheduler renews its liveness key this often, with this time to live. Once the key
 * has lapsed, the scheduler counts as dead and the others end or take over its tasks: from a
 * `SIGKILL` that takes at most the time to live plus one sweep.
 */
export const ALIVE_INTERVAL_MS = 3_000;
export const ALIVE_TTL_MS = 10_000;

/** Options for {@link Liveness}. */
export interface LivenessOptions {
  redis: RedisClient;
  keys: Keys;
  /** This scheduler's id. */
  id: string;
  /** What the scheduler says of itself, kept with its liveness for the gateway's readiness. */
  status: () => SchedulerStatus;
  logger: Logger;
  /**
   * How long this scheduler's connection must have been up before a lapsed key counts as death.
   * Default {@link ALIVE_TTL_MS}; shorter only where no outage can have happened (tests).
   */
  judgeAfterMs?: number;
}

/**
 * This scheduler's liveness key, and the judgement of the others'. A key can lapse for a reason
 * other than death: Redis was away longer than its time to live, and nobody could renew it. So
 * a lapsed key counts as death only once this scheduler's own connection has been up for a
 * whole time to live, long enough for every live scheduler to have renewed its key since.
 */
export class Liveness {
  private timer: NodeJS.Timeout | undefined;
  private readySince: number | undefined;
  private readonly onReady = () => {
    this.readySince = Date.now();
    if (this.timer) void this.renew();
  };
  private readonly onClose = () => {
    this.readySince = undefined;
  };

  constructor(private readonly options: LivenessOptions) {
    const { redis } = options;
    if (redis.status === 'ready') this.readySince = Date.now();
    redis.on('ready', this.onReady);
    redis.on('close', this.onClose);
  }

  /** Renews the key now and then every {@link ALIVE_INTERVAL_MS}, and again after a reconnect. */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => void this.renew(), ALIVE_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Stops renewing and removes the key: the others then treat this scheduler as stopped, and
   * take what it left. With `forget`, it also leaves the set of schedulers (its tasks all ended).
   */
  async stop(options: { forget: boolean }): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const { redis, keys, id } = this.options;
    redis.off('ready', this.onReady);
    redis.off('close', this.onClose);
    const multi = redis.multi().del(keys.schedulerAlive(id));
    if (options.forget) multi.del(keys.schedulerTasks(id)).srem(keys.schedulers(), id);
    await multi.exec().catch(() => undefined);
  }

  /**
   * The schedulers that are known and dead now, this one excepted; none while a lapsed key may
   * still be the trace of an outage.
   */
  async dead(): Promise<string[]> {
    if (!this.canJudge()) return [];
    const { redis, keys, id } = this.options;
    const known = (await redis.smembers(keys.schedulers())).filter((other) => other !== id);
    if (known.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const other of known) pipeline.exists(keys.schedulerAlive(other));
    const results = (await pipeline.exec()) ?? [];
    return known.filter((_, i) => {
      const [err, exists] = results[i] ?? [];
      if (err) throw err;
      return exists === 0;
    });
  }

  /** True when `scheduler` is alive, or when it cannot be told yet; false when it is dead. */
  async alive(scheduler: string): Promise<boolean> {
    if (scheduler === this.options.id || !this.canJudge()) return true;
    return (await this.options.redis.exists(this.options.keys.schedulerAlive(scheduler))) === 1;
  }

  private canJudge(): boolean {
    const after = this.options.judgeAfterMs ?? ALIVE_TTL_MS;
    return this.readySince !== undefined && Date.now() - this.readySince >= after;
  }

  /** Renews the key now, with what the scheduler says of itself now. */
  async renew(): Promise<void> {
    const { redis, keys, id, logger } = this.options;
    await redis
      .multi()
      .set(keys.schedulerAlive(id), JSON.stringify(this.options.status()), 'PX', ALIVE_TTL_MS)
      .sadd(keys.schedulers(), id)
      .exec()
      .catch((err: unknown) => logger.warn({ err }, 'could not renew the scheduler’s liveness'));
  }
}
