import { createHash } from 'node:crypto';
import type { RedisClient } from '@komputer/service-kit';

type Command = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** The commands defined on each client: a client's scripts are its own. */
const defined = new WeakMap<RedisClient, Set<string>>();

/**
 * A Lua script, run as a custom command of the client (ioredis `defineCommand`): by its SHA,
 * with a fallback to the source when Redis has forgotten it, as after a restart.
 */
export class LuaScript {
  private readonly name: string;

  constructor(
    private readonly source: string,
    private readonly numberOfKeys: number,
  ) {
    this.name = `komputer_${createHash('sha1').update(source).digest('hex').slice(0, 16)}`;
  }

  /** Runs the script with `keys` and `args`. */
  run(
    redis: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) {
      return Promise.reject(new Error(`script expects ${this.numberOfKeys} keys`));
    }
    let names = defined.get(redis);
    if (!names) defined.set(redis, (names = new Set()));
    if (!names.has(this.name)) {
      redis.defineCommand(this.name, { numberOfKeys: this.numberOfKeys, lua: this.source });
      names.add(this.name);
    }
    const command = (redis as unknown as Record<string, Command>)[this.name] as Command;
    return command.call(redis, ...keys, ...args);
  }
}
