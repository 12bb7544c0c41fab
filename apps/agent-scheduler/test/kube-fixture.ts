import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import {
  createRegistries,
  generateSecretKey,
  parseSecretKey,
  TaskTokenSigner,
} from '@komputer/connectors';
import { parseConfig } from '@komputer/service-kit';
import { ApprovalStore, QuotaStore, TemplateStore } from '@komputer/store';
import { emulatorKubeconfig } from '@komputer/testing';
import type { KubeEmulator, KubeEmulatorOptions } from '@komputer/testing';
import { KubernetesDriverConfigSchema } from '../src/kubernetes/config';
import type { KubernetesDriverConfig } from '../src/kubernetes/config';
import { Liveness } from '../src/liveness';
import type { RuntimeDriver } from '../src/runtime-driver';
import { TaskRunner } from '../src/task-runner';
import { TaskTokens } from '../src/task-tokens';
import type { SchedulerFixture } from './harness';

/** The Kubernetes namespace of agents' pods in the tests. */
export const KUBE_NAMESPACE = 'komputer-agents';

/** The agent-runtime image that the tests' pods run. */
export const RUNTIME_IMAGE = 'komputer/agent-runtime:dev';

/**
 * What the emulator's kubelet runs for the runtime image: the agent-runtime bundle, as the
 * image's entrypoint does.
 */
export function runtimeImage(entry: string): NonNullable<KubeEmulatorOptions['images']> {
  return { [RUNTIME_IMAGE]: { command: [process.execPath, entry] } };
}

/**
 * The kubernetes driver's settings for the tests, with `overrides` on top. Without
 * `KOMPUTER_MODEL_PROXY_URL`, pods call the model proxy whose address the driver's start gets.
 */
export function kubeDriverConfig(
  kubeconfigPath: string,
  overrides: Record<string, string> = {},
): KubernetesDriverConfig {
  return parseConfig(KubernetesDriverConfigSchema, {
    KOMPUTER_KUBECONFIG: kubeconfigPath,
    KOMPUTER_KUBE_NAMESPACE: KUBE_NAMESPACE,
    KOMPUTER_KUBE_RUNTIME_IMAGE: RUNTIME_IMAGE,
    KOMPUTER_KUBE_START_TIMEOUT_MS: '30000',
    ...overrides,
  });
}

/** A task runner over `driver`, as the scheduler builds one, for tests that run tasks. */
export function taskRunnerFor(f: SchedulerFixture, driver: RuntimeDriver, id: string): TaskRunner {
  const registries = createRegistries({
    redis: f.redis,
    keys: f.keys,
    agents: f.agents,
    logger: f.logger,
    secretKey: generateSecretKey(),
    mcpTimeoutMs: 5_000,
  });
  return new TaskRunner({
    agents: f.agents,
    driver,
    connectors: registries.connectors,
    // No test here gives an agent a connector.
    registryUrl: 'http://127.0.0.1:9',
    memories: registries.memories,
    skills: registries.skills,
    // The tests' pods call the scripted model, which takes any token, straight.
    tokens: new TaskTokens(new TaskTokenSigner(parseSecretKey(generateSecretKey()))),
    liveness: new Liveness({ ...f, id, judgeAfterMs: 0, status: () => driver.sandbox }),
    templates: new TemplateStore({ redis: f.redis, keys: f.keys }),
    approvals: new ApprovalStore({ redis: f.redis, keys: f.keys }),
    quotas: new QuotaStore({ redis: f.redis, keys: f.keys }),
    limits: { maxTurns: 10, maxBudgetUsd: 5, timeoutMs: 60_000 },
    textDeltas: false,
    scheduler: id,
    logger: f.logger,
  });
}

/**
 * A TCP proxy in front of the emulator's API server, whose connections a test can cut, as a
 * network fault or an API server restart would: the driver's attachments break under it.
 */
export interface ApiProxy {
  /** A kubeconfig file that points at the proxy. */
  kubeconfigPath: string;
  /** Destroys every open connection; new ones are still accepted. */
  cut(): void;
  /** How many connections it has carried. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Starts an {@link ApiProxy} to `emulator`, writing its kubeconfig into `dir`. */
export async function startApiProxy(emulator: KubeEmulator, dir: string): Promise<ApiProxy> {
  const open = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = connect(emulator.port, emulator.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const kubeconfigPath = join(dir, 'kubeconfig-proxy');
  writeFileSync(kubeconfigPath, emulatorKubeconfig(`http://127.0.0.1:${port}`));
  return {
    kubeconfigPath,
    cut() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    get connections() {
      return connections;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
