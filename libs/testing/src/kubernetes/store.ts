import type { KubeObject, ResourceDef } from './resources';

/** The type of a watch event that comes from a change to the store. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, numbered by the resourceVersion it produced. */
export interface StoreChange {
  resourceVersion: number;
  type: ChangeType;
  def: ResourceDef;
  /** The object after the change (for DELETED: as it was, stamped with the deletion's version). */
  object: KubeObject;
  /** The object before the change, for MODIFIED and DELETED. */
  previous?: KubeObject;
}

/** Options for {@link ObjectStore}. */
export interface ObjectStoreOptions {
  /** How many changes are kept for watches to resume from. */
  historySize: number;
}

function keyOf(def: ResourceDef): string {
  return `${def.group}/${def.plural}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * What etcd is to a real API server: every object, one cluster-wide resourceVersion counter
 * incremented by each change, and a bounded window of past changes from which watches resume.
 * Returned objects are copies, so a caller never changes what is stored.
 */
export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreChange[] = [];
  private oldestResumable = 0;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private readonly pending: StoreChange[] = [];
  private emitting = false;

  constructor(private readonly options: ObjectStoreOptions) {}

  /** The resourceVersion of the latest change. */
  get resourceVersion(): number {
    return this.revision;
  }

  /**
   * The oldest resourceVersion a watch can resume from: changes after it are all still kept.
   */
  get oldestResourceVersion(): number {
    return this.oldestResumable;
  }

  /** The stored object, or undefined. */
  get(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.objects
      .get(keyOf(def))
      ?.get(objectKey(def.namespaced ? namespace : undefined, name));
    return found ? structuredClone(found) : undefined;
  }

  /** Every object of a type (in one namespace when given), ordered by namespace and name. */
  list(def: ResourceDef, namespace?: string): KubeObject[] {
    const all = [...(this.objects.get(keyOf(def))?.entries() ?? [])];
    return all
      .filter(([, obj]) => namespace === undefined || obj.metadata?.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => structuredClone(obj));
  }

  /** Writes an object with the next resourceVersion; returns what was stored. */
  put(def: ResourceDef, obj: KubeObject): KubeObject {
    const table = this.objects.get(keyOf(def)) ?? new Map<string, KubeObject>();
    this.objects.set(keyOf(def), table);
    const meta = obj.metadata ?? {};
    const key = objectKey(def.namespaced ? meta.namespace : undefined, meta.name ?? '');
    const previous = table.get(key);
    this.revision += 1;
    const stored = structuredClone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(this.revision) };
    table.set(key, stored);
    this.record({
      resourceVersion: this.revision,
      type: previous ? 'MODIFIED' : 'ADDED',
      def,
      object: stored,
      ...(previous ? { previous } : {}),
    });
    return structuredClone(stored);
  }

  /** Removes an object; returns it as last stored, with the resourceVersion of its removal. */
  remove(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    const table = this.objects.get(keyOf(def));
    const key = objectKey(def.namespaced ? namespace : undefined, name);
    const previous = table?.get(key);
    if (!table || !previous) return undefined;
    table.delete(key);
    this.revision += 1;
    const gone = structuredClone(previous);
    gone.metadata = { ...gone.metadata, resourceVersion: String(this.revision) };
    this.record({ resourceVersion: this.revision, type: 'DELETED', def, object: gone, previous });
    return structuredClone(gone);
  }

  /**
   * The changes after `resourceVersion`, or undefined when some of them are no longer kept
   * (the client must list again: 410 Gone).
   */
  changesSince(resourceVersion: number): StoreChange[] | undefined {
    if (resourceVersion < this.oldestResumable) return undefined;
    return this.history.filter((c) => c.resourceVersion > resourceVersion);
  }

  /** Forgets every past change, as an etcd compaction does: older versions can no longer be watched from. */
  compact(): void {
    this.history.length = 0;
    this.oldestResumable = this.revision;
  }

  /** Calls `listener` with every change, in resourceVersion order. Returns the unsubscribe. */
  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(change: StoreChange): void {
    this.history.push(change);
    while (this.history.length > this.options.historySize) {
      this.oldestResumable = this.history.shift()?.resourceVersion ?? this.oldestResumable;
    }
    this.pending.push(change);
    // A listener that writes (a controller reacting to a change) queues its own change behind
    // this one, so every listener sees changes in resourceVersion order.
    if (this.emitting) return;
    this.emitting = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(next);
          } catch {
            // One listener's failure must not keep the change from the others.
          }
        }
      }
    } finally {
      this.emitting = false;
    }
  }
}
