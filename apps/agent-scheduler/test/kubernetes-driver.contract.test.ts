import { existsSync } from 'node:fs';
import { parseConfig } from '@komputer/service-kit';
import { startKubeEmulator } from '@komputer/testing';
import type { KubeEmulator } from '@komputer/testing';
import { KubernetesDriverConfigSchema } from '../src/kubernetes/config';
import { createKubernetesDriver } from '../src/kubernetes/driver';
import { agentObjectName, workspaceClaimName } from '../src/kubernetes/pod-spec';
import { runtimeDriverContract } from './driver-contract';
import { buildRuntime } from './harness';
import { KUBE_NAMESPACE, RUNTIME_IMAGE, runtimeImage } from './kube-fixture';

// The same contract as the local driver's, on the Kubernetes API emulator: its kubelet runs
// each agent's pod as a local process, its claim as a directory, and serves attach over the
// real WebSocket protocol that client-node speaks.

let emulator: KubeEmulator;

beforeAll(async () => {
  emulator = await startKubeEmulator({
    images: runtimeImage(buildRuntime()),
    namespaces: ['default', KUBE_NAMESPACE],
    maxGracePeriodMs: 2_000,
  });
});
afterAll(() => emulator?.close());

runtimeDriverContract('kubernetes', async ({ fixture, modelUrl }) => {
  const config = parseConfig(KubernetesDriverConfigSchema, {
    KOMPUTER_KUBECONFIG: emulator.kubeconfigPath,
    KOMPUTER_KUBE_NAMESPACE: KUBE_NAMESPACE,
    KOMPUTER_KUBE_RUNTIME_IMAGE: RUNTIME_IMAGE,
    // Until the scheduler's model proxy lands, pods call the scripted model straight.
    KOMPUTER_MODEL_PROXY_URL: modelUrl,
    KOMPUTER_KUBE_START_TIMEOUT_MS: '30000',
  });
  const driver = createKubernetesDriver(config, { logger: fixture.logger, logLevel: 'warn' });
  return {
    driver,
    async kill(agent) {
      const pid = emulator.pidOf(KUBE_NAMESPACE, agentObjectName(agent));
      if (!pid) throw new Error(`no pod runs for ${agent.name}`);
      process.kill(pid, 'SIGKILL');
    },
    async hasWorkspace(agent) {
      const volume = emulator.volumePath(KUBE_NAMESPACE, workspaceClaimName(agent));
      return volume !== undefined && existsSync(volume);
    },
  };
});
