import {
  createRuntimeDriver,
  createScheduler,
  SchedulerConfigSchema,
} from '@komputer/agent-scheduler';
import type { Scheduler } from '@komputer/agent-scheduler';
import { generateSecretKey } from '@komputer/connectors';
import { createGateway, GatewayConfigSchema } from '@komputer/gateway';
import type { Gateway } from '@komputer/gateway';
import { createLogger, parseConfig } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import {
  collectLogLines,
  startKubeEmulator,
  startRedisServer,
  startScriptedAnthropic,
} from '@komputer/testing';
import type { KubeEmulator, RedisServer, ScriptedAnthropic } from '@komputer/testing';
import { Redis } from 'ioredis';
import { runtimeEntry } from './e2e-stack';

/** The Kubernetes namespace of agents' pods in these tests. */
export const KUBE_NAMESPACE = 'komputer-agents';

/** The agent-runtime image that the emulator runs for agents' pods. */
export const RUNTIME_IMAGE = 'komputer/agent-runtime:dev';

/**
 * Starts the Kubernetes API emulator, whose kubelet runs the runtime image as the built
 * agent-runtime bundle.
 */
export function startRuntimeCluster(): Promise<KubeEmulator> {
  return startKubeEmulator({
    images: { [RUNTIME_IMAGE]: { command: [process.execPath, runtimeEntry] } },
    namespaces: ['default', KUBE_NAMESPACE],
    maxGracePeriodMs: 2_000,
  });
}

/**
 * The settings of a scheduler on the kubernetes driver, on the emulator, and of a gateway. The
 * scheduler's model proxy holds the key and calls `modelUrl`; the emulator's pods run on this
 * host, so they reach the proxy where it listens, unless `KOMPUTER_MODEL_PROXY_URL` says where.
 */
export function kubeEnv(
  emulator: KubeEmulator,
  redisUrl: string,
  modelUrl: string,
): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: redisUrl,
    // API keys are off unless a test turns them on.
    KOMPUTER_AUTH: 'off',
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    KOMPUTER_RECONCILE_GRACE_MS: '600000',
    KOMPUTER_RUNTIME_DRIVER: 'kubernetes',
    KOMPUTER_KUBECONFIG: emulator.kubeconfigPath,
    KOMPUTER_KUBE_NAMESPACE: KUBE_NAMESPACE,
    KOMPUTER_KUBE_RUNTIME_IMAGE: RUNTIME_IMAGE,
    KOMPUTER_KUBE_START_TIMEOUT_MS: '30000',
    ANTHROPIC_API_KEY: 'sk-ant-test-key',
    ANTHROPIC_BASE_URL: modelUrl,
  };
}

/** A scheduler from the settings in `env`, with the driver they name, as its own process builds it. */
export function schedulerFromEnv(env: Record<string, string>, logger: Logger): Scheduler {
  const config = parseConfig(SchedulerConfigSchema, env);
  return createScheduler(
    config,
    logger,
    createRuntimeDriver(config, env, { logger, runtimeEntry }),
  );
}

/** A gateway and a scheduler on the kubernetes driver, with Redis, the model and the emulator. */
export interface KubeStack {
  emulator: KubeEmulator;
  redisServer: RedisServer;
  redis: Redis;
  model: ScriptedAnthropic;
  gateway: Gateway;
  scheduler: Scheduler;
  env: Record<string, string>;
  logger: Logger;
  /** `http://host:port/api/v1`. */
  api: string;
  /** `ws://host:port/api/v1`. */
  ws: string;
  /** The last 40 log lines, for a failure message. */
  recentLog(): string;
  close(): Promise<void>;
}

/** Starts a {@link KubeStack}, every part in this process but the pods' runtimes. */
export async function startKubeStack(): Promise<KubeStack> {
  const { destination, lines } = collectLogLines(500);
  const logger = createLogger({ name: 'kube-e2e', level: 'debug', destination });
  const emulator = await startRuntimeCluster();
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url);
  const model = await startScriptedAnthropic();
  const env = kubeEnv(emulator, redisServer.url, model.url);
  const scheduler = schedulerFromEnv(env, logger);
  await scheduler.start();
  const gateway = createGateway(parseConfig(GatewayConfigSchema, env), logger);
  const url = await gateway.listen();
  return {
    emulator,
    redisServer,
    redis,
    model,
    gateway,
    scheduler,
    env,
    logger,
    api: `${url}/api/v1`,
    ws: `${url.replace(/^http/, 'ws')}/api/v1`,
    recentLog: () => lines.slice(-40).join('\n'),
    async close() {
      await gateway.close();
      await scheduler.close();
      redis.disconnect();
      await model.close();
      await emulator.close();
      await redisServer.stop({ removeData: true });
    },
  };
}
