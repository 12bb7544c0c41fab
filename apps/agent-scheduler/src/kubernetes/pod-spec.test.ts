import { AgentPodSpecSchema, DEFAULT_MODEL } from '@komputer/contracts';
import type { AgentPodSpec } from '@komputer/contracts';
import { generateSecretKey } from '@komputer/connectors';
import { parseConfig } from '@komputer/service-kit';
import type { V1Pod } from '@kubernetes/client-node';
import { MINIMAL_AGENT_SPEC } from '@komputer/testing';
import { SchedulerConfigSchema } from '../config';
import { taskSettings } from '../task-settings';
import { KubernetesDriverConfigSchema } from './config';
import {
  agentLabels,
  agentObjectName,
  agentOfLabels,
  agentPod,
  agentSelector,
  claimedLabels,
  claimNameOf,
  podSettings,
  poolClaim,
  poolClaimName,
  poolOfLabels,
  poolPod,
  poolPodName,
  poolSpecHash,
  workspaceClaim,
  workspaceClaimName,
  workspaceOfPod,
} from './pod-spec';
import type { AgentPodSettings } from './pod-spec';

const agent = { namespace: 'team-a', name: 'writer', uid: '0b5e8f7e-4a4d-4c43-9d1e-2f7f3d1f9a10' };

/** Every credential the control plane holds, as a scheduler's environment would have them. */
const SECRETS = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-control-plane-key',
  ANTHROPIC_AUTH_TOKEN: 'control-plane-auth-token',
  REDIS_URL: 'redis://:redis-password-1@redis.komputer.svc:6379/0',
  REDIS_PASSWORD: 'redis-password-2',
  KOMPUTER_SECRET_KEY: generateSecretKey(),
  KOMPUTER_KUBECONFIG: '/var/run/komputer/kubeconfig-with-a-token',
};

/** The scheduler's whole environment: its own settings, the driver's, and every credential. */
const ENV = {
  ...SECRETS,
  KOMPUTER_RUNTIME_DRIVER: 'kubernetes',
  KOMPUTER_MODEL_PROXY_URL: 'http://komputer-model-proxy.komputer.svc:8090',
  KOMPUTER_KUBE_RUNTIME_IMAGE: 'registry.example/komputer/agent-runtime:1.2.3',
  KOMPUTER_KUBE_STORAGE_CLASS: 'fast-ssd',
  KOMPUTER_KUBE_STORAGE_SIZE: '5Gi',
};

/** The pod settings from {@link ENV}. */
function buildSettings(): AgentPodSettings {
  const scheduler = parseConfig(SchedulerConfigSchema, ENV);
  const config = parseConfig(KubernetesDriverConfigSchema, ENV);
  return podSettings(config, { logLevel: scheduler.LOG_LEVEL });
}

function buildPod(podSpec?: AgentPodSpec): V1Pod {
  return agentPod(agent, buildSettings(), podSpec ? { podSpec } : {});
}

/** Every pod setting an agent may give, each at once: what the API accepts, parsed by it. */
const ALL_POD_SETTINGS = AgentPodSpecSchema.parse({
  containers: [
    {
      name: 'agent',
      image: 'registry.example/team/runtime:9',
      imagePullPolicy: 'Always',
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { 'nvidia.com/gpu': '1' } },
      env: [
        { name: 'TEAM', value: 'core' },
        { name: 'PATH_EXTRA', value: '/opt/bin' },
      ],
    },
  ],
  nodeSelector: { pool: 'agents' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'agents', effect: 'NoSchedule' }],
  runtimeClassName: 'gvisor',
});

/** What breaks the hardening rules in a pod, each named; empty when it keeps them all. */
function hardeningViolations(pod: V1Pod): string[] {
  const found: string[] = [];
  const spec = pod.spec;
  if (!spec) return ['no spec'];
  const check = (ok: boolean, rule: string) => {
    if (!ok) found.push(rule);
  };
  check(spec.automountServiceAccountToken === false, 'automountServiceAccountToken is not false');
  check(spec.enableServiceLinks === false, 'service links are on');
  check(!spec.hostNetwork && !spec.hostPID && !spec.hostIPC, 'shares a host namespace');
  check(spec.securityContext?.runAsNonRoot === true, 'the pod may run as root');
  check((spec.securityContext?.runAsUser ?? 0) > 0, 'the pod runs as uid 0');
  check(
    spec.securityContext?.seccompProfile?.type === 'RuntimeDefault',
    'the pod has no RuntimeDefault seccomp profile',
  );
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  for (const volume of spec.volumes ?? []) {
    const kinds = Object.keys(volume).filter((key) => key !== 'name');
    check(
      kinds.length === 1 && (kinds[0] === 'persistentVolumeClaim' || kinds[0] === 'emptyDir'),
      `volume ${volume.name} is a ${kinds.join(',')}: only the workspace claim and an emptyDir are allowed`,
    );
  }
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const sc = c.securityContext;
    check(sc?.allowPrivilegeEscalation === false, `${c.name}: privilege escalation is allowed`);
    check(sc?.privileged !== true, `${c.name}: privileged`);
    check(sc?.readOnlyRootFilesystem === true, `${c.name}: the root file system is writable`);
    check(sc?.capabilities?.drop?.includes('ALL') === true, `${c.name}: capabilities not dropped`);
    check((sc?.capabilities?.add ?? []).length === 0, `${c.name}: adds capabilities`);
    check(sc?.runAsUser === undefined || sc.runAsUser > 0, `${c.name}: runs as uid 0`);
    check(sc?.runAsNonRoot !== false, `${c.name}: may run as root`);
    check(
      sc?.seccompProfile === undefined || sc.seccompProfile.type === 'RuntimeDefault',
      `${c.name}: another seccomp profile`,
    );
    check((c.envFrom ?? []).length === 0, `${c.name}: takes its environment from an object`);
    for (const variable of c.env ?? []) {
      check(variable.valueFrom === undefined, `${c.name}: ${variable.name} comes from an object`);
    }
    // Writable: the workspace claim and the emptyDir tmp, and nothing else.
    for (const mount of c.volumeMounts ?? []) {
      const volume = volumes.get(mount.name);
      check(
        volume?.persistentVolumeClaim !== undefined || volume?.emptyDir !== undefined,
        `${c.name}: mounts ${mount.name}, which is neither the workspace nor tmp`,
      );
    }
  }
  return found;
}

describe('the agent pod', () => {
  it('is hardened', () => {
    expect(hardeningViolations(buildPod())).toEqual([]);
  });

  it('finds a pod that breaks the rules (the check itself works)', () => {
    const pod = buildPod();
    const container = pod.spec?.containers[0];
    if (!pod.spec || !container) throw new Error('no container');
    pod.spec.automountServiceAccountToken = true;
    container.securityContext = { ...container.securityContext, readOnlyRootFilesystem: false };
    pod.spec.volumes?.push({ name: 'host', hostPath: { path: '/' } });
    expect(hardeningViolations(pod)).toEqual([
      'automountServiceAccountToken is not false',
      'volume host is a hostPath: only the workspace claim and an emptyDir are allowed',
      'runtime: the root file system is writable',
    ]);
  });

  it('keeps every hardening rule with each pod setting an agent may give, and applies them', () => {
    const settings = ALL_POD_SETTINGS;
    const subsets: AgentPodSpec[] = [
      settings,
      { containers: settings.containers ?? [] },
      { nodeSelector: settings.nodeSelector ?? {} },
      { tolerations: settings.tolerations ?? [] },
      { runtimeClassName: 'gvisor' },
      { containers: [{ env: [{ name: 'ONLY', value: 'env' }] }] },
      {},
    ];
    for (const podSpec of subsets) {
      expect({ podSpec, violations: hardeningViolations(buildPod(podSpec)) }).toEqual({
        podSpec,
        violations: [],
      });
    }
    const pod = buildPod(settings);
    const container = pod.spec?.containers[0];
    expect(container?.name).toBe('runtime');
    expect(container?.image).toBe('registry.example/team/runtime:9');
    expect(container?.imagePullPolicy).toBe('Always');
    expect(container?.resources).toEqual({
      requests: { cpu: '1', memory: '2Gi' },
      limits: { cpu: expect.any(String), memory: expect.any(String), 'nvidia.com/gpu': '1' },
    });
    expect(container?.env?.slice(0, 2)).toEqual([
      { name: 'TEAM', value: 'core' },
      { name: 'PATH_EXTRA', value: '/opt/bin' },
    ]);
    expect(pod.spec?.nodeSelector).toEqual({ pool: 'agents' });
    expect(pod.spec?.tolerations).toEqual(settings.tolerations);
    expect(pod.spec?.runtimeClassName).toBe('gvisor');
    expect(JSON.stringify(pod)).not.toContain('hostNetwork":true');
  });

  it('lets no pod setting replace a variable of the runtime’s, even one that bypassed the API', () => {
    const pod = buildPod({ containers: [{ env: [{ name: 'KOMPUTER_SANDBOX', value: 'on' }] }] });
    const sandbox = (pod.spec?.containers[0]?.env ?? []).filter(
      (v) => v.name === 'KOMPUTER_SANDBOX',
    );
    expect(sandbox).toEqual([{ name: 'KOMPUTER_SANDBOX', value: 'off' }]);
  });

  it('applies a stored podSpec that is refused now nowhere, and says so', () => {
    const settings = taskSettings(
      {
        ...MINIMAL_AGENT_SPEC,
        podSpec: { hostNetwork: true, nodeSelector: { pool: 'x' } },
      },
      undefined,
      { maxTurns: 1, maxBudgetUsd: 1, timeoutMs: 1000 },
    );
    expect(settings.pod).toEqual({});
    expect(settings.warnings).toEqual([
      expect.stringMatching(/^the agent’s podSpec is not applied: "hostNetwork" is refused/),
    ]);
    expect(settings.model).toBe(DEFAULT_MODEL);
  });

  it('holds no credential of the control plane', () => {
    const text = JSON.stringify(buildPod());
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ name, found: text.includes(value) }).toEqual({ name, found: false });
    }
    const env = buildPod().spec?.containers[0]?.env ?? [];
    const names = env.map((variable) => variable.name);
    for (const forbidden of [
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_AUTH_TOKEN',
      'REDIS_URL',
      'REDIS_PASSWORD',
      'KOMPUTER_SECRET_KEY',
      'KUBECONFIG',
      'KOMPUTER_KUBECONFIG',
    ]) {
      expect(names).not.toContain(forbidden);
    }
    // What it gets: the runtime's settings, its workspace, and the model proxy's address.
    expect(Object.fromEntries(env.map((v) => [v.name, v.value]))).toMatchObject({
      ANTHROPIC_BASE_URL: 'http://komputer-model-proxy.komputer.svc:8090',
      KOMPUTER_SANDBOX: 'off',
      KOMPUTER_WORKSPACE: '/workspace',
      KOMPUTER_HEARTBEAT_MS: '2000',
    });
  });

  it('runs the runtime image with its stdin open for attaching, and is not restarted in place', () => {
    const pod = buildPod();
    expect(pod.spec?.restartPolicy).toBe('Never');
    expect(pod.spec?.containers).toEqual([
      expect.objectContaining({
        name: 'runtime',
        image: 'registry.example/komputer/agent-runtime:1.2.3',
        stdin: true,
        stdinOnce: false,
        tty: false,
        workingDir: '/workspace',
        volumeMounts: [
          { name: 'workspace', mountPath: '/workspace' },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      }),
    ]);
    expect(pod.spec?.volumes).toEqual([
      { name: 'workspace', persistentVolumeClaim: { claimName: workspaceClaimName(agent) } },
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
    ]);
  });

  it('is labelled with the agent it runs, which the labels give back', () => {
    const pod = buildPod();
    expect(pod.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'komputer',
      'app.kubernetes.io/component': 'agent-runtime',
      'komputer.ai/namespace': 'team-a',
      'komputer.ai/agent': 'writer',
      'komputer.ai/uid': agent.uid,
    });
    expect(pod.metadata?.namespace).toBe('komputer-agents');
    expect(agentOfLabels(pod.metadata?.labels)).toEqual(agent);
    expect(agentOfLabels({ ...pod.metadata?.labels, 'app.kubernetes.io/managed-by': 'x' })).toBe(
      undefined,
    );
    expect(agentSelector(agent)).toBe(
      'app.kubernetes.io/managed-by=komputer,komputer.ai/namespace=team-a,komputer.ai/agent=writer',
    );
  });
});

describe('a squad member’s pod', () => {
  it('mounts its home’s workspace claim, says so, keeps its state apart, and stays hardened', () => {
    const member = { ...agent, home: 'lead' };
    const homeClaim = workspaceClaimName({ namespace: agent.namespace, name: 'lead' });
    const pod = agentPod(member, buildSettings(), {}, homeClaim);
    expect(claimNameOf(pod)).toBe(homeClaim);
    expect(workspaceOfPod(pod)).toBe('lead');
    expect(agentOfLabels(pod.metadata?.labels)).toEqual(agent);
    const env = pod.spec?.containers[0]?.env ?? [];
    expect(env).toContainEqual({ name: 'KOMPUTER_STATE_DIR', value: '.komputer/guests/writer' });
    expect(hardeningViolations(pod)).toEqual([]);
    // The home itself, and an agent outside a squad, run on their own claim, with no such label.
    const own = agentPod({ ...agent, home: 'writer' }, buildSettings());
    expect(claimNameOf(own)).toBe(workspaceClaimName(agent));
    expect(workspaceOfPod(own)).toBeUndefined();
    expect((own.spec?.containers[0]?.env ?? []).map((v) => v.name)).not.toContain(
      'KOMPUTER_STATE_DIR',
    );
  });
});

describe('a warm pool’s pod', () => {
  const pool = { scope: 'namespace', namespace: 'team-a', template: 'coder' } as const;
  const settings = (): AgentPodSettings =>
    podSettings(parseConfig(KubernetesDriverConfigSchema, ENV), {
      logLevel: parseConfig(SchedulerConfigSchema, ENV).LOG_LEVEL,
    });
  const buildPoolPod = (podSpec?: AgentPodSpec) => {
    const own = podSpec ? { podSpec } : {};
    return poolPod(pool, poolPodName(pool, poolSpecHash(settings(), own), 0), settings(), own);
  };

  it('is hardened as an agent’s is, with every pod setting a template may give', () => {
    const subsets: AgentPodSpec[] = [
      ALL_POD_SETTINGS,
      { containers: ALL_POD_SETTINGS.containers ?? [] },
      { runtimeClassName: 'gvisor' },
      {},
    ];
    for (const podSpec of subsets) {
      const pod = buildPoolPod(podSpec);
      expect({ podSpec, violations: hardeningViolations(pod) }).toEqual({
        podSpec,
        violations: [],
      });
      // Built by the same function as an agent's pod: only its name, labels and claim differ.
      const claimName = claimNameOf(pod) ?? '';
      expect(pod.spec).toEqual(agentPod(agent, settings(), { podSpec }, claimName).spec);
    }
  });

  it('finds a pool pod that breaks the rules (the check itself works)', () => {
    const pod = buildPoolPod();
    const container = pod.spec?.containers[0];
    if (!pod.spec || !container) throw new Error('no container');
    container.securityContext = {
      ...container.securityContext,
      capabilities: { add: ['NET_ADMIN'] },
    };
    pod.spec.securityContext = {
      ...pod.spec.securityContext,
      seccompProfile: { type: 'Unconfined' },
    };
    expect(hardeningViolations(pod)).toEqual([
      'the pod has no RuntimeDefault seccomp profile',
      'runtime: capabilities not dropped',
      'runtime: adds capabilities',
    ]);
  });

  it('holds no credential of the control plane, and no agent’s identity', () => {
    const pod = buildPoolPod(ALL_POD_SETTINGS);
    const text = JSON.stringify(pod);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ name, found: text.includes(value) }).toEqual({ name, found: false });
    }
    const names = (pod.spec?.containers[0]?.env ?? []).map((variable) => variable.name);
    for (const forbidden of [
      'ANTHROPIC_API_KEY',
      'REDIS_URL',
      'KOMPUTER_SECRET_KEY',
      'KUBECONFIG',
    ]) {
      expect(names).not.toContain(forbidden);
    }
    // Every task brings its agent and its token: the pod names none.
    expect(text).not.toContain(agent.name);
    expect(agentOfLabels(pod.metadata?.labels)).toBeUndefined();
  });

  it('is labelled as its pool’s until an agent claims it, with a claim of its own', () => {
    const pod = buildPoolPod();
    const name = pod.metadata?.name ?? '';
    expect(name).toMatch(/^pool-coder-[0-9a-f]{8}-0$/);
    expect(poolOfLabels(pod.metadata?.labels)).toEqual(pool);
    expect(pod.metadata?.labels?.['komputer.ai/pool-spec']).toBe(poolSpecHash(settings(), {}));
    expect(claimNameOf(pod)).toBe(poolClaimName(name));
    const claim = poolClaim(pool, name, settings());
    expect(claim.metadata?.name).toBe(poolClaimName(name));
    expect(poolOfLabels(claim.metadata?.labels)).toEqual(pool);
    expect(claim.spec).toEqual(workspaceClaim(agent, settings()).spec);
    // A claim's labels patch, applied as a JSON merge patch: the agent's, and no pool's.
    const patched = Object.fromEntries(
      Object.entries({ ...pod.metadata?.labels, ...claimedLabels(agent, 'agent-runtime') }).filter(
        (entry): entry is [string, string] => entry[1] !== null,
      ),
    );
    expect(agentOfLabels(patched)).toEqual(agent);
    expect(poolOfLabels(patched)).toBeUndefined();
    expect(Object.keys(patched).filter((key) => key.startsWith('komputer.ai/pool'))).toEqual([]);
  });

  it('is built anew when the template’s pod settings or the driver’s change', () => {
    const base = poolSpecHash(settings(), {});
    expect(poolSpecHash(settings(), {})).toBe(base);
    expect(poolSpecHash(settings(), { storage: { size: '9Gi' } })).not.toBe(base);
    expect(poolSpecHash(settings(), { podSpec: { runtimeClassName: 'gvisor' } })).not.toBe(base);
    expect(poolSpecHash({ ...settings(), image: 'other:1' }, {})).not.toBe(base);
    const cluster = { scope: 'cluster', template: 'coder' } as const;
    expect(poolPodName(cluster, base, 0)).not.toBe(poolPodName(pool, base, 0));
  });
});

describe('names', () => {
  it('are DNS-1123 labels of at most 63 characters, distinct per namespace and name', () => {
    const long = 'a'.repeat(63);
    const names = [
      agentObjectName({ namespace: 'a-b', name: 'c' }),
      agentObjectName({ namespace: 'a', name: 'b-c' }),
      agentObjectName({ namespace: long, name: long }),
      agentObjectName({ namespace: long, name: `${'a'.repeat(62)}b` }),
      agentObjectName({ namespace: 'default', name: 'writer' }),
    ];
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(names[4]).toMatch(/^default-writer-[0-9a-f]{8}$/);
  });
});

describe('the workspace claim', () => {
  it('asks for the configured size and class, labelled for the agent', () => {
    const config = parseConfig(KubernetesDriverConfigSchema, ENV);
    const claim = workspaceClaim(agent, podSettings(config, { logLevel: 'info' }));
    expect(claim).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: workspaceClaimName(agent),
        namespace: 'komputer-agents',
        labels: agentLabels(agent, 'workspace'),
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '5Gi' } },
        storageClassName: 'fast-ssd',
      },
    });
  });
});

describe('the workspace claim of an agent with its own storage', () => {
  it('asks for its size and class', () => {
    const config = parseConfig(KubernetesDriverConfigSchema, ENV);
    const claim = workspaceClaim(agent, podSettings(config, { logLevel: 'info' }), {
      storage: { size: '20Gi', storageClassName: 'standard' },
    });
    expect(claim.spec).toMatchObject({
      resources: { requests: { storage: '20Gi' } },
      storageClassName: 'standard',
    });
  });
});

describe('the driver’s configuration', () => {
  it('has defaults for everything, and refuses what is not a quantity or a namespace', () => {
    expect(parseConfig(KubernetesDriverConfigSchema, {})).toMatchObject({
      KOMPUTER_KUBE_NAMESPACE: 'komputer-agents',
      KOMPUTER_KUBE_STORAGE_SIZE: '1Gi',
      KOMPUTER_KUBE_START_TIMEOUT_MS: 120_000,
    });
    expect(() =>
      parseConfig(KubernetesDriverConfigSchema, { KOMPUTER_KUBE_STORAGE_SIZE: 'lots' }),
    ).toThrow('KOMPUTER_KUBE_STORAGE_SIZE');
    expect(() =>
      parseConfig(KubernetesDriverConfigSchema, { KOMPUTER_KUBE_NAMESPACE: 'Agents_1' }),
    ).toThrow('KOMPUTER_KUBE_NAMESPACE');
    expect(() =>
      parseConfig(KubernetesDriverConfigSchema, { KOMPUTER_KUBECONFIG: 'relative/path' }),
    ).toThrow('KOMPUTER_KUBECONFIG');
  });
});
