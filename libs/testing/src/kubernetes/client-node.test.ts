// Fidelity checked with a client we did not write: @kubernetes/client-node, as the kubernetes
// runtime driver will use it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import {
  ApiException,
  Attach,
  CoreV1Api,
  CoordinationV1Api,
  Exec,
  KubeConfig,
  makeInformer,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import type { V1ConfigMap, V1Pod, V1Status } from '@kubernetes/client-node';
import { withTimeout } from '../wait';
import { startKubeEmulator } from './emulator';
import type { KubeEmulator } from './emulator';

// A runtime that speaks JSON lines over stdio, as the agent runtime does: it answers each line
// with a counter, so that a re-attached client can tell it is the same process.
const ECHO_RUNTIME = `
let n = 0;
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  n += 1;
  process.stdout.write(JSON.stringify({ n, pid: process.pid, got: line }) + '\\n');
});
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1 << 30);
`;

const IMAGE = 'komputer/echo-runtime:test';

let emulator: KubeEmulator;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  emulator = await startKubeEmulator({
    images: { [IMAGE]: { command: [process.execPath, '-e', ECHO_RUNTIME] } },
    maxGracePeriodMs: 2000,
    bookmarkIntervalMs: 100,
  });
  kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(() => emulator?.close());

let namespaceCount = 0;
async function freshNamespace(): Promise<string> {
  namespaceCount += 1;
  const name = `client-node-${namespaceCount}`;
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** The `Status` body of a failed call. */
async function failure(call: Promise<unknown>): Promise<{ code: number; status: V1Status }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code, status: body as V1Status };
  }
  throw new Error('the call succeeded');
}

/**
 * Watches `path` until `pick` returns something for an event; stops the watch then. Errors
 * after that (the abort itself) are not failures.
 */
function watchUntil<T, O = unknown>(
  path: string,
  params: Record<string, string | boolean>,
  pick: (type: string, obj: O) => T | undefined,
  what: string,
): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve, reject) => {
      let settled = false;
      let controller: AbortController | undefined;
      const stop = () => setImmediate(() => controller?.abort());
      void new Watch(kc)
        .watch(
          path,
          params,
          (type, obj) => {
            if (settled) return;
            const found = pick(type, obj as O);
            if (found === undefined) return;
            settled = true;
            resolve(found);
            stop();
          },
          (err) => {
            if (!settled && err) reject(err);
          },
        )
        .then((c) => {
          controller = c;
          if (settled) stop();
        }, reject);
    }),
    10_000,
    what,
  );
}

/** Watches a pod until `check` holds. */
function waitForPod(
  namespace: string,
  name: string,
  check: (pod: V1Pod) => boolean,
  what: string,
): Promise<V1Pod> {
  return watchUntil(
    `/api/v1/namespaces/${namespace}/pods`,
    { fieldSelector: `metadata.name=${name}` },
    (_type, pod: V1Pod) => (check(pod) ? pod : undefined),
    `pod ${namespace}/${name}: ${what}`,
  );
}

/** Waits until a pod is gone: lists it, then watches from the list's version. */
async function waitForGone(namespace: string, name: string): Promise<void> {
  const fieldSelector = `metadata.name=${name}`;
  const list = await core.listNamespacedPod({ namespace, fieldSelector });
  if (list.items.length === 0) return;
  await watchUntil(
    `/api/v1/namespaces/${namespace}/pods`,
    { fieldSelector, resourceVersion: list.metadata?.resourceVersion ?? '' },
    (type) => (type === 'DELETED' ? true : undefined),
    `pod ${namespace}/${name} to be deleted`,
  );
}

function echoPod(name: string, extra: Partial<V1Pod['spec']> = {}): V1Pod {
  return {
    metadata: { name, labels: { app: 'echo' } },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'runtime', image: IMAGE, stdin: true, stdinOnce: false }],
      ...extra,
    },
  };
}

/** Collects what a stream receives, and resolves when a line matches. */
class Lines extends Writable {
  text = '';
  private waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    for (const waiter of [...this.waiters]) {
      const line = this.text.split('\n').find(waiter.match);
      if (line !== undefined) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
    done();
  }

  line(match: (line: string) => boolean, what: string): Promise<string> {
    const found = this.text.split('\n').find(match);
    if (found !== undefined) return Promise.resolve(found);
    return withTimeout(
      new Promise((resolve) => this.waiters.push({ match, resolve })),
      10_000,
      what,
    );
  }
}

describe('CRUD and errors through CoreV1Api', () => {
  it('creates, reads, lists with selectors, patches, replaces and deletes', async () => {
    const namespace = await freshNamespace();
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'settings', labels: { tier: 'a' } }, data: { mode: 'fast' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { generateName: 'extra-', labels: { tier: 'b' } } },
    });

    const read = await core.readNamespacedConfigMap({ name: 'settings', namespace });
    expect(read.data).toEqual({ mode: 'fast' });
    const onlyA = await core.listNamespacedConfigMap({
      namespace,
      labelSelector: 'tier in (a),tier!=b',
    });
    expect(onlyA.items.map((c) => c.metadata?.name)).toEqual(['settings']);
    const generated = await core.listNamespacedConfigMap({ namespace, labelSelector: 'tier=b' });
    expect(generated.items[0]?.metadata?.name).toMatch(/^extra-[a-z0-9]{5}$/);
    const byField = await core.listNamespacedConfigMap({
      namespace,
      fieldSelector: 'metadata.name!=settings',
    });
    expect(byField.items).toHaveLength(1);

    const merged = await core.patchNamespacedConfigMap(
      { name: 'settings', namespace, body: { data: { extra: '1' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.data).toEqual({ mode: 'fast', extra: '1' });
    const jsonPatched = await core.patchNamespacedConfigMap(
      { name: 'settings', namespace, body: [{ op: 'remove', path: '/data/extra' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.data).toEqual({ mode: 'fast' });
    expect(Number(jsonPatched.metadata?.resourceVersion)).toBeGreaterThan(
      Number(merged.metadata?.resourceVersion),
    );

    const replaced = await core.replaceNamespacedConfigMap({
      name: 'settings',
      namespace,
      body: { ...jsonPatched, data: { mode: 'slow' } },
    });
    expect(replaced.data).toEqual({ mode: 'slow' });

    await core.deleteNamespacedConfigMap({ name: 'settings', namespace });
    const missing = await failure(core.readNamespacedConfigMap({ name: 'settings', namespace }));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      message: 'configmaps "settings" not found',
      details: { name: 'settings', kind: 'configmaps' },
      code: 404,
    });
  });

  it('refuses a stale resourceVersion with 409 Conflict, a taken name with 409 AlreadyExists', async () => {
    const namespace = await freshNamespace();
    const first = await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'token' }, stringData: { value: 'one' } },
    });
    expect(Buffer.from(first.data?.value ?? '', 'base64').toString()).toBe('one');
    const updated = await core.replaceNamespacedSecret({
      name: 'token',
      namespace,
      body: { ...first, data: { value: Buffer.from('two').toString('base64') } },
    });
    expect(updated.metadata?.resourceVersion).not.toBe(first.metadata?.resourceVersion);

    const stale = await failure(
      core.replaceNamespacedSecret({ name: 'token', namespace, body: { ...first, data: {} } }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status.reason).toBe('Conflict');
    expect(stale.status.message).toBe(
      'Operation cannot be fulfilled on secrets "token": the object has been modified; please apply your changes to the latest version and try again',
    );

    const taken = await failure(
      core.createNamespacedSecret({ namespace, body: { metadata: { name: 'token' } } }),
    );
    expect(taken.code).toBe(409);
    expect(taken.status.reason).toBe('AlreadyExists');
  });

  it('answers 422 Invalid with field causes, 404 for a missing namespace', async () => {
    const namespace = await freshNamespace();
    const bad = await failure(
      core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'Bad_Name', labels: { ok: 'not ok!' } },
          spec: { containers: [{ name: 'c' } as never] },
        },
      }),
    );
    expect(bad.code).toBe(422);
    expect(bad.status.reason).toBe('Invalid');
    expect(bad.status.message).toMatch(/^Pod "Bad_Name" is invalid: \[/);
    expect(bad.status.details?.causes?.map((c) => c.field)).toEqual(
      expect.arrayContaining(['metadata.name', 'metadata.labels', 'spec.containers[0].image']),
    );

    const nowhere = await failure(
      core.createNamespacedConfigMap({
        namespace: 'no-such-namespace',
        body: { metadata: { name: 'x' } },
      }),
    );
    expect(nowhere.code).toBe(404);
    expect(nowhere.status.message).toBe('namespaces "no-such-namespace" not found');
  });

  it('serves leases and network policies in their groups', async () => {
    const namespace = await freshNamespace();
    const leases = kc.makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace,
      body: {
        metadata: { name: 'leader' },
        spec: { holderIdentity: 'a', leaseDurationSeconds: 15 },
      },
    });
    const taken = await leases.replaceNamespacedLease({
      name: 'leader',
      namespace,
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } },
    });
    expect(taken.spec?.holderIdentity).toBe('b');
    const lost = await failure(
      leases.replaceNamespacedLease({
        name: 'leader',
        namespace,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: 'c' } },
      }),
    );
    expect(lost.code).toBe(409);
    expect(lost.status.details).toMatchObject({ group: 'coordination.k8s.io', kind: 'leases' });

    const networking = kc.makeApiClient(NetworkingV1Api);
    const policy = await networking.createNamespacedNetworkPolicy({
      namespace,
      body: {
        metadata: { name: 'deny-all' },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
    });
    expect(policy.metadata?.generation).toBe(1);
    const list = await networking.listNamespacedNetworkPolicy({ namespace });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(['deny-all']);
  });
});

describe('watch', () => {
  type Event = {
    type: string;
    name?: string;
    resourceVersion?: string;
    code?: number;
    reason?: string;
  };

  /** Collects the events of one watch until `count` arrived. */
  function collect(
    path: string,
    params: Record<string, string | boolean>,
    count: number,
  ): Promise<Event[]> {
    const events: Event[] = [];
    type Seen = {
      metadata?: { name?: string; resourceVersion?: string };
      code?: number;
      reason?: string;
    };
    return watchUntil(
      path,
      params,
      (type, obj: Seen) => {
        events.push({
          type,
          name: obj.metadata?.name,
          resourceVersion: obj.metadata?.resourceVersion,
          ...(type === 'ERROR' ? { code: obj.code, reason: obj.reason } : {}),
        });
        return events.length >= count ? events : undefined;
      },
      `${count} watch events on ${path}`,
    );
  }

  it('resumes from a resourceVersion with every change after it, in order, none twice', async () => {
    const namespace = await freshNamespace();
    const path = `/api/v1/namespaces/${namespace}/configmaps`;
    const listed = await core.listNamespacedConfigMap({ namespace });
    const from = listed.metadata?.resourceVersion ?? '';
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'a' } } });
    const modified = await core.patchNamespacedConfigMap(
      { name: 'a', namespace, body: { data: { k: 'v' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: 'a', namespace });

    const replay = await collect(path, { resourceVersion: from }, 3);
    expect(replay.map((e) => `${e.type} ${e.name}`)).toEqual([
      'ADDED a',
      'MODIFIED a',
      'DELETED a',
    ]);
    const versions = replay.map((e) => Number(e.resourceVersion));
    expect(versions).toEqual([...versions].sort((x, y) => x - y));

    // From the MODIFIED version on: only what came after it, then live changes.
    const resumed = collect(path, { resourceVersion: modified.metadata?.resourceVersion ?? '' }, 2);
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'b' } } });
    expect((await resumed).map((e) => `${e.type} ${e.name}`)).toEqual(['DELETED a', 'ADDED b']);
  });

  it('ends a watch from a compacted resourceVersion with an ERROR event: 410 Expired', async () => {
    const namespace = await freshNamespace();
    const listed = await core.listNamespacedConfigMap({ namespace });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'c' } } });
    emulator.compact();
    const events = await collect(
      `/api/v1/namespaces/${namespace}/configmaps`,
      { resourceVersion: listed.metadata?.resourceVersion ?? '' },
      1,
    );
    expect(events).toEqual([{ type: 'ERROR', code: 410, reason: 'Expired' }]);
  });

  it('feeds an informer: list, then add, update and delete from the watch', async () => {
    const namespace = await freshNamespace();
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'before' } } });
    const informer = makeInformer<V1ConfigMap>(
      kc,
      `/api/v1/namespaces/${namespace}/configmaps`,
      () => core.listNamespacedConfigMap({ namespace }),
    );
    const seen: string[] = [];
    const waiters = new Map<string, () => void>();
    const record = (text: string) => {
      seen.push(text);
      waiters.get(text)?.();
    };
    const next = (text: string) =>
      seen.includes(text)
        ? Promise.resolve()
        : withTimeout(
            new Promise<void>((resolve) => waiters.set(text, resolve)),
            10_000,
            `the informer to see ${text}`,
          );
    informer.on('add', (cm) => record(`add ${cm.metadata?.name}`));
    informer.on('update', (cm) => record(`update ${cm.metadata?.name} ${JSON.stringify(cm.data)}`));
    informer.on('delete', (cm) => record(`delete ${cm.metadata?.name}`));
    await informer.start();
    try {
      await next('add before');
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'after' } } });
      await next('add after');
      await core.patchNamespacedConfigMap(
        { name: 'after', namespace, body: { data: { k: 'v' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await next('update after {"k":"v"}');
      await core.deleteNamespacedConfigMap({ name: 'before', namespace });
      await next('delete before');
      expect(informer.list().map((cm) => cm.metadata?.name)).toEqual(['after']);
    } finally {
      await informer.stop();
    }
  });

  it('sends bookmarks when allowed, with the current resourceVersion', async () => {
    const namespace = await freshNamespace();
    const listed = await core.listNamespacedConfigMap({ namespace });
    const events = await collect(
      `/api/v1/namespaces/${namespace}/configmaps`,
      { resourceVersion: listed.metadata?.resourceVersion ?? '', allowWatchBookmarks: true },
      1,
    );
    expect(events[0]?.type).toBe('BOOKMARK');
    expect(Number(events[0]?.resourceVersion)).toBeGreaterThanOrEqual(
      Number(listed.metadata?.resourceVersion),
    );
  });
});

describe('pods', () => {
  it('runs a pod, and attach detaches and re-attaches to the same running process', async () => {
    const namespace = await freshNamespace();
    await core.createNamespacedPod({ namespace, body: echoPod('agent') });
    const running = await waitForPod(
      namespace,
      'agent',
      (p) => p.status?.phase === 'Running',
      'Running',
    );
    expect(running.spec?.nodeName).toBe('emulator-node');
    expect(running.status?.podIP).toBe('127.0.0.1');
    expect(running.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    // A watch hands over the JSON as it came: times are RFC 3339 strings.
    expect(String(running.status?.containerStatuses?.[0]?.state?.running?.startedAt)).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    const pid = emulator.pidOf(namespace, 'agent');
    expect(pid).toBeGreaterThan(0);

    const attach = new Attach(kc);
    const first = new Lines();
    const stdin1 = new PassThrough();
    const ws1 = await attach.attach(namespace, 'agent', 'runtime', first, null, stdin1, false);
    stdin1.write('{"type":"task"}\n');
    const answer1 = JSON.parse(await first.line((l) => l.includes('"n":1'), 'first answer'));
    expect(answer1).toEqual({ n: 1, pid, got: '{"type":"task"}' });

    // Detach: the process keeps running, its state with it.
    const closed = new Promise((resolve) => ws1.once('close', resolve));
    ws1.close();
    await withTimeout(closed, 5_000, 'attach session to close');
    const still = await core.readNamespacedPod({ name: 'agent', namespace });
    expect(still.status?.phase).toBe('Running');
    expect(emulator.pidOf(namespace, 'agent')).toBe(pid);

    const second = new Lines();
    const stdin2 = new PassThrough();
    const ws2 = await attach.attach(namespace, 'agent', 'runtime', second, null, stdin2, false);
    stdin2.write('{"type":"resume"}\n');
    const answer2 = JSON.parse(await second.line((l) => l.includes('"n":2'), 'second answer'));
    expect(answer2).toEqual({ n: 2, pid, got: '{"type":"resume"}' });
    // Only what was written after attaching is delivered.
    expect(second.text).not.toContain('"n":1');
    ws2.close();

    // Graceful deletion: deletionTimestamp while it stops, then gone.
    const deleting = await core.deleteNamespacedPod({ name: 'agent', namespace });
    expect(deleting.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await waitForGone(namespace, 'agent');
  });

  it('execs in the container environment with exit codes through the status channel', async () => {
    const namespace = await freshNamespace();
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'creds' }, stringData: { key: 's3cret' } },
    });
    await core.createNamespacedPod({
      namespace,
      body: echoPod('shell', {
        containers: [
          {
            name: 'runtime',
            image: IMAGE,
            workingDir: '/work',
            env: [
              { name: 'PLAIN', value: 'p' },
              { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'key' } } },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
        ],
        volumes: [{ name: 'work', emptyDir: {} }],
      }),
    });
    await waitForPod(namespace, 'shell', (p) => p.status?.phase === 'Running', 'Running');
    const exec = new Exec(kc);
    const run = async (command: string[]) => {
      const out = new Lines();
      const err = new Lines();
      const status = await withTimeout(
        new Promise<V1Status>((resolve) => {
          void exec.exec(namespace, 'shell', 'runtime', command, out, err, null, false, resolve);
        }),
        10_000,
        `exec ${command.join(' ')}`,
      );
      return { out: out.text, err: err.text, status };
    };
    const ok = await run([
      'sh',
      '-c',
      'echo "$PLAIN $FROM_SECRET $POD_NAME"; basename "$PWD"; echo oops >&2',
    ]);
    expect(ok.out).toBe('p s3cret shell\nwork\n');
    expect(ok.err).toBe('oops\n');
    expect(ok.status.status).toBe('Success');

    const failed = await run(['sh', '-c', 'exit 7']);
    expect(failed.status).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '7' }] },
    });
    await core.deleteNamespacedPod({ name: 'shell', namespace, gracePeriodSeconds: 0 });
  });

  it("keeps a claim's directory across a pod that is deleted and created again", async () => {
    const namespace = await freshNamespace();
    const claim = await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'workspace' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    expect(claim.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    const bound = await core.readNamespacedPersistentVolumeClaim({ name: 'workspace', namespace });
    expect(bound.status).toMatchObject({ phase: 'Bound', capacity: { storage: '1Gi' } });
    const volume = emulator.volumePath(namespace, 'workspace') ?? 'unbound';
    expect(existsSync(volume)).toBe(true);

    const writer = (name: string, script: string): V1Pod => ({
      metadata: { name },
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'main',
            image: 'busybox:1.36',
            command: ['sh', '-c', script],
            volumeMounts: [{ name: 'ws', mountPath: '/workspace' }],
          },
        ],
        volumes: [{ name: 'ws', persistentVolumeClaim: { claimName: 'workspace' } }],
      },
    });
    await core.createNamespacedPod({
      namespace,
      body: writer('w', 'echo first >> /workspace/notes.txt'),
    });
    const done = await waitForPod(
      namespace,
      'w',
      (p) => p.status?.phase === 'Succeeded',
      'Succeeded',
    );
    expect(done.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    await core.deleteNamespacedPod({ name: 'w', namespace });
    await waitForGone(namespace, 'w');
    expect(readFileSync(join(volume, 'notes.txt'), 'utf8')).toBe('first\n');

    await core.createNamespacedPod({
      namespace,
      body: writer('w', 'echo second >> /workspace/notes.txt; cat /workspace/notes.txt; exit 3'),
    });
    const failed = await waitForPod(namespace, 'w', (p) => p.status?.phase === 'Failed', 'Failed');
    expect(failed.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
    });
    const log = await core.readNamespacedPodLog({ name: 'w', namespace });
    expect(log).toBe('first\nsecond\n');
  });
});
