import { isAbsolute } from 'node:path';
import { RuntimeSettingsSchema } from '@komputer/contracts';
import { z } from 'zod';

/** A Kubernetes resource quantity, such as `500m`, `2`, `256Mi` or `10Gi`. */
const QuantitySchema = z
  .string()
  .regex(
    /^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/,
    'must be a Kubernetes quantity such as 500m, 2, 256Mi or 10Gi',
  );

/** A DNS-1123 label, as a Kubernetes namespace's name must be. */
const KubeNamespaceSchema = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label, as a namespace name is');

/**
 * The kubernetes driver's configuration, read from the environment besides the scheduler's:
 * how to reach the cluster, where agents' pods go, what they run and what they get. The runtime
 * settings are handed to every pod, except `KOMPUTER_SANDBOX`: in a pod the pod is the sandbox,
 * so runtimes run with it off. Nothing here is a control-plane credential, and nothing else
 * reaches a pod.
 */
export const KubernetesDriverConfigSchema = RuntimeSettingsSchema.omit({
  KOMPUTER_SANDBOX: true,
}).extend({
  KOMPUTER_KUBECONFIG: z
    .string()
    .refine(isAbsolute, 'must be an absolute path')
    .optional()
    .describe(
      "A kubeconfig file for the kubernetes driver (its current context). Unset: the scheduler runs in the cluster and uses its pod's service account",
    ),
  KOMPUTER_KUBE_NAMESPACE: KubeNamespaceSchema.default('komputer-agents').describe(
    "The Kubernetes namespace of every agent's pod, workspace claim and lease, whatever the agent's komputer namespace (a label says that); it must exist",
  ),
  KOMPUTER_KUBE_RUNTIME_IMAGE: z
    .string()
    .min(1)
    .max(512)
    .regex(/^\S+$/, 'must be an image reference without spaces')
    .default('komputer/agent-runtime:latest')
    .describe('The agent-runtime image that agents’ pods run (its entrypoint starts the runtime)'),
  KOMPUTER_KUBE_IMAGE_PULL_POLICY: z
    .enum(['Always', 'IfNotPresent', 'Never'])
    .optional()
    .describe("The runtime image's pull policy. Unset: Kubernetes decides from the image's tag"),
  KOMPUTER_MODEL_PROXY_URL: z
    .url()
    .optional()
    .describe(
      "The scheduler's model proxy as agents' pods reach it (a Service's address): each runtime's `ANTHROPIC_BASE_URL`. Pods never get the model API key",
    ),
  KOMPUTER_KUBE_STORAGE_SIZE: QuantitySchema.default('1Gi').describe(
    "The size of each agent's workspace claim",
  ),
  KOMPUTER_KUBE_STORAGE_CLASS: z
    .string()
    .min(1)
    .max(253)
    .optional()
    .describe("The storage class of workspace claims. Unset: the cluster's default class"),
  KOMPUTER_KUBE_TMP_SIZE: QuantitySchema.default('1Gi').describe(
    "The size limit of each pod's `/tmp` (an emptyDir: the root file system is read-only)",
  ),
  KOMPUTER_KUBE_CPU_REQUEST: QuantitySchema.default('100m').describe("CPU an agent's pod requests"),
  KOMPUTER_KUBE_CPU_LIMIT: QuantitySchema.default('2').describe("CPU an agent's pod may use"),
  KOMPUTER_KUBE_MEMORY_REQUEST: QuantitySchema.default('256Mi').describe(
    "Memory an agent's pod requests",
  ),
  KOMPUTER_KUBE_MEMORY_LIMIT: QuantitySchema.default('2Gi').describe(
    "Memory an agent's pod may use; past it the runtime is killed and its task ends with `error`",
  ),
  KOMPUTER_KUBE_RUN_AS_USER: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .default(1000)
    .describe("The user (and group) id that agents' pods run as; never root"),
  KOMPUTER_KUBE_START_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(120_000)
    .describe(
      "How long a new agent's pod may take to be scheduled, pull its image, start and say it is ready",
    ),
  KOMPUTER_KUBE_HEARTBEAT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15_000)
    .describe(
      'A runtime silent for this long is attached again; one that does not answer then is deleted, and its task ends with `error`',
    ),
  KOMPUTER_KUBE_POOL_SYNC_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(10_000)
    .describe(
      "How often each scheduler checks the templates' warm pools (`warmPoolSize`) against the pods it finds, and fills or trims them; a claim also starts a refill at once",
    ),
  KOMPUTER_KUBE_LEASE_DURATION_S: z.coerce
    .number()
    .int()
    .min(2)
    .max(300)
    .default(10)
    .describe(
      "How long a scheduler's hold on an agent's pod (a Lease) lasts unless renewed; another scheduler takes the pod over only once it has lapsed",
    ),
});
export type KubernetesDriverConfig = z.infer<typeof KubernetesDriverConfigSchema>;
