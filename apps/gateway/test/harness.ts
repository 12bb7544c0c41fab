import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { createLogger, parseConfig } from '@komputer/service-kit';
import { collectLogLines, startRedisServer, startServiceProcess } from '@komputer/testing';
import type { RedisServer, ServiceProcess } from '@komputer/testing';
import { Redis } from 'ioredis';
import { GatewayConfigSchema } from '../src/config';
import { createGateway } from '../src/gateway';
import type { Gateway, GatewayOptions } from '../src/gateway';

/** The connector-registry's bundle, which the jest global setup builds. */
const REGISTRY_ENTRY = join(
  __dirname,
  '..',
  '..',
  '..',
  'dist',
  'apps',
  'connector-registry',
  'main.js',
);

/** A gateway on a random port against its own real redis-server and connector-registry. */
export interface TestGateway {
  url: string;
  api: string;
  redisServer: RedisServer;
  /** A separate client for inspecting Redis directly. */
  redis: Redis;
  gateway: Gateway;
  /** The connector-registry the gateway forwards to: its bundle, in a process of its own. */
  registry: ServiceProcess;
  /** Stops the registry (SIGTERM); {@link TestGateway.startRegistry} starts it again. */
  stopRegistry(): Promise<void>;
  /** Starts the registry again, on the port the gateway knows. */
  startRegistry(): Promise<void>;
  /** Every log line the gateway wrote. */
  logs: string[];
  close(): Promise<void>;
}

/** Options of {@link startTestGateway} besides the gateway's own. */
export interface TestGatewayOptions {
  /** Where the gateway finds the registry, when not at the registry's own URL (a tap, say). */
  registryUrl?: string;
}

/**
 * Starts redis-server, the connector-registry (from its bundle) and a gateway that forwards to
 * it; `env` overrides config variables of both.
 */
export async function startTestGateway(
  env: Record<string, string> = {},
  options: GatewayOptions = {},
  testOptions: TestGatewayOptions = {},
): Promise<TestGateway> {
  const redisServer = await startRedisServer({ appendOnly: true });
  const registryEnv = {
    ...process.env,
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    // API keys are off unless a test turns them on.
    KOMPUTER_AUTH: 'off',
    ...env,
  };
  const startRegistry = (port = '0') =>
    startServiceProcess({
      entry: REGISTRY_ENTRY,
      env: { ...registryEnv, PORT: port },
      listening: 'connector-registry listening',
    });
  const t = {
    registry: await startRegistry(),
  };
  const config = parseConfig(GatewayConfigSchema, {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisServer.url,
    KOMPUTER_REGISTRY_URL: testOptions.registryUrl ?? t.registry.url,
    KOMPUTER_AUTH: 'off',
    // The tests send bursts (a hundred concurrent POSTs, the fuzzer's thousands) that no caller
    // of a real deployment should; the rate limit's own test sets its limits.
    KOMPUTER_RATE_LIMIT_PER_SECOND: '1000000',
    KOMPUTER_RATE_LIMIT_BURST: '1000000',
    ...env,
  });
  const { destination, lines: logs } = collectLogLines();
  const logger = createLogger({ name: 'gateway', level: 'debug', destination });
  const gateway = createGateway(config, logger, options);
  const url = await gateway.listen();
  const redis = new Redis(redisServer.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  return {
    url,
    api: `${url}/api/v1`,
    redisServer,
    redis,
    gateway,
    get registry() {
      return t.registry;
    },
    async stopRegistry() {
      await t.registry.stop();
    },
    async startRegistry() {
      t.registry = await startRegistry(String(t.registry.port));
    },
    logs,
    async close() {
      redis.disconnect();
      await gateway.close();
      await t.registry.stop();
      await redisServer.stop({ removeData: true });
    },
  };
}

/** Sends JSON and parses the answer. */
export async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // Tests read answers of many shapes; the assertions check them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
