import type { KubeEmulatorOptions } from '@komputer/testing';

/** The Kubernetes namespace of agents' pods in the tests. */
export const KUBE_NAMESPACE = 'komputer-agents';

/** The agent-runtime image that the tests' pods run. */
export const RUNTIME_IMAGE = 'komputer/agent-runtime:dev';

/**
 * What the emulator's kubelet runs for the runtime image: the agent-runtime bundle, as the
 * image's entrypoint does. The image also sets a placeholder model key: until the scheduler's
 * model proxy hands each task its own token, the SDK in the runtime needs one to call the
 * scripted model at all. It is the image's, not the pod's: the driver puts no key in a pod.
 */
export function runtimeImage(entry: string): NonNullable<KubeEmulatorOptions['images']> {
  return {
    [RUNTIME_IMAGE]: {
      command: [process.execPath, entry],
      env: { ANTHROPIC_API_KEY: 'placeholder-until-the-model-proxy' },
    },
  };
}
