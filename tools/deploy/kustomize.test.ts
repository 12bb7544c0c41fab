import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { kubectlMinorVersion } from '@komputer/testing';
import * as kubeModels from '@kubernetes/client-node';
import type {
  V1Container,
  V1Deployment,
  V1HorizontalPodAutoscaler,
  V1PodSpec,
  V1Service,
} from '@kubernetes/client-node';
import type { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { parseAllDocuments } from 'yaml';
import { IMAGES } from '../images/layout';
import type { ImageApp } from '../images/layout';

// Every overlay of deploy/kubernetes renders with the installed kubectl's kustomize, every object
// it renders is valid against the Kubernetes schemas (kubernetes-models), and the objects keep
// the promises docs/kubernetes.md makes: probes, hardening, least privilege, each app's secrets.

const root = join(__dirname, '..', '..');
const OVERLAYS = ['dev', 'production'] as const;
/** The services that run as Deployments: every image but the agents' runtime. */
const SERVICES = ['gateway', 'event-relay', 'connector-registry', 'agent-scheduler'] as const;

type ServiceMonitorSpec = ServiceMonitor['spec'];

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

/** The kubernetes-models class of each kind the manifests may hold; any other kind fails. */
async function validators(): Promise<Map<string, (obj: KubeObject) => void>> {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    'v1/Namespace': (await import('kubernetes-models/v1/Namespace')).Namespace,
    'v1/ConfigMap': (await import('kubernetes-models/v1/ConfigMap')).ConfigMap,
    'v1/Secret': (await import('kubernetes-models/v1/Secret')).Secret,
    'v1/Service': (await import('kubernetes-models/v1/Service')).Service,
    'v1/ServiceAccount': (await import('kubernetes-models/v1/ServiceAccount')).ServiceAccount,
    'v1/PersistentVolumeClaim': (await import('kubernetes-models/v1/PersistentVolumeClaim'))
      .PersistentVolumeClaim,
    'apps/v1/Deployment': (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
    'policy/v1/PodDisruptionBudget': (
      await import('kubernetes-models/policy/v1/PodDisruptionBudget')
    ).PodDisruptionBudget,
    'autoscaling/v2/HorizontalPodAutoscaler': (
      await import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler')
    ).HorizontalPodAutoscaler,
    'networking.k8s.io/v1/NetworkPolicy': (
      await import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy')
    ).NetworkPolicy,
    'rbac.authorization.k8s.io/v1/Role': (
      await import('kubernetes-models/rbac.authorization.k8s.io/v1/Role')
    ).Role,
    'rbac.authorization.k8s.io/v1/RoleBinding': (
      await import('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding')
    ).RoleBinding,
    // A custom resource: its schema is the prometheus-operator's CRD's.
    'monitoring.coreos.com/v1/ServiceMonitor': (
      await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor')
    ).ServiceMonitor,
  };
  return new Map(
    Object.entries(models).map(([kind, Model]) => [
      kind,
      (obj: KubeObject) => new Model(obj as never).validate(),
    ]),
  );
}

/** A client-node model's fields: their names on the wire, and their types. */
type AttributeTypeMap = { baseName: string; type: string }[];

/**
 * The fields of `value` that its type does not have, as kubectl's strict validation reports
 * them; the schemas above let unknown fields pass, and a misspelt one is silently dropped by a
 * cluster. Types are client-node's models, which are generated from the same OpenAPI document.
 */
function unknownFields(value: unknown, type: string, path: string, out: string[]): string[] {
  if (value === null || typeof value !== 'object') return out;
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1]) {
    (value as unknown[]).forEach((item, i) =>
      unknownFields(item, array[1] ?? '', `${path}[${i}]`, out),
    );
    return out;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1]) {
    for (const [key, item] of Object.entries(value))
      unknownFields(item, map[1], `${path}.${key}`, out);
    return out;
  }
  const model = (kubeModels as Record<string, unknown>)[type] as
    { getAttributeTypeMap?: () => AttributeTypeMap } | undefined;
  if (!model?.getAttributeTypeMap) return out;
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    const fieldType = fields.get(key);
    if (fieldType === undefined) out.push(`${path}.${key}`);
    else unknownFields(item, fieldType, `${path}.${key}`, out);
  }
  return out;
}

/** client-node's model of an object: `apps/v1` `Deployment` is `V1Deployment`. */
function modelTypeOf(obj: KubeObject): string {
  const version = obj.apiVersion.split('/').at(-1) ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${obj.kind}`;
}

function render(overlay: string): KubeObject[] {
  const out = spawnSync(
    'kubectl',
    ['kustomize', join(root, 'deploy', 'kubernetes', 'overlays', overlay)],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (out.status !== 0) throw new Error(`kubectl kustomize ${overlay} failed: ${out.stderr}`);
  // Parsed as plain data, as the API server reads it: client-node's loader would rename fields.
  return parseAllDocuments(out.stdout).map((doc) => doc.toJS() as KubeObject);
}

const rendered = new Map<string, KubeObject[]>();
let validate: Map<string, (obj: KubeObject) => void>;

beforeAll(async () => {
  const minor = kubectlMinorVersion();
  if (minor === undefined || minor < 27) {
    throw new Error(
      `these tests need kubectl 1.27 or later (its kustomize v5); found ${minor === undefined ? 'none' : `1.${minor}`}`,
    );
  }
  validate = await validators();
  for (const overlay of OVERLAYS) rendered.set(overlay, render(overlay));
}, 60_000);

function objectsOf(overlay: string): KubeObject[] {
  const objects = rendered.get(overlay);
  if (!objects) throw new Error(`${overlay} did not render`);
  return objects;
}

function find<T>(objects: KubeObject[], kind: string, name: string): T | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;
}

function deployment(objects: KubeObject[], name: string): V1Deployment {
  const found = find<V1Deployment>(objects, 'Deployment', name);
  if (!found) throw new Error(`no Deployment ${name}`);
  return found;
}

function containerOf(objects: KubeObject[], name: string): { pod: V1PodSpec; c: V1Container } {
  const pod = deployment(objects, name).spec?.template.spec;
  const c = pod?.containers[0];
  if (!pod || !c) throw new Error(`Deployment ${name} has no container`);
  return { pod, c };
}

/** The Secret keys a container's environment takes. */
function secretKeys(c: V1Container): string[] {
  return (c.env ?? []).flatMap((e) =>
    e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.key] : [],
  );
}

describe.each(OVERLAYS)('the %s overlay', (overlay) => {
  it('renders only objects that are valid against the Kubernetes schemas', () => {
    const objects = objectsOf(overlay);
    expect(objects.length).toBeGreaterThan(10);
    for (const obj of objects) {
      const check = validate.get(`${obj.apiVersion}/${obj.kind}`);
      if (!check) throw new Error(`${obj.apiVersion} ${obj.kind} ${obj.metadata.name}: no schema`);
      expect(() => check(obj)).not.toThrow();
      // client-node has no model of a custom resource: the ServiceMonitor's test below checks
      // its whole spec.
      if (obj.kind === 'ServiceMonitor') continue;
      expect(unknownFields(obj, modelTypeOf(obj), obj.metadata.name, [])).toEqual([]);
      expect(obj.metadata.namespace ?? (obj.kind === 'Namespace' ? 'cluster' : '')).not.toBe('');
    }
  });

  it.each(SERVICES)('runs %s hardened, on its image, with probes on its health routes', (app) => {
    const objects = objectsOf(overlay);
    const { pod, c } = containerOf(objects, app);
    expect(c.image).toMatch(new RegExp(`^komputer/${app}:\\d+\\.\\d+\\.\\d+$`));
    const port = (IMAGES[app as ImageApp] as { port?: number }).port;
    expect(c.ports?.find((p) => p.name === 'http')?.containerPort).toBe(port);
    expect(c.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.resources?.requests).toBeDefined();
    expect(c.resources?.limits?.['memory']).toBeDefined();
    // Only the scheduler talks to the Kubernetes API.
    expect(pod.automountServiceAccountToken).toBe(app === 'agent-scheduler' ? undefined : false);
    expect(find(objects, 'Service', app)).toBeDefined();
  });

  it('has Prometheus scrape /metrics on the http port of each service, and of nothing else', () => {
    const objects = objectsOf(overlay);
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor') as (KubeObject & {
      spec: ServiceMonitorSpec;
    })[];
    expect(monitors.map((m) => m.metadata.namespace)).toEqual(['komputer']);
    const [monitor] = monitors;
    // The whole spec, so that a misspelt field (which the CRD's schema lets pass) cannot.
    expect(monitor?.spec).toEqual({
      selector: {
        matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: SERVICES }],
      },
      namespaceSelector: { matchNames: ['komputer'] },
      endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
    });
    const scraped = objects.filter(
      (o) =>
        o.kind === 'Service' &&
        o.metadata.namespace === 'komputer' &&
        (SERVICES as readonly string[]).includes(
          o.metadata.labels?.['app.kubernetes.io/name'] ?? '',
        ),
    ) as (KubeObject & V1Service)[];
    expect(scraped.map((s) => s.metadata.name).sort()).toEqual([...SERVICES].sort());
    for (const service of scraped) {
      // The port the monitor names leads to the container port the app serves /metrics on.
      const port = service.spec?.ports?.find((p) => p.name === 'http');
      expect({ service: service.metadata.name, targetPort: port?.targetPort }).toEqual({
        service: service.metadata.name,
        targetPort: 'http',
      });
    }
  });

  it('gives each service only the secrets it needs', () => {
    const objects = objectsOf(overlay);
    const keys = Object.fromEntries(
      SERVICES.map((app) => [app, secretKeys(containerOf(objects, app).c).sort()]),
    );
    expect(keys).toEqual({
      gateway: ['KOMPUTER_ADMIN_KEY', 'REDIS_URL'],
      'event-relay': ['KOMPUTER_ADMIN_KEY', 'REDIS_URL'],
      'connector-registry': ['KOMPUTER_ADMIN_KEY', 'KOMPUTER_SECRET_KEY', 'REDIS_URL'],
      'agent-scheduler': ['ANTHROPIC_API_KEY', 'KOMPUTER_SECRET_KEY', 'REDIS_URL'],
    });
    for (const app of SERVICES)
      expect(containerOf(objects, app).c.envFrom ?? []).not.toContainEqual(
        expect.objectContaining({ secretRef: expect.anything() }),
      );
  });

  it('keeps the scheduler’s rights and the agents’ network policy in the agents’ namespace', () => {
    const objects = objectsOf(overlay);
    for (const kind of ['Role', 'RoleBinding']) {
      const found = objects.filter((o) => o.kind === kind);
      expect(found.map((o) => o.metadata.namespace)).toEqual(['komputer-agents']);
    }
    expect(objects.some((o) => o.kind.startsWith('Cluster'))).toBe(false);
    expect(find(objects, 'NetworkPolicy', 'komputer-agents')).toMatchObject({
      metadata: { namespace: 'komputer-agents' },
    });
    const { c } = containerOf(objects, 'agent-scheduler');
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      KOMPUTER_RUNTIME_DRIVER: 'kubernetes',
      KOMPUTER_KUBE_NAMESPACE: 'komputer-agents',
      KOMPUTER_MODEL_PROXY_PORT: '8090',
    });
    expect(env['KOMPUTER_KUBE_RUNTIME_IMAGE']).toMatch(/^komputer\/agent-runtime:\d+\.\d+\.\d+$/);
  });
});

it('dev runs one replica of each service, and a Redis of its own that only komputer reaches', () => {
  const objects = objectsOf('dev');
  for (const app of SERVICES) expect(deployment(objects, app).spec?.replicas).toBe(1);
  expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  expect(deployment(objects, 'redis').spec?.replicas).toBe(1);
  expect(find(objects, 'NetworkPolicy', 'redis')).toBeDefined();
  const secret = objects.find((o) => o.kind === 'Secret') as KubeObject & {
    data: Record<string, string>;
  };
  expect(Buffer.from(secret.data['REDIS_URL'] ?? '', 'base64').toString()).toBe(
    'redis://redis.komputer.svc:6379',
  );
  // The generated Secret's hashed name is the one the services read.
  const { c } = containerOf(objects, 'gateway');
  expect(c.env?.find((e) => e.name === 'REDIS_URL')?.valueFrom?.secretKeyRef?.name).toBe(
    secret.metadata.name,
  );
});

it('production runs replicas spread over nodes, autoscales gateways and relays, and brings no Redis', () => {
  const objects = objectsOf('production');
  for (const app of SERVICES) {
    const spec = deployment(objects, app).spec;
    expect(spec?.replicas).toBeGreaterThanOrEqual(2);
    const terms =
      spec?.template.spec?.affinity?.podAntiAffinity
        ?.preferredDuringSchedulingIgnoredDuringExecution;
    expect(terms?.[0]?.podAffinityTerm).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': app } },
    });
    expect(find(objects, 'PodDisruptionBudget', app)).toBeDefined();
  }
  const scaled = objects
    .filter((o) => o.kind === 'HorizontalPodAutoscaler')
    .map((o) => (o as V1HorizontalPodAutoscaler).spec?.scaleTargetRef.name)
    .sort();
  expect(scaled).toEqual(['event-relay', 'gateway']);
  expect(find(objects, 'Deployment', 'redis')).toBeUndefined();
  expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
});
