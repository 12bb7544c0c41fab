import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@komputer/service-kit';
import { startKubeEmulator } from '@komputer/testing';
import { KubeConfig, loadAllYaml, NetworkingV1Api } from '@kubernetes/client-node';
import type { V1NetworkPolicy, V1Role } from '@kubernetes/client-node';
import { KubernetesDriverConfigSchema } from '../src/kubernetes/config';
import { agentPod, podSettings, poolPod } from '../src/kubernetes/pod-spec';

// The manifests in deploy/kubernetes/agents that docs/kubernetes.md points to: the scheduler's
// permissions are the least the driver needs, and the network policy selects the pods the
// driver makes, and is one the API server accepts.

const dir = join(__dirname, '..', '..', '..', 'deploy', 'kubernetes', 'agents');
const load = (file: string) =>
  loadAllYaml(readFileSync(join(dir, file), 'utf8')) as { kind: string }[];
const defaults = parseConfig(KubernetesDriverConfigSchema, {});

it('grants the scheduler pods, attach, claims and leases, in the agents’ namespace only', () => {
  const objects = load('rbac.yaml');
  expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
  const role = objects[1] as V1Role;
  expect(role.metadata?.namespace).toBe(defaults.KOMPUTER_KUBE_NAMESPACE);
  const granted = (role.rules ?? []).flatMap((rule) =>
    (rule.resources ?? []).map((resource) => ({
      resource: `${rule.apiGroups?.join(',') ?? ''}/${resource}`,
      verbs: [...(rule.verbs ?? [])].sort(),
    })),
  );
  expect(granted).toEqual([
    { resource: '/pods', verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'] },
    { resource: '/pods/attach', verbs: ['create', 'get'] },
    { resource: '/persistentvolumeclaims', verbs: ['create', 'delete', 'get', 'list', 'patch'] },
    {
      resource: 'coordination.k8s.io/leases',
      verbs: ['create', 'delete', 'get', 'list', 'update'],
    },
  ]);
  expect(JSON.stringify(role)).not.toMatch(/secrets|"\*"|exec|namespaces/);
});

it('selects the driver’s pods with a network policy that the API server accepts', async () => {
  const [policy] = load('network-policy.yaml') as V1NetworkPolicy[];
  const pod = agentPod(
    { namespace: 'default', name: 'writer', uid: 'u' },
    podSettings(defaults, { logLevel: 'info' }),
  );
  expect(policy?.metadata?.namespace).toBe(pod.metadata?.namespace);
  expect(pod.metadata?.labels).toMatchObject(policy?.spec?.podSelector?.matchLabels ?? { none: 1 });
  // A warm pool's pods are agents' pods-to-be, behind the same policy.
  const warm = poolPod(
    { scope: 'cluster', template: 'default' },
    'pool-default-0',
    podSettings(defaults, { logLevel: 'info' }),
  );
  expect(warm.metadata?.labels).toMatchObject(
    policy?.spec?.podSelector?.matchLabels ?? { none: 1 },
  );
  expect(policy?.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
  expect(policy?.spec?.ingress).toEqual([]);

  const emulator = await startKubeEmulator({ namespaces: [defaults.KOMPUTER_KUBE_NAMESPACE] });
  try {
    const kc = new KubeConfig();
    kc.loadFromString(emulator.kubeconfig());
    const created = await kc.makeApiClient(NetworkingV1Api).createNamespacedNetworkPolicy({
      namespace: defaults.KOMPUTER_KUBE_NAMESPACE,
      body: policy as V1NetworkPolicy,
    });
    expect(created.spec?.egress).toHaveLength(4);
    // The control plane's only doors for agents: the model proxy and the connector-registry.
    expect(
      created.spec?.egress?.flatMap((rule) =>
        (rule.to ?? []).flatMap((peer) => {
          const name = peer.podSelector?.matchLabels?.['app.kubernetes.io/name'];
          return name ? [`${name}:${rule.ports?.[0]?.port}`] : [];
        }),
      ),
    ).toEqual(['agent-scheduler:8090', 'connector-registry:8082']);
  } finally {
    await emulator.close();
  }
});
