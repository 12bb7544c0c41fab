// Server-side printing: kubectl asks for `as=Table` and prints the rows the server sends, so
// the columns here are the real server's printers for these types.
import type { KubeObject, ResourceDef } from './resources';

type Obj = Record<string, unknown>;

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell: (obj: KubeObject, now: number) => unknown;
}

/** `duration.HumanDuration`: how kubectl's AGE column reads. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

function obj(value: unknown): Obj {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

const name: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata?.name ?? '',
};

const age: Column = {
  name: 'Age',
  type: 'string',
  format: '',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => {
    const created = o.metadata?.creationTimestamp;
    return created ? humanDuration(now - Date.parse(created)) : '<unknown>';
  },
};

function column(title: string, cell: Column['cell'], type = 'string', priority = 0): Column {
  return { name: title, type, format: '', description: '', priority, cell };
}

// The STATUS of a pod as kubectl shows it: the most telling container reason, else the phase.
function podStatus(pod: KubeObject): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  const status = obj(pod.status);
  let reason = String(status.reason ?? status.phase ?? 'Unknown');
  for (const c of list(status.initContainerStatuses)) {
    const state = obj(c.state);
    const terminated = obj(state.terminated);
    if (state.terminated && terminated.exitCode === 0) continue;
    if (state.terminated) return `Init:${terminated.reason ?? 'Error'}`;
    if (state.waiting && obj(state.waiting).reason !== 'PodInitializing') {
      return `Init:${obj(state.waiting).reason}`;
    }
    return `Init:0/${list(obj(pod.spec).initContainers).length}`;
  }
  for (const c of [...list(status.containerStatuses)].reverse()) {
    const state = obj(c.state);
    if (state.waiting && obj(state.waiting).reason) reason = String(obj(state.waiting).reason);
    else if (state.terminated) {
      const t = obj(state.terminated);
      reason = String(t.reason ?? (t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`));
    }
  }
  return reason;
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    name,
    column('Ready', (o) => {
      const statuses = list(obj(o.status).containerStatuses);
      const total = list(obj(o.spec).containers).length;
      return `${statuses.filter((c) => c.ready === true).length}/${total}`;
    }),
    column('Status', podStatus),
    column(
      'Restarts',
      (o) =>
        list(obj(o.status).containerStatuses).reduce((n, c) => n + Number(c.restartCount ?? 0), 0),
      'string',
    ),
    age,
    column('IP', (o) => obj(o.status).podIP ?? '<none>', 'string', 1),
    column('Node', (o) => obj(o.spec).nodeName ?? '<none>', 'string', 1),
    column('Nominated Node', (o) => obj(o.status).nominatedNodeName ?? '<none>', 'string', 1),
    column('Readiness Gates', () => '<none>', 'string', 1),
  ],
  Namespace: [name, column('Status', (o) => obj(o.status).phase ?? ''), age],
  Secret: [
    name,
    column('Type', (o) => o.type ?? 'Opaque'),
    column('Data', (o) => Object.keys(obj(o.data)).length, 'integer'),
    age,
  ],
  ConfigMap: [
    name,
    column(
      'Data',
      (o) => Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length,
      'integer',
    ),
    age,
  ],
  PersistentVolumeClaim: [
    name,
    column('Status', (o) =>
      o.metadata?.deletionTimestamp ? 'Terminating' : (obj(o.status).phase ?? ''),
    ),
    column('Volume', (o) => obj(o.spec).volumeName ?? ''),
    column('Capacity', (o) => obj(obj(o.status).capacity).storage ?? ''),
    column('Access Modes', (o) =>
      ((obj(o.status).accessModes ?? []) as string[])
        .map(
          (m) =>
            ({
              ReadWriteOnce: 'RWO',
              ReadOnlyMany: 'ROX',
              ReadWriteMany: 'RWX',
              ReadWriteOncePod: 'RWOP',
            })[m] ?? m,
        )
        .join(','),
    ),
    column('StorageClass', (o) => obj(o.spec).storageClassName ?? '<unset>'),
    column('VolumeAttributesClass', (o) => obj(o.spec).volumeAttributesClassName ?? '<unset>'),
    age,
    column('VolumeMode', (o) => obj(o.spec).volumeMode ?? '', 'string', 1),
  ],
  Service: [
    name,
    column('Type', (o) => obj(o.spec).type ?? 'ClusterIP'),
    column('Cluster-IP', (o) => obj(o.spec).clusterIP ?? '<none>'),
    column('External-IP', () => '<none>'),
    column(
      'Port(s)',
      (o) =>
        list(obj(o.spec).ports)
          .map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)
          .join(',') || '<none>',
    ),
    age,
  ],
  NetworkPolicy: [
    name,
    column('Pod-Selector', (o) => {
      const labels = obj(obj(obj(o.spec).podSelector).matchLabels);
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',');
      return text || '<none>';
    }),
    age,
  ],
  Lease: [name, column('Holder', (o) => obj(o.spec).holderIdentity ?? ''), age],
};

/** The `includeObject` modes of a Table request. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Renders objects as a `meta.k8s.io/v1` Table, as the real server does for `as=Table`. */
export function toTable(
  def: ResourceDef,
  objects: KubeObject[],
  resourceVersion: string,
  include: IncludeObject,
): Record<string, unknown> {
  const columns = COLUMNS[def.kind] ?? [name, age];
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(({ cell: _cell, ...definition }) => definition),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      ...(include === 'None'
        ? {}
        : {
            object:
              include === 'Object'
                ? o
                : {
                    kind: 'PartialObjectMetadata',
                    apiVersion: 'meta.k8s.io/v1',
                    metadata: o.metadata,
                  },
          }),
    })),
  };
}

/** Whether an Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
