import type { Readable, Writable } from 'node:stream';
import type * as KubeClient from '@kubernetes/client-node';
import type {
  Attach,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  V1Lease,
  V1PersistentVolumeClaim,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';

/** What the driver reads of a failed call to the API server. */
export interface KubeErrorInfo {
  /** The HTTP status, when the server answered. */
  code?: number;
  /** The `Status` message, or the error's. */
  message: string;
}

/** The status code and message of a failed call to the API server. */
export function kubeError(err: unknown): KubeErrorInfo {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'number') {
    const body = 'body' in err ? err.body : undefined;
    let message = err instanceof Error ? err.message : String(err);
    try {
      const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown };
      if (typeof parsed?.message === 'string') message = parsed.message;
    } catch {
      // Not a Status body: keep the error's own message.
    }
    return { code: err.code, message };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

/** Whether a call failed with HTTP status `code` (404 not found, 409 conflict, ...). */
export function isKubeStatus(err: unknown, code: number): boolean {
  return kubeError(err).code === code;
}

/** A session attached to a container: its socket, which ends when the session does. */
export interface AttachSession {
  /** The WebSocket's readyState: 1 while open. */
  readonly readyState: number;
  close(): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * The calls the kubernetes driver makes, in the one namespace it works in, over
 * `@kubernetes/client-node`. Everything answers `undefined` for an object that does not exist,
 * rather than throwing, where absence is an answer.
 */
export class KubeApi {
  private readonly core: CoreV1Api;
  private readonly coordination: CoordinationV1Api;
  private readonly attacher: Attach;
  private readonly watcher: Watch;
  private readonly MicroTime: typeof KubeClient.V1MicroTime;
  /** The options that send a PATCH as a JSON merge patch. */
  private readonly mergePatch: ReturnType<typeof KubeClient.setHeaderOptions>;

  constructor(
    client: typeof KubeClient,
    config: KubeConfig,
    readonly namespace: string,
  ) {
    this.core = config.makeApiClient(client.CoreV1Api);
    this.coordination = config.makeApiClient(client.CoordinationV1Api);
    this.attacher = new client.Attach(config);
    this.watcher = new client.Watch(config);
    this.MicroTime = client.V1MicroTime;
    this.mergePatch = client.setHeaderOptions('Content-Type', client.PatchStrategy.MergePatch);
  }

  /** A time as a lease holds it: RFC 3339 with microseconds, which the API server requires. */
  microTime(at: Date): KubeClient.V1MicroTime {
    return new this.MicroTime(at.getTime());
  }

  /**
   * Loads `@kubernetes/client-node` (only when the driver starts: the local driver never pays
   * for it) and its configuration: a kubeconfig file, or the pod's service account in a cluster.
   */
  static async connect(options: { kubeconfig?: string; namespace: string }): Promise<KubeApi> {
    const client = await import('@kubernetes/client-node');
    const config = new client.KubeConfig();
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromCluster();
    return new KubeApi(client, config, options.namespace);
  }

  readPod(name: string): Promise<V1Pod | undefined> {
    return absentIf404(this.core.readNamespacedPod({ name, namespace: this.namespace }));
  }

  listPods(labelSelector: string): Promise<V1Pod[]> {
    return this.core
      .listNamespacedPod({ namespace: this.namespace, labelSelector })
      .then((list) => list.items);
  }

  createPod(body: V1Pod): Promise<V1Pod> {
    return this.core.createNamespacedPod({ namespace: this.namespace, body });
  }

  /**
   * Deletes a pod, only if it is still the one with `uid` (and unchanged since
   * `resourceVersion`, when given); false when there was none, or it changed.
   */
  deletePod(
    name: string,
    options: { uid?: string; resourceVersion?: string; gracePeriodSeconds?: number } = {},
  ): Promise<boolean> {
    const { uid, resourceVersion } = options;
    // A precondition that fails: the pod of that uid is gone, and another took its name.
    return deletedUnlessChanged(
      this.core.deleteNamespacedPod({
        name,
        namespace: this.namespace,
        ...(options.gracePeriodSeconds !== undefined
          ? { gracePeriodSeconds: options.gracePeriodSeconds }
          : {}),
        ...(uid || resourceVersion
          ? {
              body: {
                preconditions: {
                  ...(uid ? { uid } : {}),
                  ...(resourceVersion ? { resourceVersion } : {}),
                },
              },
            }
          : {}),
      }),
    );
  }

  /**
   * Changes a pod's labels (a null one is removed) by a JSON merge patch. With
   * `resourceVersion`, the write fails with 409 if the pod changed since it was read: of two
   * schedulers that patch the same pod from the same read, one wins.
   */
  patchPodLabels(
    name: string,
    labels: Record<string, string | null>,
    resourceVersion?: string,
  ): Promise<V1Pod> {
    return this.core.patchNamespacedPod(
      {
        name,
        namespace: this.namespace,
        body: { metadata: { labels, ...(resourceVersion ? { resourceVersion } : {}) } },
      },
      this.mergePatch,
    );
  }

  /** Changes a claim's labels (a null one is removed) by a JSON merge patch. */
  patchClaimLabels(
    name: string,
    labels: Record<string, string | null>,
  ): Promise<V1PersistentVolumeClaim> {
    return this.core.patchNamespacedPersistentVolumeClaim(
      { name, namespace: this.namespace, body: { metadata: { labels } } },
      this.mergePatch,
    );
  }

  readClaim(name: string): Promise<V1PersistentVolumeClaim | undefined> {
    return absentIf404(
      this.core.readNamespacedPersistentVolumeClaim({ name, namespace: this.namespace }),
    );
  }

  listClaims(labelSelector: string): Promise<V1PersistentVolumeClaim[]> {
    return this.core
      .listNamespacedPersistentVolumeClaim({ namespace: this.namespace, labelSelector })
      .then((list) => list.items);
  }

  createClaim(body: V1PersistentVolumeClaim): Promise<V1PersistentVolumeClaim> {
    return this.core.createNamespacedPersistentVolumeClaim({ namespace: this.namespace, body });
  }

  /** Deletes a claim (only if unchanged since `resourceVersion`, when given); false when there was none, or it changed. */
  deleteClaim(name: string, resourceVersion?: string): Promise<boolean> {
    return deletedUnlessChanged(
      this.core.deleteNamespacedPersistentVolumeClaim({
        name,
        namespace: this.namespace,
        ...(resourceVersion ? { body: { preconditions: { resourceVersion } } } : {}),
      }),
    );
  }

  readLease(name: string): Promise<V1Lease | undefined> {
    return absentIf404(this.coordination.readNamespacedLease({ name, namespace: this.namespace }));
  }

  listLeases(labelSelector: string): Promise<V1Lease[]> {
    return this.coordination
      .listNamespacedLease({ namespace: this.namespace, labelSelector })
      .then((list) => list.items);
  }

  createLease(body: V1Lease): Promise<V1Lease> {
    return this.coordination.createNamespacedLease({ namespace: this.namespace, body });
  }

  /** Replaces a lease; its `resourceVersion` makes the write fail with 409 if it changed since. */
  replaceLease(body: V1Lease): Promise<V1Lease> {
    return this.coordination.replaceNamespacedLease({
      name: body.metadata?.name ?? '',
      namespace: this.namespace,
      body,
    });
  }

  deleteLease(name: string, resourceVersion?: string): Promise<boolean> {
    return deletedUnlessChanged(
      this.coordination.deleteNamespacedLease({
        name,
        namespace: this.namespace,
        ...(resourceVersion ? { body: { preconditions: { resourceVersion } } } : {}),
      }),
    );
  }

  /**
   * Attaches to the stdio of a pod's container: what `stdin` yields goes to the container's
   * stdin; what it writes from now on comes out of `stdout` and `stderr`.
   */
  attach(
    pod: string,
    container: string,
    streams: { stdin: Readable; stdout: Writable; stderr: Writable },
  ): Promise<AttachSession> {
    return this.attacher.attach(
      this.namespace,
      pod,
      container,
      streams.stdout,
      streams.stderr,
      streams.stdin,
      false,
    ) as Promise<AttachSession>;
  }

  /**
   * Waits until `until` answers something for the pod named `name` (`undefined` while it does
   * not exist): it reads the pod, then watches it from there, reading it again when the watch
   * ends or its version expired. Rejects after `timeoutMs` with what `describe` says of the pod
   * last seen, or as soon as `signal` aborts.
   */
  waitForPod<T>(
    name: string,
    until: (pod: V1Pod | undefined) => T | undefined,
    options: {
      timeoutMs: number;
      describe: (pod: V1Pod | undefined) => string;
      signal?: AbortSignal;
    },
  ): Promise<T> {
    const fieldSelector = `metadata.name=${name}`;
    const path = `/api/v1/namespaces/${this.namespace}/pods`;
    return new Promise<T>((resolve, reject) => {
      let last: V1Pod | undefined;
      let settled = false;
      let watching: AbortController | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', aborted);
        watching?.abort();
        outcome();
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(options.describe(last)))),
        options.timeoutMs,
      );
      const aborted = () => finish(() => reject(new Error(`the wait for pod ${name} was aborted`)));
      if (options.signal?.aborted) aborted();
      options.signal?.addEventListener('abort', aborted, { once: true });
      const look = (pod: V1Pod | undefined): boolean => {
        last = pod;
        let found: T | undefined;
        try {
          found = until(pod);
        } catch (err) {
          finish(() => reject(err));
          return true;
        }
        if (found === undefined) return false;
        finish(() => resolve(found));
        return true;
      };
      const round = async (): Promise<void> => {
        if (settled) return;
        const list = await this.core.listNamespacedPod({
          namespace: this.namespace,
          fieldSelector,
        });
        if (look(list.items[0]) || settled) return;
        let again = true;
        watching = await this.watcher.watch(
          path,
          {
            fieldSelector,
            resourceVersion: list.metadata?.resourceVersion,
            allowWatchBookmarks: true,
          },
          (type, object: V1Pod) => {
            if (settled) return;
            if (type === 'ADDED' || type === 'MODIFIED') look(object);
            else if (type === 'DELETED') look(undefined);
            // An expired version (410) or another error: the watch ends, and the pod is read again.
            else if (type === 'ERROR') watching?.abort();
          },
          () => {
            // The watch ended (its timeout, a 410, a dropped connection): list and watch again.
            if (!again || settled) return;
            again = false;
            setTimeout(() => void round().catch(retry), 50);
          },
        );
      };
      const retry = (err: unknown) => {
        if (settled) return;
        const why = kubeError(err);
        if (why.code !== undefined && why.code !== 410 && why.code < 500 && why.code !== 429) {
          finish(() => reject(err));
          return;
        }
        setTimeout(() => void round().catch(retry), 500);
      };
      void round().catch(retry);
    });
  }
}

/** A call's answer, or `undefined` when it failed with 404. */
/**
 * Whether a delete with preconditions deleted something: false when there was nothing (404) or
 * a precondition failed (409: the object changed, or another of that name took its place).
 */
async function deletedUnlessChanged(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    if (isKubeStatus(err, 404) || isKubeStatus(err, 409)) return false;
    throw err;
  }
}

async function absentIf404<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isKubeStatus(err, 404)) return undefined;
    throw err;
  }
}
