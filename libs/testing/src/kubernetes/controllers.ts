import { mkdirSync, rmSync } from 'node:fs';
import type { Registry } from './registry';
import type { KubeObject, ResourceDef } from './resources';
import { metaOf, nameOf, RESOURCES, resourceOfKind, uidOf } from './resources';
import type { StoreChange } from './store';

const byKind = (kind: string) => resourceOfKind(kind);
const PODS = byKind('Pod');
const CLAIMS = byKind('PersistentVolumeClaim');
const NAMESPACES = byKind('Namespace');

type Obj = Record<string, unknown>;

/** Where each claim's volume lives on the host. */
export interface VolumePaths {
  /** The directory of a claim's volume, named after the volume bound to it. */
  volumeDir(volumeName: string): string;
}

function isTerminal(pod: KubeObject): boolean {
  const phase = (pod.status as Obj | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function claimsOf(pod: KubeObject): string[] {
  const volumes = ((pod.spec as Obj | undefined)?.volumes ?? []) as Obj[];
  return volumes
    .map((v) => (v.persistentVolumeClaim as Obj | undefined)?.claimName)
    .filter((n): n is string => typeof n === 'string');
}

/**
 * The controllers a cluster runs besides the kubelet, reduced to what a driver depends on: the
 * garbage collector (ownerReferences, with the Background, Foreground and Orphan policies), the
 * namespace controller (deleting a namespace deletes what is in it), and, for claims, a
 * provisioner that binds each claim to a new volume directory, the PVC protection that keeps a
 * claim in use until its pods are gone, and the reclaim that deletes the volume with its claim.
 */
export class Controllers {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly registry: Registry,
    private readonly volumes: VolumePaths,
  ) {
    this.unsubscribe = registry.store.subscribe((change) => {
      try {
        this.onChange(change);
      } catch {
        // A controller retries on the next change, as a real one requeues.
      }
    });
  }

  /** Stops reacting to changes. */
  stop(): void {
    this.unsubscribe();
  }

  private onChange(change: StoreChange): void {
    const { def, object, type } = change;
    const meta = metaOf(object);
    if (def.kind === 'PersistentVolumeClaim') this.claimChanged(change);
    if (def.kind === 'Pod' && (type === 'DELETED' || isTerminal(object))) {
      for (const claim of claimsOf(object)) this.releaseClaim(meta.namespace ?? '', claim);
    }
    if (def.kind === 'Namespace' && type !== 'DELETED' && meta.deletionTimestamp) {
      this.drainNamespace(meta.name ?? '');
    }
    if (def.namespaced && type === 'DELETED') this.removeNamespaceIfEmpty(meta.namespace ?? '');
    if (type === 'DELETED') this.collectDependents(object);
    else if (meta.deletionTimestamp) this.propagate(def, object);
    if (type === 'DELETED') {
      for (const owner of meta.ownerReferences ?? []) this.finishForeground(owner.uid);
    }
  }

  private claimChanged({ type, object }: StoreChange): void {
    const meta = metaOf(object);
    const spec = (object.spec ?? {}) as Obj;
    if (type === 'DELETED') {
      if (typeof spec.volumeName === 'string') {
        rmSync(this.volumes.volumeDir(spec.volumeName), { recursive: true, force: true });
      }
      return;
    }
    if (meta.deletionTimestamp) {
      this.releaseClaim(meta.namespace ?? '', meta.name ?? '');
      return;
    }
    if ((object.status as Obj | undefined)?.phase === 'Bound') return;
    const volumeName = typeof spec.volumeName === 'string' ? spec.volumeName : `pvc-${meta.uid}`;
    mkdirSync(this.volumes.volumeDir(volumeName), { recursive: true });
    this.registry.mutate(CLAIMS, meta.namespace, meta.name ?? '', (claim) => {
      const claimSpec = claim.spec as Obj;
      claimSpec.volumeName = volumeName;
      metaOf(claim).annotations = {
        ...claim.metadata?.annotations,
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
      };
      const requests = ((claimSpec.resources as Obj | undefined)?.requests ?? {}) as Obj;
      claim.status = {
        phase: 'Bound',
        accessModes: claimSpec.accessModes,
        capacity: { storage: requests.storage },
      };
    });
  }

  // PVC protection: a claim being deleted goes once no running pod uses it.
  private releaseClaim(namespace: string, name: string): void {
    const claim = this.registry.store.get(CLAIMS, namespace, name);
    if (!claim?.metadata?.deletionTimestamp) return;
    const inUse = this.registry.store
      .list(PODS, namespace)
      .some((pod) => !isTerminal(pod) && claimsOf(pod).includes(name));
    if (inUse) return;
    this.registry.mutate(CLAIMS, namespace, name, (c) => {
      metaOf(c).finalizers = (metaOf(c).finalizers ?? []).filter(
        (f) => f !== 'kubernetes.io/pvc-protection',
      );
    });
  }

  private drainNamespace(namespace: string): void {
    for (const def of RESOURCES) {
      if (!def.namespaced) continue;
      for (const obj of this.registry.store.list(def, namespace)) {
        if (obj.metadata?.deletionTimestamp) continue;
        this.registry.delete(def, namespace, nameOf(obj));
      }
    }
    this.removeNamespaceIfEmpty(namespace);
  }

  private removeNamespaceIfEmpty(namespace: string): void {
    const ns = this.registry.store.get(NAMESPACES, undefined, namespace);
    if (!ns?.metadata?.deletionTimestamp) return;
    const empty = RESOURCES.every(
      (def) => !def.namespaced || this.registry.store.list(def, namespace).length === 0,
    );
    if (empty) this.registry.store.remove(NAMESPACES, undefined, namespace);
  }

  private existsByUid(uid: string): boolean {
    return RESOURCES.some((def) =>
      this.registry.store.list(def).some((o) => o.metadata?.uid === uid),
    );
  }

  // Background deletion: a dependent whose owners are all gone is deleted.
  private collectDependents(owner: KubeObject): void {
    for (const { def, obj } of this.registry.dependentsOf(uidOf(owner))) {
      const owners = obj.metadata?.ownerReferences ?? [];
      if (owners.some((o) => o.uid !== metaOf(owner).uid && this.existsByUid(o.uid))) continue;
      if (obj.metadata?.deletionTimestamp) continue;
      this.registry.delete(def, obj.metadata?.namespace, nameOf(obj));
    }
  }

  private propagate(def: ResourceDef, owner: KubeObject): void {
    const meta = metaOf(owner);
    const finalizers = meta.finalizers ?? [];
    if (finalizers.includes('orphan')) {
      for (const dep of this.registry.dependentsOf(meta.uid ?? '')) {
        this.registry.mutate(dep.def, dep.obj.metadata?.namespace, nameOf(dep.obj), (o) => {
          const owners = (metaOf(o).ownerReferences ?? []).filter((r) => r.uid !== meta.uid);
          if (owners.length) metaOf(o).ownerReferences = owners;
          else delete metaOf(o).ownerReferences;
        });
      }
      this.registry.mutate(def, meta.namespace, meta.name ?? '', (o) => {
        metaOf(o).finalizers = (metaOf(o).finalizers ?? []).filter((f) => f !== 'orphan');
      });
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      for (const dep of this.registry.dependentsOf(meta.uid ?? '')) {
        if (dep.obj.metadata?.deletionTimestamp) continue;
        this.registry.delete(dep.def, dep.obj.metadata?.namespace, nameOf(dep.obj), {
          propagationPolicy: 'Foreground',
        });
      }
      this.finishForeground(meta.uid ?? '');
    }
  }

  // Foreground deletion: the owner goes once its last dependent has.
  private finishForeground(ownerUid: string): void {
    if (this.registry.dependentsOf(ownerUid).length) return;
    for (const def of RESOURCES) {
      for (const obj of this.registry.store.list(def)) {
        const meta = metaOf(obj);
        if (meta.uid !== ownerUid || !(meta.finalizers ?? []).includes('foregroundDeletion'))
          continue;
        this.registry.mutate(def, meta.namespace, meta.name ?? '', (o) => {
          metaOf(o).finalizers = (metaOf(o).finalizers ?? []).filter(
            (f) => f !== 'foregroundDeletion',
          );
        });
      }
    }
  }
}
