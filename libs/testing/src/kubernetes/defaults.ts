// The defaults the real API server fills in when it decodes an object (and, for a few fields,
// that its admission plugins add), so that what a client reads back looks as it would from a
// cluster, and an update that leaves a defaulted field out does not count as a change.
import type { KubeObject } from './resources';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(parent: Obj, key: string): Obj {
  const value = parent[key];
  if (isObject(value)) return value;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const afterSlash = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@')) return 'IfNotPresent';
  const tag = afterSlash.includes(':') ? afterSlash.slice(afterSlash.lastIndexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(container: unknown): void {
  if (!isObject(container)) return;
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'imagePullPolicy', imagePullPolicy(container.image));
  setDefault(container, 'resources', {});
  if (Array.isArray(container.ports)) {
    for (const port of container.ports) if (isObject(port)) setDefault(port, 'protocol', 'TCP');
  }
}

function defaultPod(pod: KubeObject): void {
  const spec = objectAt(pod, 'spec');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'enableServiceLinks', true);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'serviceAccountName', 'default');
  if (spec.serviceAccount === undefined) spec.serviceAccount = spec.serviceAccountName;
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (Array.isArray(containers)) containers.forEach(defaultContainer);
  }
  if (Array.isArray(spec.volumes)) {
    for (const volume of spec.volumes) {
      if (isObject(volume) && isObject(volume.secret))
        setDefault(volume.secret, 'defaultMode', 420);
      if (isObject(volume) && isObject(volume.configMap)) {
        setDefault(volume.configMap, 'defaultMode', 420);
      }
    }
  }
}

function defaultService(service: KubeObject): void {
  const spec = objectAt(service, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (!isObject(port)) continue;
      setDefault(port, 'protocol', 'TCP');
      setDefault(port, 'targetPort', port.port);
    }
  }
}

function defaultNetworkPolicy(policy: KubeObject): void {
  const spec = objectAt(policy, 'spec');
  if (spec.policyTypes === undefined) {
    spec.policyTypes = Array.isArray(spec.egress) ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

/** Fills in `obj`'s defaults in place, for its kind. */
export function applyDefaults(obj: KubeObject): void {
  switch (obj.kind) {
    case 'Pod':
      defaultPod(obj);
      break;
    case 'Service':
      defaultService(obj);
      break;
    case 'Secret':
      setDefault(obj, 'type', 'Opaque');
      break;
    case 'PersistentVolumeClaim':
      setDefault(objectAt(obj, 'spec'), 'volumeMode', 'Filesystem');
      break;
    case 'Namespace':
      setDefault(objectAt(obj, 'spec'), 'finalizers', ['kubernetes']);
      break;
    case 'NetworkPolicy':
      defaultNetworkPolicy(obj);
      break;
  }
}
