import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskJob } from '@komputer/contracts';
import { EventStore } from '@komputer/store';
import { createLogger } from '@komputer/service-kit';
import {
  collectLogLines,
  MINIMAL_AGENT_SPEC,
  startKubeEmulator,
  startScriptedAnthropic,
  text,
  toolUse,
} from '@komputer/testing';
import type { KubeEmulator, ScriptedAnthropic } from '@komputer/testing';
import { CoordinationV1Api, CoreV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import { createKubernetesDriver } from '../src/kubernetes/driver';
import type { KubernetesRuntimeDriver } from '../src/kubernetes/driver';
import { agentLabels, agentObjectName, workspaceClaimName } from '../src/kubernetes/pod-spec';
import { RuntimeHeldError } from '../src/runtime-driver';
import type { AgentRef } from '../src/runtime-driver';
import { buildRuntime, startFixture } from './harness';
import type { SchedulerFixture } from './harness';
import {
  KUBE_NAMESPACE,
  kubeDriverConfig,
  runtimeImage,
  startApiProxy,
  taskRunnerFor,
} from './kube-fixture';
import type { ApiProxy } from './kube-fixture';

// What only the kubernetes driver does, beyond the contract: it survives a broken attachment,
// attaches to a pod that an earlier scheduler left, says why a pod does not start, and
// replaces what a deleted agent of the same name left.

const NS = 'kube';
let emulator: KubeEmulator;
let f: SchedulerFixture;
let model: ScriptedAnthropic;
let proxy: ApiProxy;
let core: CoreV1Api;
let coordination: CoordinationV1Api;
const drivers: KubernetesRuntimeDriver[] = [];
let agents = 0;

beforeAll(async () => {
  emulator = await startKubeEmulator({
    images: runtimeImage(buildRuntime()),
    namespaces: ['default', KUBE_NAMESPACE],
    maxGracePeriodMs: 2_000,
  });
  f = await startFixture();
  model = await startScriptedAnthropic();
  proxy = await startApiProxy(emulator, f.dataDir);
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  coordination = kc.makeApiClient(CoordinationV1Api);
});
afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await proxy?.close();
  await emulator?.close();
  await model?.close();
  await f?.close();
});
afterEach(() => expect(model.remainingTurns).toBe(0));

/** The driver's log lines, to see what it did. */
const log = collectLogLines(1_000);
const logger = createLogger({ name: 'kube-driver', level: 'info', destination: log.destination });

/**
 * A started driver, through the proxy unless `direct`, with `overrides` to its settings and
 * `start` to its start options.
 */
async function driver(
  overrides: Record<string, string> = {},
  direct = false,
  start: Parameters<KubernetesRuntimeDriver['start']>[0] = {},
): Promise<KubernetesRuntimeDriver> {
  // The pods call the scripted model straight: it takes the token of each task as its key.
  const config = kubeDriverConfig(direct ? emulator.kubeconfigPath : proxy.kubeconfigPath, {
    KOMPUTER_MODEL_PROXY_URL: model.url,
    ...overrides,
  });
  const made = createKubernetesDriver(config, { logger, logLevel: 'warn' });
  drivers.push(made);
  await made.start(start);
  return made;
}

/** A new agent with a queued task. */
async function queuedTask(instructions = 'Do it.'): Promise<{ ref: AgentRef; job: TaskJob }> {
  agents += 1;
  const name = `agent-${agents}`;
  const taskId = randomUUID();
  const now = new Date().toISOString();
  const claim = await f.agents.claim({
    namespace: NS,
    name,
    taskId,
    instructions,
    spec: MINIMAL_AGENT_SPEC,
    now,
  });
  const uid = claim.outcome === 'created' ? claim.agent.uid : randomUUID();
  return {
    ref: { namespace: NS, name, uid },
    job: { taskId, namespace: NS, agentName: name, instructions, enqueuedAt: now, agentUid: uid },
  };
}

const storedEvents = (name: string) =>
  new EventStore({ redis: f.redis, keys: f.keys, maxLen: 1000 }).read(NS, name, { limit: 200 });

const podOf = (ref: AgentRef) =>
  core.readNamespacedPod({ name: agentObjectName(ref), namespace: KUBE_NAMESPACE });

it('attaches again when the attachment breaks, mid-task: every event stored once, in order', async () => {
  const subject = await driver();
  const runner = taskRunnerFor(f, subject, 'broken-attach');
  const { ref, job } = await queuedTask();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  model.script({ content: [text('before'), toolUse('Bash', { command: 'echo hi' })] }, async () => {
    await held;
    return { content: [text('after')] };
  });
  const requests = model.requestCount;
  const running = runner.run(job);
  await model.waitForRequests(requests + 2, 20_000);
  const handle = subject.ready(ref);
  const pod = await podOf(ref);
  // The runtime finishes the task while no session is attached: what it writes then is lost on
  // the wire, and comes again after `resume`.
  release();
  proxy.cut();
  await running;
  const events = await storedEvents(ref.name);
  expect(events.map((e) => e.type)).toEqual([
    'task_started',
    'text',
    'tool_call',
    'tool_result',
    'text',
    'task_completed',
  ]);
  expect(events.at(-1)?.payload).toMatchObject({ result: 'after' });
  // The same runtime in the same pod, attached anew, ready for the next task.
  expect(log.records.map((r) => r['msg'])).toContain('attached to the agent’s pod again');
  expect(subject.ready(ref)).toBe(handle);
  expect((await podOf(ref)).metadata?.uid).toBe(pod.metadata?.uid);
  runner.close();
});

it('attaches to the pod that an earlier scheduler left running, conversation and all', async () => {
  const first = await driver({}, true);
  const { ref, job } = await queuedTask('Remember this.');
  model.script({ content: [text('Remembered.')] });
  await taskRunnerFor(f, first, 'first').run(job);
  const pod = await podOf(ref);
  const pid = emulator.pidOf(KUBE_NAMESPACE, agentObjectName(ref));
  // The scheduler stops: its pods go on.
  await first.close();
  expect((await podOf(ref)).status?.phase).toBe('Running');

  const second = await driver({}, true);
  expect((await second.known()).map((a) => a.name)).toContain(ref.name);
  const handle = await second.ensure(ref);
  expect(handle.resumable).toBe(true);
  expect((await podOf(ref)).metadata?.uid).toBe(pod.metadata?.uid);
  expect(emulator.pidOf(KUBE_NAMESPACE, agentObjectName(ref))).toBe(pid);
});

it('says why a pod does not start, within the start timeout, and deletes it', async () => {
  const subject = await driver({
    KOMPUTER_KUBE_RUNTIME_IMAGE: 'registry.example/komputer/missing:1',
    KOMPUTER_KUBE_START_TIMEOUT_MS: '1500',
  });
  const { ref } = await queuedTask();
  const started = Date.now();
  await expect(subject.ensure(ref)).rejects.toThrow(
    /not running within 1500 ms \((ErrImagePull|ImagePullBackOff)/,
  );
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(subject.ready(ref)).toBeUndefined();
  // Deleted, so that the agent's next task tries anew.
  for (let tries = 0; tries < 100; tries++) {
    const left = await core.listNamespacedPod({
      namespace: KUBE_NAMESPACE,
      fieldSelector: `metadata.name=${agentObjectName(ref)}`,
    });
    if (left.items.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the pod that could not start is still there');
});

it('replaces the pod and workspace of a deleted agent of the same name, and removes by label', async () => {
  const subject = await driver({}, true);
  const { ref } = await queuedTask();
  await subject.ensure(ref);
  const claim = workspaceClaimName(ref);
  const oldVolume = emulator.volumePath(KUBE_NAMESPACE, claim) ?? '';
  writeFileSync(join(oldVolume, 'secret-of-the-old-agent.txt'), 'old');
  const oldPod = (await podOf(ref)).metadata?.uid;
  // A lease labelled for the old agent goes with it too.
  await coordination.createNamespacedLease({
    namespace: KUBE_NAMESPACE,
    body: {
      metadata: { name: `${agentObjectName(ref)}-extra`, labels: agentLabels(ref, 'lease') },
      spec: {},
    },
  });

  // The agent is deleted and made again under its name; the delete was never heard here.
  const again: AgentRef = { ...ref, uid: randomUUID() };
  const handle = await subject.ensure(again);
  expect(subject.ready(again)).toBe(handle);
  const pod = await podOf(again);
  expect(pod.metadata?.uid).not.toBe(oldPod);
  expect(pod.metadata?.labels?.['komputer.ai/uid']).toBe(again.uid);
  const newVolume = emulator.volumePath(KUBE_NAMESPACE, claim) ?? '';
  expect(newVolume).not.toBe(oldVolume);
  expect(existsSync(join(newVolume, 'secret-of-the-old-agent.txt'))).toBe(false);
  const leases = await coordination.listNamespacedLease({ namespace: KUBE_NAMESPACE });
  expect(leases.items.map((l) => l.metadata?.name)).not.toContain(`${agentObjectName(ref)}-extra`);

  // A late delete of the old agent spares the new one.
  await subject.remove(ref);
  expect(subject.ready(again)).toBe(handle);
  await subject.remove(again);
  expect(subject.ready(again)).toBeUndefined();
  expect(emulator.volumePath(KUBE_NAMESPACE, claim)).toBeUndefined();
  expect((await subject.known()).map((a) => a.name)).not.toContain(ref.name);
});

describe('leases: two schedulers never drive one pod', () => {
  it('keeps a second scheduler off an agent’s pod while the first holds its lease, until it lets go', async () => {
    const first = await driver({}, true);
    const second = await driver({ KOMPUTER_KUBE_START_TIMEOUT_MS: '1500' }, true);
    const { ref } = await queuedTask();
    const handle = await first.ensure(ref);
    const lease = () =>
      coordination.readNamespacedLease({ name: agentObjectName(ref), namespace: KUBE_NAMESPACE });
    expect((await lease()).spec?.holderIdentity).toBe(first.identity);

    // A start waits for the lease, then gives up saying why; an adoption does not wait.
    const started = Date.now();
    await expect(second.ensure(ref)).rejects.toThrow('is driven by another scheduler');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    await expect(second.adopt(ref)).rejects.toBeInstanceOf(RuntimeHeldError);
    expect(first.ready(ref)).toBe(handle);

    // The first lets go (it stops): the second takes the same pod over at once.
    const pod = (await podOf(ref)).metadata?.uid;
    await first.close();
    const taken = await second.ensure(ref);
    expect(second.ready(ref)).toBe(taken);
    expect((await podOf(ref)).metadata?.uid).toBe(pod);
    expect((await lease()).spec).toMatchObject({ holderIdentity: second.identity });
  });

  it('takes an idle pod over when its holder lets go on being asked; a pod that runs a task is kept', async () => {
    const first = await driver({}, true);
    let firstBusy = true;
    const asked: string[] = [];
    const second = await driver({ KOMPUTER_KUBE_START_TIMEOUT_MS: '3000' }, true, {
      askRelease: (agent, holder) => {
        asked.push(holder);
        void first.release(agent, holder, () => firstBusy);
      },
    });
    const { ref } = await queuedTask();
    const handle = await first.ensure(ref);
    const pod = (await podOf(ref)).metadata?.uid;

    // A task runs on it: the first keeps it, and the second's start gives up at its deadline.
    await expect(second.ensure(ref)).rejects.toThrow('is driven by another scheduler');
    expect(asked).toEqual([first.identity]);
    expect(first.ready(ref)).toBe(handle);
    // A driver that is not the holder ignores the ask.
    await expect(second.release(ref, first.identity, () => false)).resolves.toBe(false);

    // Idle, it is let go at the first ask, running: the second attaches to the same pod.
    firstBusy = false;
    const taken = await second.ensure(ref);
    expect(asked).toEqual([first.identity, first.identity]);
    expect(second.ready(ref)).toBe(taken);
    expect(first.ready(ref)).toBeUndefined();
    expect((await podOf(ref)).metadata?.uid).toBe(pod);
    const lease = await coordination.readNamespacedLease({
      name: agentObjectName(ref),
      namespace: KUBE_NAMESPACE,
    });
    expect(lease.spec?.holderIdentity).toBe(second.identity);
  });

  it('takes a pod over once the lease of a scheduler that died has lapsed', async () => {
    const subject = await driver({}, true);
    const { ref } = await queuedTask();
    // A scheduler that died holding the lease: it renewed it just now, and never will again.
    await coordination.createNamespacedLease({
      namespace: KUBE_NAMESPACE,
      body: {
        metadata: { name: agentObjectName(ref), labels: agentLabels(ref, 'lease') },
        spec: {
          holderIdentity: 'a-scheduler-that-died',
          leaseDurationSeconds: 2,
          renewTime: new V1MicroTime(),
          acquireTime: new V1MicroTime(),
        },
      },
    });
    const started = Date.now();
    await subject.ensure(ref);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    const lease = await coordination.readNamespacedLease({
      name: agentObjectName(ref),
      namespace: KUBE_NAMESPACE,
    });
    expect(lease.spec).toMatchObject({ holderIdentity: subject.identity, leaseTransitions: 1 });
  });
});
