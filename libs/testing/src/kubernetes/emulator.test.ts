// The API server's semantics over plain HTTP, and the kubelet's pod lifecycle: what a driver
// relies on beyond what the kubectl and client-node tests show.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { withTimeout } from '../wait';
import { startKubeEmulator } from './emulator';
import type { KubeEmulator } from './emulator';

type Json = Record<string, unknown>;

let emulator: KubeEmulator;
const hostScript = join(mkdtempSync(join(tmpdir(), 'komputer-image-')), 'entry.sh');
writeFileSync(hostScript, 'echo "from the image, tmp is $TMP_DIR"\n');

beforeAll(async () => {
  emulator = await startKubeEmulator({
    images: {
      'komputer/sleeper:test': { command: ['sh', '-c', 'exec sleep 60'] },
      // A host command under /tmp, where a pod may also mount a volume.
      'komputer/host-script:test': { command: ['sh', hostScript] },
    },
    maxGracePeriodMs: 400,
    restartBackoffMs: 20,
    imagePullBackoffMs: 20,
  });
});

afterAll(() => emulator?.close());

async function api(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'content-type': contentType },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** Reads a watch until `pick` returns something. */
async function watchFor<T>(
  path: string,
  pick: (type: string, obj: Json) => T | undefined,
  what: string,
): Promise<T> {
  const controller = new AbortController();
  const read = async () => {
    const response = await fetch(`${emulator.url}${path}`, { signal: controller.signal });
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the watch ended before: ${what}`);
      buffered += Buffer.from(value).toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const event = JSON.parse(buffered.slice(0, newline)) as { type: string; object: Json };
        buffered = buffered.slice(newline + 1);
        const found = pick(event.type, event.object);
        if (found !== undefined) return found;
        newline = buffered.indexOf('\n');
      }
    }
  };
  try {
    return await withTimeout(read(), 10_000, what);
  } finally {
    controller.abort();
  }
}

/** Waits until the named object of a collection is gone: lists it, then watches from there. */
async function waitGone(collection: string, name: string): Promise<void> {
  const selector = `fieldSelector=metadata.name%3D${name}`;
  const list = await api('GET', `${collection}?${selector}`);
  if ((list.body.items as Json[]).length === 0) return;
  const rv = String((list.body.metadata as Json).resourceVersion);
  await watchFor(
    `${collection}?watch=1&${selector}&resourceVersion=${rv}`,
    (type) => (type === 'DELETED' ? true : undefined),
    `${collection}/${name} to be deleted`,
  );
}

let namespaces = 0;
async function freshNamespace(): Promise<string> {
  namespaces += 1;
  const name = `semantics-${namespaces}`;
  expect((await api('POST', '/api/v1/namespaces', { metadata: { name } })).status).toBe(201);
  return name;
}

function pod(name: string, script: string, extra: Json = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', script] }],
      ...extra,
    },
  };
}

function phaseOf(obj: Json): unknown {
  return (obj.status as Json | undefined)?.phase;
}

function waitingReason(obj: Json): unknown {
  const statuses = ((obj.status as Json | undefined)?.containerStatuses ?? []) as Json[];
  return ((statuses[0]?.state as Json | undefined)?.waiting as Json | undefined)?.reason;
}

function podWatch(namespace: string, name: string): string {
  return `/api/v1/namespaces/${namespace}/pods?watch=1&fieldSelector=metadata.name%3D${name}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('errors are Status objects', () => {
  it('answers a malformed body 400, an unknown path 404, an unknown patch type 415', async () => {
    const malformed = await api('POST', '/api/v1/namespaces/default/configmaps', '{"metadata":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'BadRequest',
      code: 400,
    });

    const wrongType = await api('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'x' },
      data: { a: 1 },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('cannot unmarshal number');

    const unknown = await api('GET', '/api/v1/widgets');
    expect(unknown.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });

    await api('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'patched' } });
    const patch = await api(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/patched',
      {},
      'text/plain',
    );
    expect(patch.status).toBe(415);

    const selector = await api(
      'GET',
      '/api/v1/namespaces/default/pods?fieldSelector=spec.image%3Dx',
    );
    expect(selector.body).toMatchObject({
      reason: 'BadRequest',
      message: 'field label not supported: spec.image',
    });
    const labels = await api('GET', '/api/v1/namespaces/default/pods?labelSelector=a%20in%20(b');
    expect(labels.status).toBe(400);
  });

  it('serves discovery with the subresources a driver uses', async () => {
    const core = await api('GET', '/api/v1');
    const names = (core.body.resources as Json[]).map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'pods',
        'pods/status',
        'pods/log',
        'pods/exec',
        'pods/attach',
        'persistentvolumeclaims',
        'secrets',
      ]),
    );
    const groups = await api('GET', '/apis');
    expect((groups.body.groups as Json[]).map((g) => g.name)).toEqual([
      'networking.k8s.io',
      'coordination.k8s.io',
    ]);
  });
});

describe('objects', () => {
  it("keeps a pod's spec immutable but its images, and its status apart from its spec", async () => {
    const namespace = await freshNamespace();
    const created = await api(
      'POST',
      `/api/v1/namespaces/${namespace}/pods`,
      pod('fixed', 'exec sleep 60'),
    );
    expect(created.body.metadata).toMatchObject({ generation: 1 });
    const command = await api(
      'PATCH',
      `/api/v1/namespaces/${namespace}/pods/fixed`,
      { spec: { containers: [{ name: 'main', command: ['true'] }] } },
      'application/strategic-merge-patch+json',
    );
    expect(command.status).toBe(422);
    expect(command.body.message).toContain('pod updates may not change fields other than');
    const image = await api(
      'PATCH',
      `/api/v1/namespaces/${namespace}/pods/fixed`,
      { spec: { containers: [{ name: 'main', image: 'busybox:1.37' }] } },
      'application/strategic-merge-patch+json',
    );
    expect(image.status).toBe(200);
    expect(image.body.metadata).toMatchObject({ generation: 2 });
    // Status written through the object is ignored; through /status it is taken.
    const viaObject = await api(
      'PATCH',
      `/api/v1/namespaces/${namespace}/pods/fixed`,
      { status: { message: 'x' } },
      'application/merge-patch+json',
    );
    expect((viaObject.body.status as Json).message).toBeUndefined();
    const viaStatus = await api(
      'PATCH',
      `/api/v1/namespaces/${namespace}/pods/fixed/status`,
      { status: { message: 'x' } },
      'application/merge-patch+json',
    );
    expect((viaStatus.body.status as Json).message).toBe('x');
    await api('DELETE', `/api/v1/namespaces/${namespace}/pods/fixed?gracePeriodSeconds=0`);
  });

  it('deletes a collection by label, and garbage-collects dependents unless orphaned', async () => {
    const namespace = await freshNamespace();
    const base = `/api/v1/namespaces/${namespace}/configmaps`;
    for (const [name, tier] of [
      ['a', 'x'],
      ['b', 'x'],
      ['c', 'y'],
    ]) {
      await api('POST', base, { metadata: { name, labels: { tier } } });
    }
    const removed = await api('DELETE', `${base}?labelSelector=tier%3Dx`);
    expect((removed.body.items as Json[]).map((i) => (i.metadata as Json).name)).toEqual([
      'a',
      'b',
    ]);
    expect(
      ((await api('GET', base)).body.items as Json[]).map((i) => (i.metadata as Json).name),
    ).toEqual(['c']);

    const owner = await api('POST', base, { metadata: { name: 'owner' } });
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'owner',
      uid: (owner.body.metadata as Json).uid,
    };
    await api('POST', base, { metadata: { name: 'owned', ownerReferences: [ref] } });
    await api('DELETE', `${base}/owner`);
    expect((await api('GET', `${base}/owned`)).status).toBe(404);

    const keeper = await api('POST', base, { metadata: { name: 'keeper' } });
    const keeperRef = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'keeper',
      uid: (keeper.body.metadata as Json).uid,
    };
    await api('POST', base, { metadata: { name: 'orphan', ownerReferences: [keeperRef] } });
    await api('DELETE', `${base}/keeper`, { propagationPolicy: 'Orphan' });
    const orphan = await api('GET', `${base}/orphan`);
    expect(orphan.status).toBe(200);
    expect((orphan.body.metadata as Json).ownerReferences).toBeUndefined();
    expect((await api('GET', `${base}/keeper`)).status).toBe(404);
  });

  it('holds an object with finalizers until they are removed', async () => {
    const namespace = await freshNamespace();
    const path = `/api/v1/namespaces/${namespace}/secrets/held`;
    await api('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      metadata: { name: 'held', finalizers: ['example.com/hold'] },
    });
    const deleted = await api('DELETE', path);
    expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success' });
    const held = await api('GET', path);
    expect((held.body.metadata as Json).deletionTimestamp).toEqual(expect.any(String));
    await api('PATCH', path, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    expect((await api('GET', path)).status).toBe(404);
  });

  it('ends a watch after its timeoutSeconds', async () => {
    const started = Date.now();
    const response = await fetch(
      `${emulator.url}/api/v1/namespaces/default/secrets?watch=1&timeoutSeconds=1`,
    );
    expect(await withTimeout(response.text(), 5_000, 'the watch to end')).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('tells a selector watch that an object stopped matching, with a DELETED event', async () => {
    const namespace = await freshNamespace();
    const base = `/api/v1/namespaces/${namespace}/configmaps`;
    const created = await api('POST', base, { metadata: { name: 'm', labels: { pick: 'yes' } } });
    const rv = String((created.body.metadata as Json).resourceVersion);
    await api(
      'PATCH',
      `${base}/m`,
      { metadata: { labels: { pick: 'no' } } },
      'application/merge-patch+json',
    );
    const event = await watchFor(
      `${base}?watch=1&labelSelector=pick%3Dyes&resourceVersion=${rv}`,
      (type) => type,
      'the DELETED event',
    );
    expect(event).toBe('DELETED');
  });
});

describe('the kubelet', () => {
  it('deletes a pod gracefully: SIGTERM, deletionTimestamp meanwhile, then SIGKILL and gone', async () => {
    const namespace = await freshNamespace();
    // The shell ignores SIGTERM, so only the SIGKILL at the end of the grace period stops it.
    await api(
      'POST',
      `/api/v1/namespaces/${namespace}/pods`,
      pod('stubborn', "trap '' TERM; while :; do sleep 0.05; done"),
    );
    await watchFor(
      podWatch(namespace, 'stubborn'),
      (_t, o) => (phaseOf(o) === 'Running' ? true : undefined),
      'Running',
    );
    const pid = emulator.pidOf(namespace, 'stubborn') ?? 0;
    expect(alive(pid)).toBe(true);
    const deleting = await api('DELETE', `/api/v1/namespaces/${namespace}/pods/stubborn`);
    expect(deleting.status).toBe(200);
    expect(deleting.body.metadata).toMatchObject({
      deletionTimestamp: expect.any(String),
      deletionGracePeriodSeconds: 30,
    });
    const rv = String((deleting.body.metadata as Json).resourceVersion);
    const stillThere = await api('GET', `/api/v1/namespaces/${namespace}/pods/stubborn`);
    expect(stillThere.status).toBe(200);
    await watchFor(
      `${podWatch(namespace, 'stubborn')}&resourceVersion=${rv}`,
      (type) => (type === 'DELETED' ? true : undefined),
      'DELETED',
    );
    expect(alive(pid)).toBe(false);
  });

  it('waits for a missing secret (CreateContainerConfigError), then starts', async () => {
    const namespace = await freshNamespace();
    const withSecret = pod('needs-secret', 'echo "$TOKEN"; exec sleep 60');
    ((withSecret.spec as Json).containers as Json[])[0] = {
      ...((withSecret.spec as Json).containers as Json[])[0],
      env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }],
    };
    await api('POST', `/api/v1/namespaces/${namespace}/pods`, withSecret);
    const waiting = await watchFor(
      podWatch(namespace, 'needs-secret'),
      (_t, o) => (waitingReason(o) === 'CreateContainerConfigError' ? o : undefined),
      'CreateContainerConfigError',
    );
    expect(phaseOf(waiting)).toBe('Pending');
    await api('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      metadata: { name: 'creds' },
      stringData: { token: 't0k3n' },
    });
    await watchFor(
      podWatch(namespace, 'needs-secret'),
      (_t, o) => (phaseOf(o) === 'Running' ? true : undefined),
      'Running',
    );
    const logs = await fetch(
      `${emulator.url}/api/v1/namespaces/${namespace}/pods/needs-secret/log?follow=true&limitBytes=6`,
    );
    expect(await logs.text()).toBe('t0k3n\n');
  });

  it('reports an image it has no command for as ErrImagePull, then ImagePullBackOff', async () => {
    const namespace = await freshNamespace();
    await api('POST', `/api/v1/namespaces/${namespace}/pods`, {
      metadata: { name: 'unpullable' },
      spec: { containers: [{ name: 'main', image: 'registry.example/nothing:1' }] },
    });
    await watchFor(
      podWatch(namespace, 'unpullable'),
      (_t, o) => (waitingReason(o) === 'ImagePullBackOff' ? true : undefined),
      'ImagePullBackOff',
    );
  });

  it('restarts a failed container under OnFailure, keeping its emptyDir', async () => {
    const namespace = await freshNamespace();
    const flaky = pod(
      'flaky',
      'if [ -f /scratch/once ]; then echo second; exit 0; fi; touch /scratch/once; echo first; exit 1',
      {
        restartPolicy: 'OnFailure',
        volumes: [{ name: 'scratch', emptyDir: {} }],
      },
    );
    ((flaky.spec as Json).containers as Json[])[0] = {
      ...((flaky.spec as Json).containers as Json[])[0],
      volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
    };
    await api('POST', `/api/v1/namespaces/${namespace}/pods`, flaky);
    const done = await watchFor(
      podWatch(namespace, 'flaky'),
      (_t, o) => (phaseOf(o) === 'Succeeded' ? o : undefined),
      'Succeeded',
    );
    const status = ((done.status as Json).containerStatuses as Json[])[0];
    expect(status).toMatchObject({
      restartCount: 1,
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    const previous = await fetch(
      `${emulator.url}/api/v1/namespaces/${namespace}/pods/flaky/log?previous=true`,
    );
    expect(await previous.text()).toBe('first\n');
    const current = await fetch(`${emulator.url}/api/v1/namespaces/${namespace}/pods/flaky/log`);
    expect(await current.text()).toBe('second\n');
  });

  it('runs an image’s host command as it is, though it lives under a mount point of the pod', async () => {
    const namespace = await freshNamespace();
    const spec = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'mounted-tmp' },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'tmp', emptyDir: {} }],
        containers: [
          {
            name: 'main',
            image: 'komputer/host-script:test',
            env: [{ name: 'TMP_DIR', value: '/tmp' }],
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
      },
    };
    expect((await api('POST', `/api/v1/namespaces/${namespace}/pods`, spec)).status).toBe(201);
    await watchFor(
      podWatch(namespace, 'mounted-tmp'),
      (_t, o) => (phaseOf(o) === 'Succeeded' ? o : undefined),
      'Succeeded',
    );
    const log = await fetch(`${emulator.url}/api/v1/namespaces/${namespace}/pods/mounted-tmp/log`);
    // The pod's own env value is rewritten to the volume; the image's command is not.
    const text = await log.text();
    expect(text).toMatch(/^from the image, tmp is \//);
    expect(text).not.toBe('from the image, tmp is /tmp\n');
  });

  it('speaks v4.channel.k8s.io to an older client: frames by channel, the Status last', async () => {
    const namespace = await freshNamespace();
    await api('POST', `/api/v1/namespaces/${namespace}/pods`, pod('v4', 'exec sleep 60'));
    await watchFor(
      podWatch(namespace, 'v4'),
      (_t, o) => (phaseOf(o) === 'Running' ? true : undefined),
      'Running',
    );
    const query =
      'command=sh&command=-c&command=echo%20out%3B%20echo%20err%20%3E%262%3B%20exit%205&stdout=true&stderr=true';
    const url = `${emulator.url.replace('http', 'ws')}/api/v1/namespaces/${namespace}/pods/v4/exec?${query}`;
    const socket = new WebSocket(url, ['v4.channel.k8s.io']);
    const frames: [number, string][] = [];
    socket.on('message', (data: Buffer) =>
      frames.push([data.readUInt8(0), data.subarray(1).toString('utf8')]),
    );
    await withTimeout(
      new Promise((resolve) => socket.once('close', resolve)),
      10_000,
      'the exec to end',
    );
    expect(socket.protocol).toBe('v4.channel.k8s.io');
    const byChannel = (channel: number) =>
      frames
        .filter(([c]) => c === channel)
        .map(([, text]) => text)
        .join('');
    expect(byChannel(1)).toBe('out\n');
    expect(byChannel(2)).toBe('err\n');
    expect(frames[frames.length - 1]?.[0]).toBe(3);
    expect(JSON.parse(byChannel(3))).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '5' }] },
    });
  });

  it('runs init containers first, to success, then the containers', async () => {
    const namespace = await freshNamespace();
    const mount = [{ name: 'shared', mountPath: '/shared' }];
    await api('POST', `/api/v1/namespaces/${namespace}/pods`, {
      metadata: { name: 'staged' },
      spec: {
        restartPolicy: 'Always',
        volumes: [{ name: 'shared', emptyDir: {} }],
        initContainers: [
          {
            name: 'prepare',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'echo ready > /shared/flag'],
            volumeMounts: mount,
          },
        ],
        containers: [
          {
            name: 'main',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'cat /shared/flag; exec sleep 60'],
            volumeMounts: mount,
          },
        ],
      },
    });
    const running = await watchFor(
      podWatch(namespace, 'staged'),
      (_t, o) => (phaseOf(o) === 'Running' ? o : undefined),
      'Running',
    );
    const init = (((running.status as Json).initContainerStatuses ?? []) as Json[])[0];
    expect(init).toMatchObject({
      name: 'prepare',
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    const logs = await fetch(
      `${emulator.url}/api/v1/namespaces/${namespace}/pods/staged/log?container=main&follow=true&limitBytes=6`,
    );
    expect(await logs.text()).toBe('ready\n');
    await api('DELETE', `/api/v1/namespaces/${namespace}/pods/staged?gracePeriodSeconds=0`);
  });

  it('deletes what a namespace holds with it, running pods included', async () => {
    const namespace = await freshNamespace();
    await api('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
      // A finalizer holds the namespace in Terminating until the test removes it.
      metadata: { name: 'cm', finalizers: ['example.com/hold'] },
    });
    await api('POST', `/api/v1/namespaces/${namespace}/pods`, {
      metadata: { name: 'sleeper' },
      spec: { containers: [{ name: 'main', image: 'komputer/sleeper:test' }] },
    });
    await watchFor(
      podWatch(namespace, 'sleeper'),
      (_t, o) => (phaseOf(o) === 'Running' ? true : undefined),
      'Running',
    );
    const deleting = await api('DELETE', `/api/v1/namespaces/${namespace}`);
    expect(deleting.body.status).toMatchObject({ phase: 'Terminating' });
    const refused = await api('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
      metadata: { name: 'late' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('because it is being terminated');
    await waitGone(`/api/v1/namespaces/${namespace}/pods`, 'sleeper');
    await api(
      'PATCH',
      `/api/v1/namespaces/${namespace}/configmaps/cm`,
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    await waitGone('/api/v1/namespaces', namespace);
    expect((await api('GET', `/api/v1/namespaces/${namespace}/pods/sleeper`)).status).toBe(404);
  });
});
