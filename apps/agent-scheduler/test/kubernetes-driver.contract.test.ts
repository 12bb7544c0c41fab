import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startKubeEmulator } from '@komputer/testing';
import type { KubeEmulator } from '@komputer/testing';
import { createKubernetesDriver } from '../src/kubernetes/driver';
import { agentObjectName, workspaceClaimName } from '../src/kubernetes/pod-spec';
import { runtimeDriverContract } from './driver-contract';
import { buildRuntime } from './harness';
import { KUBE_NAMESPACE, kubeDriverConfig, runtimeImage } from './kube-fixture';

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

runtimeDriverContract('kubernetes', async ({ fixture }) => {
  // Pods call the suite's model proxy, whose address the driver's start gets.
  const config = kubeDriverConfig(emulator.kubeconfigPath);
  const driver = createKubernetesDriver(config, { logger: fixture.logger, logLevel: 'warn' });
  return {
    driver,
    async kill(agent) {
      const pid = emulator.pidOf(KUBE_NAMESPACE, agentObjectName(agent));
      if (!pid) throw new Error(`no pod runs for ${agent.name}`);
      process.kill(pid, 'SIGKILL');
    },
    async hasRuntime(agent) {
      return emulator.pidOf(KUBE_NAMESPACE, agentObjectName(agent)) !== undefined;
    },
    async readWorkspaceFile(agent, path) {
      const volume = emulator.volumePath(KUBE_NAMESPACE, workspaceClaimName(agent));
      return volume === undefined
        ? undefined
        : readFile(join(volume, path), 'utf8').catch(() => undefined);
    },
    async hasWorkspace(agent) {
      const volume = emulator.volumePath(KUBE_NAMESPACE, workspaceClaimName(agent));
      return volume !== undefined && existsSync(volume);
    },
  };
});
