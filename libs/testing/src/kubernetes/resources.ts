import type { ResourceRef } from './status';

/** A Kubernetes object as JSON: what the store keeps and the wire carries. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
};

/** The parts of `metadata` the emulator reads and writes. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[];
  [key: string]: unknown;
}

/** How an object's name is checked: the real validators differ by resource. */
export type NameRule = 'dns1123Subdomain' | 'dns1123Label' | 'dns1035Label';

/** One served resource type and what the real API server says about it. */
export interface ResourceDef extends ResourceRef {
  version: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  nameRule: NameRule;
  /** Subresources served besides the object itself. */
  subresources: string[];
  /**
   * Whether a delete answers with the object (pods, namespaces) rather than a `Status`, as the
   * real registry's `ReturnDeletedObject`.
   */
  returnsDeletedObject: boolean;
  /** Field selectors the real server supports for this type, besides metadata.name/namespace. */
  fields: Record<string, (obj: KubeObject) => string | undefined>;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function at(obj: KubeObject, ...path: string[]): string | undefined {
  let value: unknown = obj;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (value === undefined || value === null) return undefined;
  return String(value);
}

/** Every resource type the emulator serves. */
export const RESOURCES: readonly ResourceDef[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    nameRule: 'dns1123Label',
    subresources: ['status'],
    returnsDeletedObject: true,
    fields: { 'status.phase': (o) => at(o, 'status', 'phase') },
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    nameRule: 'dns1123Subdomain',
    subresources: ['status', 'log', 'exec', 'attach'],
    returnsDeletedObject: true,
    fields: {
      'spec.nodeName': (o) => at(o, 'spec', 'nodeName') ?? '',
      'spec.restartPolicy': (o) => at(o, 'spec', 'restartPolicy'),
      'spec.schedulerName': (o) => at(o, 'spec', 'schedulerName'),
      'spec.serviceAccountName': (o) => at(o, 'spec', 'serviceAccountName'),
      'spec.hostNetwork': (o) => at(o, 'spec', 'hostNetwork') ?? 'false',
      'status.phase': (o) => at(o, 'status', 'phase'),
      'status.podIP': (o) => at(o, 'status', 'podIP') ?? '',
      'status.nominatedNodeName': (o) => at(o, 'status', 'nominatedNodeName') ?? '',
    },
  },
  {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    nameRule: 'dns1123Subdomain',
    subresources: ['status'],
    returnsDeletedObject: true,
    fields: {},
  },
  {
    group: '',
    version: 'v1',
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    shortNames: [],
    nameRule: 'dns1123Subdomain',
    subresources: [],
    returnsDeletedObject: false,
    fields: { type: (o) => at(o, 'type') },
  },
  {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    nameRule: 'dns1123Subdomain',
    subresources: [],
    returnsDeletedObject: false,
    fields: {},
  },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    nameRule: 'dns1035Label',
    subresources: ['status'],
    returnsDeletedObject: true,
    fields: {
      'spec.clusterIP': (o) => at(o, 'spec', 'clusterIP'),
      'spec.type': (o) => at(o, 'spec', 'type'),
    },
  },
  {
    // Served so that kubectl describe finds its events; the emulator records none itself.
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    nameRule: 'dns1123Subdomain',
    subresources: [],
    returnsDeletedObject: false,
    fields: {
      'involvedObject.kind': (o) => at(o, 'involvedObject', 'kind') ?? '',
      'involvedObject.namespace': (o) => at(o, 'involvedObject', 'namespace') ?? '',
      'involvedObject.name': (o) => at(o, 'involvedObject', 'name') ?? '',
      'involvedObject.uid': (o) => at(o, 'involvedObject', 'uid') ?? '',
      'involvedObject.apiVersion': (o) => at(o, 'involvedObject', 'apiVersion') ?? '',
      'involvedObject.resourceVersion': (o) => at(o, 'involvedObject', 'resourceVersion') ?? '',
      'involvedObject.fieldPath': (o) => at(o, 'involvedObject', 'fieldPath') ?? '',
      reason: (o) => at(o, 'reason') ?? '',
      reportingComponent: (o) => at(o, 'reportingComponent') ?? '',
      source: (o) => at(o, 'source', 'component') ?? '',
      type: (o) => at(o, 'type') ?? '',
    },
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    nameRule: 'dns1123Subdomain',
    subresources: [],
    returnsDeletedObject: false,
    fields: {},
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
    shortNames: [],
    nameRule: 'dns1123Subdomain',
    subresources: [],
    returnsDeletedObject: false,
    fields: {},
  },
];

/** `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The resource type served at `group`/`version` under `plural`, if any. */
export function findResource(
  group: string,
  version: string,
  plural: string,
): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource type of an object's `apiVersion` and `kind`, if served. */
export function resourceForKind(apiVersion: string, kind: string): ResourceDef | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/** `/api/v1` and `/apis/{group}/{version}`: an `APIResourceList`, as kubectl's discovery reads it. */
export function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (defs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const def of defs) {
    resources.push({
      name: def.plural,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.kind === 'Namespace' ? VERBS.filter((v) => v !== 'deletecollection') : VERBS,
      ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
    });
    for (const sub of def.subresources) {
      const verbs =
        sub === 'status' ? ['get', 'patch', 'update'] : sub === 'log' ? ['get'] : ['create', 'get'];
      resources.push({
        name: `${def.plural}/${sub}`,
        singularName: '',
        namespaced: def.namespaced,
        kind: sub === 'status' ? def.kind : sub === 'log' ? 'Pod' : 'PodAttachOptions',
        verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** The named API groups, each with its one version. */
export function apiGroups(): Record<string, unknown>[] {
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
  return groups.map((name) => {
    const versions = [
      ...new Set(RESOURCES.filter((r) => r.group === name).map((r) => r.version)),
    ].map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions, preferredVersion: versions[0] };
  });
}

/** The served resource type of a kind (the emulator's own lookups, which cannot miss). */
export function resourceOfKind(kind: string): ResourceDef {
  const found = RESOURCES.find((r) => r.kind === kind);
  if (!found) throw new Error(`the emulator serves no ${kind}`);
  return found;
}

/** An object's metadata, created empty when missing. */
export function metaOf(obj: KubeObject): ObjectMeta {
  obj.metadata ??= {};
  return obj.metadata;
}

/** An object's name, or '' when it has none yet. */
export function nameOf(obj: KubeObject): string {
  return obj.metadata?.name ?? '';
}

/** An object's namespace, or '' for a cluster-scoped one. */
export function namespaceOf(obj: KubeObject): string {
  return obj.metadata?.namespace ?? '';
}

/** An object's uid, or '' before it is stored. */
export function uidOf(obj: KubeObject): string {
  return obj.metadata?.uid ?? '';
}
