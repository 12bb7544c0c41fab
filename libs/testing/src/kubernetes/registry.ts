import { randomUUID } from 'node:crypto';
import { applyDefaults } from './defaults';
import { generatedName } from './names';
import { jsonPatch, mergePatch, PatchError, strategicMerge } from './patch';
import type { KubeObject, ResourceDef } from './resources';
import { apiVersionOf, metaOf, nameOf, RESOURCES, resourceOfKind, uidOf } from './resources';
import type { Matcher } from './selectors';
import {
  alreadyExists,
  badRequest,
  conflict,
  deletedStatus,
  forbidden,
  invalid,
  KubeApiError,
  methodNotAllowed,
  notFound,
  unsupportedMediaType,
} from './status';
import type { ObjectStore } from './store';
import { checkTypeMeta, validateObject, validateUpdate } from './validation';
import type { SchemaValidator } from './validation';

/** Options of a write, from the query string. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

/** `DeleteOptions`, from the body or the query string. */
export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The patch formats, by their media type. */
export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** One of {@link PATCH_TYPES}. */
export type PatchType = (typeof PATCH_TYPES)[number];

const NAMESPACES = resourceOfKind('Namespace');

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An RFC 3339 time with second precision, as `metav1.Time` marshals. */
export function kubeTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function withoutVersion(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  if (copy.metadata) delete copy.metadata.resourceVersion;
  return copy;
}

// What counts for metadata.generation: everything but metadata and status.
function specOf(obj: KubeObject): unknown {
  const { metadata: _metadata, status: _status, ...rest } = obj;
  return rest;
}

function hasStatus(def: ResourceDef): boolean {
  return def.subresources.includes('status');
}

// Only the types whose real strategies track metadata.generation (those with a spec) have one.
function hasGeneration(def: ResourceDef): boolean {
  return ['Pod', 'PersistentVolumeClaim', 'Service', 'NetworkPolicy', 'Lease'].includes(def.kind);
}

function stringDataIntoData(obj: KubeObject): void {
  if (obj.kind !== 'Secret' || !isObject(obj.stringData)) return;
  const data = isObject(obj.data) ? obj.data : {};
  for (const [key, value] of Object.entries(obj.stringData)) {
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  obj.data = data;
  delete obj.stringData;
}

/**
 * The API's semantics over the store: create, read, update, patch and delete with the real
 * server's defaulting, validation, optimistic concurrency, graceful deletion and finalizers.
 */
export class Registry {
  private nextServiceIp = 1;

  constructor(
    readonly store: ObjectStore,
    private readonly validators: Map<string, SchemaValidator>,
  ) {}

  /** The stored object, or a 404. */
  get(def: ResourceDef, namespace: string | undefined, name: string): KubeObject {
    const found = this.store.get(def, namespace, name);
    if (!found) throw notFound(def, name);
    return found;
  }

  /** The matching objects (in one namespace when given), ordered by namespace and name. */
  list(def: ResourceDef, namespace: string | undefined, matches: Matcher): KubeObject[] {
    return this.store.list(def, namespace).filter(matches);
  }

  private checkNamespace(def: ResourceDef, namespace: string | undefined, name: string): void {
    if (!def.namespaced) return;
    const ns = this.store.get(NAMESPACES, undefined, namespace ?? '');
    if (!ns) throw notFound(NAMESPACES, namespace ?? '');
    if (ns.metadata?.deletionTimestamp) {
      throw forbidden(
        def,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private decodeBody(def: ResourceDef, namespace: string | undefined, body: unknown): KubeObject {
    if (!isObject(body)) {
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: the body is not a JSON object`,
      );
    }
    const obj = structuredClone(body) as KubeObject;
    checkTypeMeta(def, obj);
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    if (obj.metadata !== undefined && !isObject(obj.metadata)) {
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: metadata is not an object`,
      );
    }
    obj.metadata = { ...(obj.metadata ?? {}) };
    if (def.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    stringDataIntoData(obj);
    applyDefaults(obj);
    return obj;
  }

  private prepareCreate(def: ResourceDef, obj: KubeObject): void {
    const meta = metaOf(obj);
    if (!meta.name && meta.generateName) meta.name = generatedName(meta.generateName);
    for (const key of [
      'uid',
      'resourceVersion',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
    ] as const) {
      delete meta[key];
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime();
    if (hasGeneration(def)) meta.generation = 1;
    switch (def.kind) {
      case 'Pod':
        obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
        break;
      case 'PersistentVolumeClaim':
        obj.status = { phase: 'Pending' };
        meta.finalizers = [
          ...new Set([...(meta.finalizers ?? []), 'kubernetes.io/pvc-protection']),
        ];
        break;
      case 'Namespace':
        obj.status = { phase: 'Active' };
        meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name ?? '' };
        break;
      case 'Service': {
        const spec = obj.spec as Obj;
        if (spec.type !== 'ExternalName' && !spec.clusterIP) {
          const n = this.nextServiceIp++;
          spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
        }
        if (spec.clusterIP) {
          spec.clusterIPs = [spec.clusterIP];
          spec.ipFamilies = ['IPv4'];
          spec.ipFamilyPolicy = 'SingleStack';
        }
        obj.status = { loadBalancer: {} };
        break;
      }
    }
  }

  /** POST: creates an object; 409 when the name is taken, 404 when the namespace is missing. */
  create(
    def: ResourceDef,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const obj = this.decodeBody(def, namespace, body);
    if (obj.metadata?.resourceVersion) {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    this.prepareCreate(def, obj);
    validateObject(def, obj, this.validators);
    const name = nameOf(obj);
    this.checkNamespace(def, namespace, name);
    if (this.store.get(def, namespace, name)) throw alreadyExists(def, name);
    if (options.dryRun) return obj;
    return this.store.put(def, obj);
  }

  /** PUT on the object (or its status): replaces it, with optimistic concurrency. */
  update(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions & { subresource?: 'status' } = {},
  ): KubeObject {
    const incoming = this.decodeBody(def, namespace, body);
    if (incoming.metadata?.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata?.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    const existing = this.get(def, namespace, name);
    const expected = incoming.metadata?.resourceVersion;
    if (expected && expected !== existing.metadata?.resourceVersion) throw conflict(def, name);
    return this.replace(def, existing, incoming, options);
  }

  private replace(
    def: ResourceDef,
    existing: KubeObject,
    incoming: KubeObject,
    options: WriteOptions & { subresource?: 'status' },
  ): KubeObject {
    const name = nameOf(existing);
    let next: KubeObject;
    if (options.subresource === 'status') {
      next = { ...structuredClone(existing), status: incoming.status };
    } else {
      next = incoming;
      const meta = metaOf(next);
      const old = metaOf(existing);
      if (meta.uid && meta.uid !== old.uid) {
        throw invalid(def, name, [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "${meta.uid}": field is immutable`,
            field: 'metadata.uid',
          },
        ]);
      }
      meta.uid = old.uid;
      meta.creationTimestamp = old.creationTimestamp;
      meta.generation = old.generation;
      if (old.generateName) meta.generateName = old.generateName;
      if (old.deletionTimestamp) {
        meta.deletionTimestamp = old.deletionTimestamp;
        meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
        const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
        if (added.length) {
          throw invalid(def, name, [
            {
              reason: 'FieldValueForbidden',
              message: 'Forbidden: no new finalizers can be added if the object is being deleted',
              field: 'metadata.finalizers',
            },
          ]);
        }
      } else {
        delete meta.deletionTimestamp;
        delete meta.deletionGracePeriodSeconds;
      }
      if (hasStatus(def)) next.status = existing.status;
      if (def.kind === 'Service') {
        // An update that leaves the allocated address out keeps it, as the real REST does.
        const spec = next.spec as Obj;
        const oldSpec = existing.spec as Obj;
        if (!spec.clusterIP && oldSpec.clusterIP) {
          spec.clusterIP = oldSpec.clusterIP;
          spec.clusterIPs = oldSpec.clusterIPs;
          spec.ipFamilies = oldSpec.ipFamilies;
          spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
        }
      }
      if (def.kind === 'PersistentVolumeClaim') {
        const spec = next.spec as Obj;
        const oldSpec = existing.spec as Obj;
        if (!spec.volumeName && oldSpec.volumeName) spec.volumeName = oldSpec.volumeName;
      }
      validateUpdate(def, existing, next);
    }
    validateObject(def, next, this.validators);
    if (hasGeneration(def) && !same(specOf(next), specOf(existing))) {
      metaOf(next).generation = (existing.metadata?.generation ?? 0) + 1;
    }
    metaOf(next).resourceVersion = existing.metadata?.resourceVersion;
    // A write that changes nothing is not a change: no new resourceVersion and no watch event.
    if (same(withoutVersion(next), withoutVersion(existing))) return existing;
    if (options.dryRun) return next;
    const stored = this.store.put(def, next);
    return this.finalizeIfDone(def, stored) ?? stored;
  }

  /** PATCH on the object (or its status), in any of the four patch formats. */
  patch(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: unknown,
    options: WriteOptions & { subresource?: 'status' } = {},
  ): KubeObject {
    const type = PATCH_TYPES.find((t) => t === contentType);
    if (!type) throw unsupportedMediaType(contentType);
    if (type === 'application/apply-patch+yaml' && !options.fieldManager) {
      throw invalid({ ...def, kind: 'PatchOptions', group: 'meta.k8s.io' }, '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: is required for apply patch',
          field: 'fieldManager',
        },
      ]);
    }
    const existing = this.store.get(def, namespace, name);
    if (!existing) {
      if (type !== 'application/apply-patch+yaml') throw notFound(def, name);
      // Server-side apply creates what does not exist yet.
      return this.create(def, namespace, body, options);
    }
    let patched: unknown;
    try {
      if (type === 'application/json-patch+json') patched = jsonPatch(existing, body);
      else if (type === 'application/merge-patch+json') patched = mergePatch(existing, body);
      else patched = strategicMerge(existing, body);
    } catch (err) {
      if (!(err instanceof PatchError)) throw err;
      if (err.malformed) throw badRequest(err.message);
      throw new KubeApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: err.message,
        reason: 'Invalid',
        code: 422,
      });
    }
    const incoming = this.decodeBody(def, namespace, patched);
    if (incoming.metadata?.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata?.name ?? ''}) does not match the name on the URL (${name})`,
      );
    }
    if (incoming.metadata?.resourceVersion !== existing.metadata?.resourceVersion) {
      throw conflict(def, name);
    }
    return this.replace(def, existing, incoming, options);
  }

  /**
   * DELETE: removes the object, or marks it for deletion when something must happen first (a
   * pod's processes stop, finalizers are removed, a namespace empties). Answers the object for
   * the types whose real registry does, a `Status` otherwise.
   */
  delete(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): KubeObject | Record<string, unknown> {
    const existing = this.get(def, namespace, name);
    const meta = metaOf(existing);
    const pre = options.preconditions ?? {};
    if (pre.uid && pre.uid !== meta.uid) {
      throw conflict(
        def,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`,
      );
    }
    if (pre.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        def,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
      );
    }
    const policy = options.propagationPolicy ?? 'Background';
    const grace = this.gracePeriod(def, existing, options.gracePeriodSeconds);
    const finalizers = [...(meta.finalizers ?? [])];
    if (
      policy === 'Foreground' &&
      !finalizers.includes('foregroundDeletion') &&
      this.dependentsOf(meta.uid ?? '').length
    ) {
      finalizers.push('foregroundDeletion');
    }
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    const waits = finalizers.length > 0 || grace > 0 || def.kind === 'Namespace';
    if (options.dryRun) return this.deleteAnswer(def, existing);
    if (!waits) {
      const gone = this.store.remove(def, namespace, name);
      return this.deleteAnswer(def, gone ?? existing);
    }
    const marked = structuredClone(existing);
    const markedMeta = metaOf(marked);
    const now = Date.now();
    const previousDeadline = markedMeta.deletionTimestamp
      ? Date.parse(markedMeta.deletionTimestamp)
      : Infinity;
    const deadline = Math.min(previousDeadline, now + grace * 1000);
    if (
      markedMeta.deletionTimestamp &&
      deadline >= previousDeadline &&
      same(finalizers, meta.finalizers ?? [])
    ) {
      return this.deleteAnswer(def, existing);
    }
    markedMeta.deletionTimestamp = kubeTime(new Date(deadline));
    markedMeta.deletionGracePeriodSeconds = def.kind === 'Pod' ? grace : 0;
    if (finalizers.length) markedMeta.finalizers = finalizers;
    if (def.kind === 'Namespace')
      marked.status = { ...(marked.status as Obj), phase: 'Terminating' };
    const stored = this.store.put(def, marked);
    return this.deleteAnswer(def, this.finalizeIfDone(def, stored) ?? stored);
  }

  private deleteAnswer(def: ResourceDef, obj: KubeObject): KubeObject | Record<string, unknown> {
    if (def.returnsDeletedObject) return obj;
    return deletedStatus(def, nameOf(obj), uidOf(obj));
  }

  // Pods wait for their processes to stop, unless they never ran or have finished; other
  // objects go at once (unless finalizers hold them).
  private gracePeriod(def: ResourceDef, obj: KubeObject, requested: number | undefined): number {
    if (def.kind !== 'Pod') return 0;
    const spec = (obj.spec ?? {}) as Obj;
    const phase = (obj.status as Obj | undefined)?.phase;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const grace = requested ?? (spec.terminationGracePeriodSeconds as number | undefined) ?? 30;
    return Math.max(0, grace);
  }

  /** DELETE on a collection: deletes each matching object; answers the list of them. */
  deleteCollection(
    def: ResourceDef,
    namespace: string | undefined,
    matches: Matcher,
    options: DeleteOptions = {},
  ): Record<string, unknown> {
    if (def.kind === 'Namespace') throw methodNotAllowed();
    const items: unknown[] = [];
    for (const obj of this.list(def, namespace, matches)) {
      try {
        const answer = this.delete(def, obj.metadata?.namespace, nameOf(obj), options);
        items.push(answer.kind === 'Status' ? obj : answer);
      } catch (err) {
        if (!(err instanceof KubeApiError) || err.code !== 404) throw err;
      }
    }
    return {
      kind: `${def.kind}List`,
      apiVersion: apiVersionOf(def),
      metadata: { resourceVersion: String(this.store.resourceVersion) },
      items,
    };
  }

  /**
   * Removes an object marked for deletion once nothing holds it: no finalizers and, for a pod,
   * its grace period over (the kubelet calls {@link removePod} when its processes stop).
   */
  finalizeIfDone(def: ResourceDef, obj: KubeObject): KubeObject | undefined {
    const meta = metaOf(obj);
    if (!meta.deletionTimestamp || (meta.finalizers ?? []).length) return undefined;
    if (def.kind === 'Pod' && (meta.deletionGracePeriodSeconds ?? 0) > 0) return undefined;
    if (def.kind === 'Namespace') return undefined;
    return this.store.remove(def, meta.namespace, meta.name ?? '');
  }

  /** Removes a pod whose processes have stopped (the kubelet's final step of a graceful delete). */
  removePod(def: ResourceDef, namespace: string, name: string): void {
    const pod = this.store.get(def, namespace, name);
    if (!pod?.metadata?.deletionTimestamp) return;
    if ((pod.metadata.finalizers ?? []).length) {
      // Finalizers still hold it; it goes when the last one is removed.
      pod.metadata.deletionGracePeriodSeconds = 0;
      this.store.put(def, pod);
      return;
    }
    this.store.remove(def, namespace, name);
  }

  /**
   * A write by a controller or the kubelet: read, change, store, with no validation and no
   * concurrency check. Returns undefined when the object is gone or `change` returns false.
   */
  mutate(
    def: ResourceDef,
    namespace: string | undefined,
    name: string,
    change: (obj: KubeObject) => boolean | void,
  ): KubeObject | undefined {
    const obj = this.store.get(def, namespace, name);
    if (!obj) return undefined;
    const before = JSON.stringify(obj);
    if (change(obj) === false || JSON.stringify(obj) === before) return obj;
    const stored = this.store.put(def, obj);
    return this.finalizeIfDone(def, stored) ?? stored;
  }

  /** Every object that names `uid` among its owners. */
  dependentsOf(uid: string): { def: ResourceDef; obj: KubeObject }[] {
    const found: { def: ResourceDef; obj: KubeObject }[] = [];
    for (const def of RESOURCES) {
      for (const obj of this.store.list(def)) {
        if ((obj.metadata?.ownerReferences ?? []).some((o) => o.uid === uid))
          found.push({ def, obj });
      }
    }
    return found;
  }
}
