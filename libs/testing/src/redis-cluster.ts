import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { findFreePort } from './listen';
import { RedisServer } from './redis-server';
import { eventually } from './wait';

const run = promisify(execFile);

/** Options for {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Primaries, each serving a share of the slots. Default 3 (the fewest a cluster allows). */
  primaries?: number;
  /** How long a node may stay silent before the others call it failed. Default 1000 ms. */
  nodeTimeoutMs?: number;
}

/** One node of a {@link RedisClusterGroup}. */
export interface ClusterNodeInfo {
  server: RedisServer;
  port: number;
}

/** A Redis Cluster of real redis-server processes, each primary with one replica. */
export interface RedisClusterGroup {
  /** Every node, primaries and replicas; which are primaries changes on failover. */
  nodes: ClusterNodeInfo[];
  /** `[{ host, port }]` of every node, as ioredis's `Cluster` takes its startup nodes. */
  startupNodes: { host: string; port: number }[];
  /** The port of the primary that serves `key`'s slot now, as a live node tells it. */
  primaryOf(key: string): Promise<number>;
  /**
   * Kills (SIGKILL) the primary on `port` and resolves with the port of the replica that took
   * its slots, once every live node sees the cluster healthy again; rejects after `timeoutMs`.
   */
  failover(port: number, timeoutMs?: number): Promise<number>;
  /** Stops every process and removes their data. */
  stop(): Promise<void>;
}

/** Finds redis-cli, or throws an error that says how to install it. */
function findRedisCli(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error(
      'redis-cli was not found on PATH; the Redis Cluster tests create their cluster with it.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y redis-tools',
    );
  }
  return path;
}

/** Every node as the node on `port` sees it (`CLUSTER NODES`): its port and flags. */
async function clusterNodes(port: number): Promise<{ port: number; flags: string[] }[]> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    const text = (await client.call('CLUSTER', 'NODES')) as string;
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [, address = '', flags = ''] = line.split(' ');
        return { port: Number(address.split('@')[0]?.split(':')[1]), flags: flags.split(',') };
      });
  } finally {
    client.disconnect();
  }
}

/** Whether the node on `port` answers and calls the cluster healthy (every slot served). */
async function healthy(port: number): Promise<boolean> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    const info = (await client.call('CLUSTER', 'INFO')) as string;
    return info.includes('cluster_state:ok');
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Starts a Redis Cluster on 127.0.0.1: `primaries` primaries, each with one replica, made with
 * `redis-cli --cluster create`. Resolves once every node calls the cluster healthy and every
 * replica has caught up.
 */
export async function startRedisCluster(
  options: RedisClusterOptions = {},
): Promise<RedisClusterGroup> {
  const cli = findRedisCli();
  const count = (options.primaries ?? 3) * 2;
  const nodes: ClusterNodeInfo[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.server.stop({ removeData: true })));
  };
  try {
    for (let i = 0; i < count; i++) {
      // The cluster bus listens on a port of its own; by default the client port + 10000,
      // which may be taken or out of range, so it gets a free one too.
      const port = await findFreePort();
      const busPort = await findFreePort();
      const server = new RedisServer({
        port,
        config: [
          'cluster-enabled yes',
          `cluster-port ${busPort}`,
          'cluster-config-file nodes.conf',
          `cluster-node-timeout ${options.nodeTimeoutMs ?? 1_000}`,
          // A replica takes over whatever its last contact with its primary.
          'cluster-replica-validity-factor 0',
        ],
      });
      await server.start();
      nodes.push({ server, port });
    }
    await run(cli, [
      '--cluster',
      'create',
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await eventually(
      async () => (await Promise.all(nodes.map((n) => healthy(n.port)))).every(Boolean),
      'every node calls the cluster healthy',
      30_000,
      100,
    );
    // Each primary's replica is attached and acknowledges what the primary holds: in sync.
    for (const node of nodes) {
      const roles = await clusterNodes(node.port);
      if (!roles.find((r) => r.port === node.port)?.flags.includes('master')) continue;
      const probe = new Redis({ port: node.port, host: '127.0.0.1' });
      try {
        await eventually(
          async () => (await probe.wait(1, 1_000)) >= 1,
          `the replica of :${node.port} has caught up`,
          30_000,
          100,
        );
      } finally {
        probe.disconnect();
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const live = () => nodes.filter((node) => node.server.pid !== undefined);
  const askLive = async () => {
    const node = live()[0];
    if (!node) throw new Error('no node of the cluster runs');
    return node.port;
  };
  return {
    nodes,
    startupNodes: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    async primaryOf(key) {
      const client = new Redis({ port: await askLive(), host: '127.0.0.1' });
      try {
        const slot = (await client.call('CLUSTER', 'KEYSLOT', key)) as number;
        const ranges = (await client.call('CLUSTER', 'SLOTS')) as [
          number,
          number,
          [string, number],
        ][];
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        if (!range) throw new Error(`no node serves slot ${slot}`);
        return range[2][1];
      } finally {
        client.disconnect();
      }
    },
    async failover(port, timeoutMs = 30_000) {
      const victim = nodes.find((node) => node.port === port);
      if (!victim) throw new Error(`no node of the cluster listens on ${port}`);
      const before = new Set(
        (await clusterNodes(port)).filter((n) => n.flags.includes('master')).map((n) => n.port),
      );
      await victim.server.stop({ signal: 'SIGKILL' });
      let promoted = 0;
      await eventually(
        async () => {
          const others = live();
          if (!(await Promise.all(others.map((n) => healthy(n.port)))).every(Boolean)) return false;
          const primaries = (await clusterNodes(others[0]?.port ?? 0)).filter(
            (n) => n.flags.includes('master') && !n.flags.includes('fail'),
          );
          const fresh = primaries.find((n) => !before.has(n.port));
          if (fresh) promoted = fresh.port;
          return fresh !== undefined;
        },
        `a replica took over from :${port}`,
        timeoutMs,
        100,
      );
      return promoted;
    },
    stop,
  };
}
