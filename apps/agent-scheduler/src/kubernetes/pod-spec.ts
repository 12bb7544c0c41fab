import { createHash } from 'node:crypto';
import { RuntimeSettingsSchema, stateDirOf } from '@komputer/contracts';
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { AgentPodSettingsOverrides, AgentRef, WarmPoolRef } from '../runtime-driver';
import type { KubernetesDriverConfig } from './config';

/** The labels that every object the driver makes for an agent carries. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
  namespace: 'komputer.ai/namespace',
  agent: 'komputer.ai/agent',
  uid: 'komputer.ai/uid',
  /** A warm pool's member: its template's scope, namespace (of a namespace template) and name. */
  poolScope: 'komputer.ai/pool-scope',
  poolNamespace: 'komputer.ai/pool-namespace',
  poolTemplate: 'komputer.ai/pool-template',
  /** A hash of what the member was built from: one built from older settings is never claimed. */
  poolSpec: 'komputer.ai/pool-spec',
  /** `true` once the member's runtime has answered: only then may an agent claim it. */
  poolReady: 'komputer.ai/pool-ready',
  /** On a squad member's pod: the member whose workspace claim it mounts (its squad's home). */
  workspaceOf: 'komputer.ai/workspace-of',
} as const;

/** The value of `app.kubernetes.io/managed-by` on everything the driver makes. */
export const MANAGED_BY = 'komputer';

/** What an object is for, in its `app.kubernetes.io/component` label. */
export type AgentComponent = 'agent-runtime' | 'workspace' | 'lease';

/** The runtime's container in an agent's pod. */
export const RUNTIME_CONTAINER = 'runtime';

/** Where the workspace claim is mounted in the pod: the runtime's workspace and home. */
export const WORKSPACE_PATH = '/workspace';

/** Where the pod's scratch volume is mounted: the one other writable place. */
export const TMP_PATH = '/tmp';

/** How long a stopped pod's runtime has to finish before it is killed. */
export const TERMINATION_GRACE_SECONDS = 10;

/** The label selector of everything the driver manages in its namespace. */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;

/** The label selector of every warm pool's pods and claims, of no agent yet. */
export const POOL_SELECTOR = `${MANAGED_SELECTOR},${LABELS.poolTemplate}`;

/**
 * What an agent's pod and claim are made from: the driver's settings, resolved once. Nothing
 * here is a credential of the control plane; the pod gets nothing else.
 */
export interface AgentPodSettings {
  /** The Kubernetes namespace of agents' pods. */
  namespace: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** The non-root user and group the runtime runs as. */
  runAsUser: number;
  resources: { cpuRequest: string; cpuLimit: string; memoryRequest: string; memoryLimit: string };
  /** The size limit of `/tmp`. */
  tmpSize: string;
  storage: { size: string; className?: string };
  /** The runtime's environment: its settings, its log level and the model proxy's address. */
  env: Record<string, string>;
}

/**
 * The environment of every agent's runtime, from the driver's configuration: the runtime
 * settings, its log level, the sandbox off (the pod is the sandbox), its workspace, and the
 * model proxy's address as the SDK's endpoint (`KOMPUTER_MODEL_PROXY_URL`, or else `modelUrl`,
 * where the scheduler's proxy listens). Picked by name, so that nothing else in the scheduler's
 * configuration can reach a pod.
 */
export function runtimeEnv(
  config: KubernetesDriverConfig,
  options: { logLevel: string; modelUrl?: string },
): Record<string, string> {
  const modelUrl = config.KOMPUTER_MODEL_PROXY_URL ?? options.modelUrl;
  const settings = Object.keys(RuntimeSettingsSchema.shape).filter(
    (name): name is keyof KubernetesDriverConfig & string =>
      name !== 'KOMPUTER_SANDBOX' && name in config,
  );
  return {
    ...Object.fromEntries(settings.map((name) => [name, String(config[name])])),
    KOMPUTER_SANDBOX: 'off',
    // A pod outlives its scheduler, whose model proxy dies with it: a model call cut off then
    // waits for the token of the scheduler that adopts the task (a lapsed lease and a sweep
    // later), rather than failing the task.
    KOMPUTER_SUPERVISOR_WAIT_MS: String(config.KOMPUTER_KUBE_LEASE_DURATION_S * 1000 + 60_000),
    KOMPUTER_WORKSPACE: WORKSPACE_PATH,
    HOME: WORKSPACE_PATH,
    TMPDIR: TMP_PATH,
    LOG_LEVEL: options.logLevel,
    ...(modelUrl ? { ANTHROPIC_BASE_URL: modelUrl } : {}),
  };
}

/** The pod settings from the driver's configuration. */
export function podSettings(
  config: KubernetesDriverConfig,
  options: { logLevel: string; modelUrl?: string },
): AgentPodSettings {
  return {
    namespace: config.KOMPUTER_KUBE_NAMESPACE,
    image: config.KOMPUTER_KUBE_RUNTIME_IMAGE,
    ...(config.KOMPUTER_KUBE_IMAGE_PULL_POLICY
      ? { imagePullPolicy: config.KOMPUTER_KUBE_IMAGE_PULL_POLICY }
      : {}),
    runAsUser: config.KOMPUTER_KUBE_RUN_AS_USER,
    resources: {
      cpuRequest: config.KOMPUTER_KUBE_CPU_REQUEST,
      cpuLimit: config.KOMPUTER_KUBE_CPU_LIMIT,
      memoryRequest: config.KOMPUTER_KUBE_MEMORY_REQUEST,
      memoryLimit: config.KOMPUTER_KUBE_MEMORY_LIMIT,
    },
    tmpSize: config.KOMPUTER_KUBE_TMP_SIZE,
    storage: {
      size: config.KOMPUTER_KUBE_STORAGE_SIZE,
      ...(config.KOMPUTER_KUBE_STORAGE_CLASS
        ? { className: config.KOMPUTER_KUBE_STORAGE_CLASS }
        : {}),
    },
    env: runtimeEnv(config, options),
  };
}

/**
 * The name of the agent's pod and lease: its namespace and name, readable, then a hash of both,
 * so that `a-b/c` and `a/b-c` never share one. At most 63 characters, a DNS-1123 label, so
 * that it is also a valid host name.
 */
export function agentObjectName(agent: Pick<AgentRef, 'namespace' | 'name'>): string {
  const hash = createHash('sha256')
    .update(`${agent.namespace}/${agent.name}`)
    .digest('hex')
    .slice(0, 8);
  const readable = `${agent.namespace}-${agent.name}`.slice(0, 54).replace(/-+$/, '');
  return `${readable}-${hash}`;
}

/** The name of the agent's workspace claim. */
export function workspaceClaimName(agent: Pick<AgentRef, 'namespace' | 'name'>): string {
  return `workspace-${agentObjectName(agent)}`;
}

/** The labels of an object made for `agent`. */
export function agentLabels(agent: AgentRef, component: AgentComponent): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.component]: component,
    [LABELS.namespace]: agent.namespace,
    [LABELS.agent]: agent.name,
    ...(agent.uid ? { [LABELS.uid]: agent.uid } : {}),
  };
}

/** The label selector of every object made for the agent of that namespace and name. */
export function agentSelector(agent: Pick<AgentRef, 'namespace' | 'name'>): string {
  return `${MANAGED_SELECTOR},${LABELS.namespace}=${agent.namespace},${LABELS.agent}=${agent.name}`;
}

/** The labels of a warm pool's pod or claim, built from settings whose hash is `specHash`. */
export function poolLabels(
  pool: WarmPoolRef,
  component: AgentComponent,
  specHash: string,
): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.component]: component,
    [LABELS.poolScope]: pool.scope,
    ...(pool.scope === 'namespace' && pool.namespace
      ? { [LABELS.poolNamespace]: pool.namespace }
      : {}),
    [LABELS.poolTemplate]: pool.template,
    [LABELS.poolSpec]: specHash,
  };
}

/** The label selector of a warm pool's members built from settings whose hash is `specHash`. */
export function poolSelector(pool: WarmPoolRef, specHash: string): string {
  const labels = poolLabels(pool, 'agent-runtime', specHash);
  delete labels[LABELS.component];
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** The warm pool an object belongs to, from its labels; undefined for one of no pool. */
export function poolOfLabels(labels: Record<string, string> | undefined): WarmPoolRef | undefined {
  const scope = labels?.[LABELS.poolScope];
  const template = labels?.[LABELS.poolTemplate];
  if (labels?.[LABELS.managedBy] !== MANAGED_BY || !template) return undefined;
  if (scope === 'cluster') return { scope, template };
  const namespace = labels[LABELS.poolNamespace];
  return scope === 'namespace' && namespace ? { scope, namespace, template } : undefined;
}

/**
 * The labels patch that makes a pool's member the agent's: the agent's labels, and the pool's
 * removed (a JSON merge patch removes a key set to null).
 */
export function claimedLabels(
  agent: AgentRef,
  component: AgentComponent,
): Record<string, string | null> {
  return {
    ...agentLabels(agent, component),
    [LABELS.poolScope]: null,
    [LABELS.poolNamespace]: null,
    [LABELS.poolTemplate]: null,
    [LABELS.poolSpec]: null,
    [LABELS.poolReady]: null,
  };
}

/**
 * The name of slot `slot` of a warm pool built from settings whose hash is `specHash`: readable,
 * then a hash of the pool and the settings, then the slot. Every scheduler names a pool's pods
 * alike, so that two that fill one pool at once make each pod once. A claimed pod keeps its name.
 */
export function poolPodName(pool: WarmPoolRef, specHash: string, slot: number): string {
  const hash = createHash('sha256')
    .update(`${pool.scope}/${pool.namespace ?? ''}/${pool.template}/${specHash}`)
    .digest('hex')
    .slice(0, 8);
  const readable = `pool-${pool.template}`.slice(0, 44).replace(/-+$/, '');
  return `${readable}-${hash}-${slot}`;
}

/** The name of the workspace claim of the pool's pod `podName`. */
export function poolClaimName(podName: string): string {
  return `workspace-${podName}`;
}

/** The name of the workspace claim that a pod mounts. */
export function claimNameOf(pod: V1Pod): string | undefined {
  return pod.spec?.volumes?.find((v) => v.name === 'workspace')?.persistentVolumeClaim?.claimName;
}

/** The agent an object was made for, from its labels; undefined for an object of no agent. */
export function agentOfLabels(labels: Record<string, string> | undefined): AgentRef | undefined {
  const namespace = labels?.[LABELS.namespace];
  const name = labels?.[LABELS.agent];
  if (labels?.[LABELS.managedBy] !== MANAGED_BY || !namespace || !name) return undefined;
  const uid = labels[LABELS.uid];
  return { namespace, name, ...(uid ? { uid } : {}) };
}

/**
 * The agent's pod, hardened: no service account token, a non-root user, a read-only root file
 * system (only the workspace and `/tmp` are writable), every capability dropped, no privilege
 * escalation, seccomp `RuntimeDefault`, no service links (no addresses of the cluster's
 * services in its environment). Its one container runs the agent runtime with its stdin open
 * for the whole of its life (`stdin`, not `stdinOnce`), which the scheduler attaches to. A
 * runtime that stops is not restarted in place (`restartPolicy: Never`): its task ends, and the
 * agent's next task gets a new pod.
 *
 * The agent's own `podSpec` (with its template's) changes only what its schema accepts: the
 * container's image, pull policy, resources and extra plain variables (the runtime's own win),
 * and the pod's node selector, tolerations and runtime class. Every hardened field is set here
 * whatever it holds.
 */
export function agentPod(
  agent: AgentRef,
  settings: AgentPodSettings,
  own: AgentPodSettingsOverrides = {},
  claimName = workspaceClaimName(agent),
): V1Pod {
  // A squad member other than the home mounts the home's claim, and keeps its own files apart.
  const home = agent.home !== agent.name ? agent.home : undefined;
  const labels = {
    ...agentLabels(agent, 'agent-runtime'),
    ...(home ? { [LABELS.workspaceOf]: home } : {}),
  };
  return runtimePod(
    {
      name: agentObjectName(agent),
      labels,
      claimName,
      env: home ? { KOMPUTER_STATE_DIR: stateDirOf(agent.name, home) } : {},
    },
    settings,
    own,
  );
}

/** The squad home whose claim a pod mounts, from its labels; undefined: its agent's own. */
export function workspaceOfPod(pod: V1Pod): string | undefined {
  return pod.metadata?.labels?.[LABELS.workspaceOf];
}

/**
 * A pod of a warm pool, built by {@link runtimePod} as an agent's is, hardened alike, from its
 * template's pod settings alone; it is labelled as the pool's, and of no agent until one claims
 * it. Its runtime holds no agent's identity: every task brings its agent and its token.
 */
export function poolPod(
  pool: WarmPoolRef,
  name: string,
  settings: AgentPodSettings,
  own: AgentPodSettingsOverrides = {},
): V1Pod {
  return runtimePod(
    {
      name,
      labels: poolLabels(pool, 'agent-runtime', poolSpecHash(settings, own)),
      claimName: poolClaimName(name),
    },
    settings,
    own,
  );
}

/** The workspace claim of a warm pool's pod `podName`, sized as an agent's would be. */
export function poolClaim(
  pool: WarmPoolRef,
  podName: string,
  settings: AgentPodSettings,
  own: AgentPodSettingsOverrides = {},
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: poolClaimName(podName),
      namespace: settings.namespace,
      labels: poolLabels(pool, 'workspace', poolSpecHash(settings, own)),
    },
    spec: claimSpec(settings, own),
  };
}

/**
 * A hash of what a pool's pods and claims are built from (the driver's settings and the
 * template's pod settings): a pod built before either changed is replaced, never claimed.
 */
export function poolSpecHash(settings: AgentPodSettings, own: AgentPodSettingsOverrides): string {
  const pod = runtimePod({ name: '', labels: {}, claimName: '' }, settings, own);
  return createHash('sha256')
    .update(JSON.stringify({ pod: pod.spec, claim: claimSpec(settings, own) }))
    .digest('hex')
    .slice(0, 12);
}

/** The hardened pod that runs a runtime: an agent's, or a warm pool's. See {@link agentPod}. */
function runtimePod(
  meta: {
    name: string;
    labels: Record<string, string>;
    claimName: string;
    /** The runtime's own variables on top of the driver's. */
    env?: Record<string, string>;
  },
  settings: AgentPodSettings,
  own: AgentPodSettingsOverrides,
): V1Pod {
  const user = settings.runAsUser;
  const seccompProfile = { type: 'RuntimeDefault' };
  const podSpec = own.podSpec ?? {};
  const container = podSpec.containers?.[0] ?? {};
  const extraEnv = (container.env ?? []).filter(({ name }) => !(name in settings.env));
  const pullPolicy = container.imagePullPolicy ?? settings.imagePullPolicy;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: meta.name, namespace: settings.namespace, labels: meta.labels },
    spec: {
      ...(podSpec.nodeSelector ? { nodeSelector: podSpec.nodeSelector } : {}),
      ...(podSpec.tolerations ? { tolerations: podSpec.tolerations } : {}),
      ...(podSpec.runtimeClassName ? { runtimeClassName: podSpec.runtimeClassName } : {}),
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: user,
        runAsGroup: user,
        fsGroup: user,
        seccompProfile,
      },
      containers: [
        {
          name: RUNTIME_CONTAINER,
          image: container.image ?? settings.image,
          ...(pullPolicy ? { imagePullPolicy: pullPolicy } : {}),
          stdin: true,
          stdinOnce: false,
          tty: false,
          workingDir: WORKSPACE_PATH,
          env: [
            ...extraEnv.map(({ name, value }) => ({ name, value })),
            ...Object.entries({ ...settings.env, ...meta.env }).map(([name, value]) => ({
              name,
              value,
            })),
          ],
          resources: {
            requests: {
              cpu: settings.resources.cpuRequest,
              memory: settings.resources.memoryRequest,
              ...container.resources?.requests,
            },
            limits: {
              cpu: settings.resources.cpuLimit,
              memory: settings.resources.memoryLimit,
              ...container.resources?.limits,
            },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: user,
            runAsGroup: user,
            capabilities: { drop: ['ALL'] },
            seccompProfile,
          },
          volumeMounts: [
            { name: 'workspace', mountPath: WORKSPACE_PATH },
            { name: 'tmp', mountPath: TMP_PATH },
          ],
        },
      ],
      volumes: [
        { name: 'workspace', persistentVolumeClaim: { claimName: meta.claimName } },
        { name: 'tmp', emptyDir: { sizeLimit: settings.tmpSize } },
      ],
    },
  };
}

/**
 * The agent's workspace: a claim that outlives its pods, until the agent is deleted. Its size
 * and class are the agent's own `storage` (with its template's) where set, else the driver's.
 */
export function workspaceClaim(
  agent: AgentRef,
  settings: Pick<AgentPodSettings, 'namespace' | 'storage'>,
  own: AgentPodSettingsOverrides = {},
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: workspaceClaimName(agent),
      namespace: settings.namespace,
      labels: agentLabels(agent, 'workspace'),
    },
    spec: claimSpec(settings, own),
  };
}

/** A workspace claim's spec: the agent's (or template's) `storage` where set, else the driver's. */
function claimSpec(
  settings: Pick<AgentPodSettings, 'storage'>,
  own: AgentPodSettingsOverrides,
): NonNullable<V1PersistentVolumeClaim['spec']> {
  const size = own.storage?.size ?? settings.storage.size;
  const className = own.storage?.storageClassName ?? settings.storage.className;
  return {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: size } },
    ...(className ? { storageClassName: className } : {}),
  };
}
