import { Redis } from 'ioredis';
import { RedisServer } from './redis-server';

/** Options for {@link startSentinelGroup}. */
export interface SentinelGroupOptions {
  /** Replicas of the primary. Default 1. */
  replicas?: number;
  /** Sentinels watching it. Default 3, with a quorum of 2. */
  sentinels?: number;
  /** How long the primary may stay silent before the sentinels call it down. Default 1000 ms. */
  downAfterMs?: number;
}

/** A primary, its replicas and the sentinels that watch them: real redis-server processes. */
export interface SentinelGroup {
  /** The master's name in the sentinels. */
  master: string;
  /** `redis+sentinel://127.0.0.1:<port>,.../<master>`: the `REDIS_URL` of the apps. */
  url: string;
  /** Every data server, the first primary first; which one is primary changes on failover. */
  servers: RedisServer[];
  sentinels: RedisServer[];
  /** The port of the primary the sentinels name now. */
  primaryPort(): Promise<number>;
  /**
   * Runs `trigger` (kill the primary, say) and resolves with the new primary's port once a
   * sentinel announces the failover (`+switch-master`); rejects after `timeoutMs`.
   */
  failover(trigger: () => Promise<void>, timeoutMs?: number): Promise<number>;
  /** Stops every process and removes their data. */
  stop(): Promise<void>;
}

/**
 * Starts a primary, `replicas` replicas that follow it, and `sentinels` sentinels (quorum: a
 * majority) that fail it over when it goes silent, all on 127.0.0.1 and free ports. Resolves once
 * every replica has caught up with the primary and every sentinel knows them.
 */
export async function startSentinelGroup(
  options: SentinelGroupOptions = {},
): Promise<SentinelGroup> {
  const master = 'komputer';
  const downAfterMs = options.downAfterMs ?? 1_000;
  const primary = await new RedisServer().start();
  const servers = [primary];
  const sentinels: RedisServer[] = [];
  const stop = async () => {
    await Promise.all([...sentinels, ...servers].map((s) => s.stop({ removeData: true })));
  };
  try {
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      servers.push(
        await new RedisServer({ config: [`replicaof 127.0.0.1 ${primary.port}`] }).start(),
      );
    }
    // A write that every replica acknowledges: they are in sync.
    const probe = new Redis(primary.url);
    try {
      await probe.set('komputer:sentinel-group', 'ready');
      const acked = await probe.wait(servers.length - 1, 10_000);
      if (acked < servers.length - 1) throw new Error('the replicas did not catch up within 10 s');
    } finally {
      probe.disconnect();
    }
    const count = options.sentinels ?? 3;
    const quorum = Math.floor(count / 2) + 1;
    for (let i = 0; i < count; i++) {
      sentinels.push(
        await new RedisServer({
          sentinel: { master, port: primary.port, quorum, downAfterMs },
        }).start(),
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const first = sentinels[0];
  if (!first) throw new Error('a sentinel group needs at least one sentinel');
  const primaryPort = async () => {
    const sentinel = new Redis(first.url);
    try {
      const reply = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', master)) as [
        string,
        string,
      ];
      return Number(reply[1]);
    } finally {
      sentinel.disconnect();
    }
  };
  return {
    master,
    url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${master}`,
    servers,
    sentinels,
    primaryPort,
    async failover(trigger, timeoutMs = 30_000) {
      const listeners = sentinels.map((sentinel) => new Redis(sentinel.url));
      let timer: NodeJS.Timeout | undefined;
      try {
        const switched = new Promise<number>((resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no failover in ${timeoutMs} ms`)), timeoutMs);
          for (const listener of listeners) {
            listener.on('message', (_channel: string, message: string) => {
              // "<master> <old ip> <old port> <new ip> <new port>"
              const [name, , , , port] = message.split(' ');
              if (name === master) resolve(Number(port));
            });
          }
        });
        await Promise.all(listeners.map((listener) => listener.subscribe('+switch-master')));
        await trigger();
        return await switched;
      } finally {
        clearTimeout(timer);
        for (const listener of listeners) listener.disconnect();
      }
    },
    stop,
  };
}
