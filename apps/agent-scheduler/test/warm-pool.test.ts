import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentSpec, TaskJob } from '@komputer/contracts';
import { createLogger } from '@komputer/service-kit';
import { EventStore, TemplateStore } from '@komputer/store';
import {
  collectLogLines,
  eventually,
  MINIMAL_AGENT_SPEC,
  startKubeEmulator,
  startScriptedAnthropic,
  text,
  toolUse,
} from '@komputer/testing';
import type { KubeEmulator, ScriptedAnthropic } from '@komputer/testing';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { createKubernetesDriver } from '../src/kubernetes/driver';
import type { KubernetesRuntimeDriver } from '../src/kubernetes/driver';
import { agentObjectName, claimNameOf, LABELS, POOL_SELECTOR } from '../src/kubernetes/pod-spec';
import type { AgentRef, WarmPoolTarget } from '../src/runtime-driver';
import { warmPoolTarget } from '../src/task-settings';
import { buildRuntime, startFixture } from './harness';
import type { SchedulerFixture } from './harness';
import { KUBE_NAMESPACE, kubeDriverConfig, runtimeImage, taskRunnerFor } from './kube-fixture';

// Warm pools on the emulator: a new agent's task runs in a pod its template keeps ready, two
// schedulers never hand one pod to two agents, and an agent with pod settings of its own is
// never given a pod built without them.

const NS = 'warm';
const TEMPLATE = 'pooled';
let emulator: KubeEmulator;
let f: SchedulerFixture;
let model: ScriptedAnthropic;
let core: CoreV1Api;
let templates: TemplateStore;
const drivers: KubernetesRuntimeDriver[] = [];
let agents = 0;

beforeAll(async () => {
  emulator = await startKubeEmulator({
    images: runtimeImage(buildRuntime()),
    namespaces: ['default', KUBE_NAMESPACE],
    maxGracePeriodMs: 1_000,
  });
  f = await startFixture();
  model = await startScriptedAnthropic();
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  templates = new TemplateStore({ redis: f.redis, keys: f.keys });
  await templates.put({ scope: 'namespace', namespace: NS }, TEMPLATE, { warmPoolSize: 1 }, true);
  // It builds the runtime and starts the emulator, Redis and the model: slow on a loaded machine.
}, 60_000);
afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await emulator?.close();
  await model?.close();
  await f?.close();
});
afterEach(() => expect(model.remainingTurns).toBe(0));

const log = collectLogLines(1_000);
const logger = createLogger({ name: 'warm-pool', level: 'info', destination: log.destination });

/** The templates' pools, as the scheduler hands them to its driver. */
const storedPools = async () => (await templates.pools()).map(warmPoolTarget);

/**
 * A started driver that keeps `pools`. Pools are checked only as it starts and after each claim
 * (the periodic check is an hour away), so that a test sees what a claim does.
 */
async function driver(
  pools: () => Promise<WarmPoolTarget[]> = storedPools,
): Promise<KubernetesRuntimeDriver> {
  const config = kubeDriverConfig(emulator.kubeconfigPath, {
    KOMPUTER_MODEL_PROXY_URL: model.url,
    KOMPUTER_KUBE_POOL_SYNC_MS: '3600000',
  });
  const made = createKubernetesDriver(config, { logger, logLevel: 'warn' });
  drivers.push(made);
  await made.start({ warmPools: pools });
  return made;
}

/** A new agent of the pooled template with a queued task. */
async function queuedTask(spec: Partial<AgentSpec> = {}): Promise<{ ref: AgentRef; job: TaskJob }> {
  agents += 1;
  const name = `agent-${agents}`;
  const taskId = randomUUID();
  const now = new Date().toISOString();
  const claim = await f.agents.claim({
    namespace: NS,
    name,
    taskId,
    instructions: 'Do it.',
    spec: { ...MINIMAL_AGENT_SPEC, templateRef: TEMPLATE, ...spec },
    now,
  });
  if (claim.outcome !== 'created') throw new Error(`agent ${name} not created`);
  const uid = claim.agent.uid;
  return {
    ref: { namespace: NS, name, uid },
    job: {
      taskId,
      namespace: NS,
      agentName: name,
      instructions: 'Do it.',
      enqueuedAt: now,
      agentUid: uid,
    },
  };
}

/** The pool's pods whose runtime has answered: the claimable ones. */
const readyPoolPods = async (): Promise<V1Pod[]> =>
  (
    await core.listNamespacedPod({
      namespace: KUBE_NAMESPACE,
      labelSelector: `${POOL_SELECTOR},${LABELS.poolReady}=true`,
    })
  ).items;

/** Waits until the pool holds `count` ready pods, and answers them. */
async function poolReady(count = 1): Promise<V1Pod[]> {
  let pods: V1Pod[] = [];
  await eventually(
    async () => (pods = await readyPoolPods()).length === count,
    `${count} ready warm pod(s)`,
    20_000,
  );
  return pods;
}

const readPod = (name: string) => core.readNamespacedPod({ name, namespace: KUBE_NAMESPACE });

const agentLabelsOf = (ref: AgentRef) => ({
  [LABELS.namespace]: ref.namespace,
  [LABELS.agent]: ref.name,
  [LABELS.uid]: ref.uid,
});

it('runs a new agent’s task in a warm pod, whose claim becomes its workspace, and refills the pool', async () => {
  const first = await driver();
  const [warm] = await poolReady();
  const podName = warm?.metadata?.name ?? '';
  const claimName = warm ? (claimNameOf(warm) ?? '') : '';
  const { ref, job } = await queuedTask();
  model.script({ content: [toolUse('Write', { file_path: 'notes.md', content: 'warm' })] });
  model.script({ content: [text('Written.')] });
  await taskRunnerFor(f, first, 'warm-1').run(job);

  const events = await new EventStore({ redis: f.redis, keys: f.keys, maxLen: 100 }).read(
    NS,
    ref.name,
    { limit: 50 },
  );
  expect(events.map((e) => e.type)).toEqual([
    'task_started',
    'tool_call',
    'tool_result',
    'text',
    'task_completed',
  ]);
  // The task ran in the pool's pod, which is the agent's now, and no pool's.
  expect(first.ready(ref)?.id).toBe(`pod ${KUBE_NAMESPACE}/${podName}`);
  const claimed = await readPod(podName);
  expect(claimed.metadata?.uid).toBe(warm?.metadata?.uid);
  expect(claimed.metadata?.labels).toMatchObject(agentLabelsOf(ref));
  expect(claimed.metadata?.labels?.[LABELS.poolTemplate]).toBeUndefined();
  expect(claimed.metadata?.labels?.[LABELS.poolReady]).toBeUndefined();
  // Its volume is the agent's workspace: the file the task wrote is on it, and it is labelled so.
  const workspace = await core.readNamespacedPersistentVolumeClaim({
    name: claimName,
    namespace: KUBE_NAMESPACE,
  });
  expect(workspace.metadata?.labels).toMatchObject(agentLabelsOf(ref));
  expect(workspace.metadata?.labels?.[LABELS.poolTemplate]).toBeUndefined();
  const volume = emulator.volumePath(KUBE_NAMESPACE, claimName);
  expect(volume && existsSync(join(volume, 'notes.md'))).toBe(true);
  await expect(
    core.readNamespacedPod({ name: agentObjectName(ref), namespace: KUBE_NAMESPACE }),
  ).rejects.toMatchObject({ code: 404 });
  expect(await first.known()).toContainEqual(ref);

  // The pool refills in the background, with a pod of its own.
  const [refilled] = await poolReady();
  expect(refilled?.metadata?.name).not.toBe(podName);
  await first.close();
}, 40_000);

it('gives the warm pods that a stopped scheduler left to the next one’s new agents', async () => {
  const first = await driver();
  const [left] = await poolReady();
  await first.close();
  const second = await driver();
  const { ref, job } = await queuedTask();
  model.script({ content: [text('Done.')] });
  await taskRunnerFor(f, second, 'warm-2').run(job);
  expect(second.ready(ref)?.id).toBe(`pod ${KUBE_NAMESPACE}/${left?.metadata?.name}`);
  expect((await readPod(left?.metadata?.name ?? '')).metadata?.labels).toMatchObject(
    agentLabelsOf(ref),
  );
  await second.close();
}, 40_000);

it('gives the last warm pod to one of two schedulers that claim it at once; the other goes cold', async () => {
  let pools = await storedPools();
  const targets = () => Promise.resolve(pools);
  const [a, b] = [await driver(targets), await driver(targets)];
  const [warm] = await poolReady();
  // No refill from now on: the pod that is left is the last.
  pools = [];
  const one = await queuedTask();
  const two = await queuedTask();
  const [ra, rb] = await Promise.all([
    a.ensure(one.ref, { warmPool: { scope: 'namespace', namespace: NS, template: TEMPLATE } }),
    b.ensure(two.ref, { warmPool: { scope: 'namespace', namespace: NS, template: TEMPLATE } }),
  ]);
  const warmId = `pod ${KUBE_NAMESPACE}/${warm?.metadata?.name}`;
  const ids = [ra.id, rb.id];
  expect(ids.filter((id) => id === warmId)).toHaveLength(1);
  const [winner, loser] = ids[0] === warmId ? [one, two] : [two, one];
  expect(ids).toContain(`pod ${KUBE_NAMESPACE}/${agentObjectName(loser.ref)}`);
  expect((await readPod(warm?.metadata?.name ?? '')).metadata?.labels).toMatchObject(
    agentLabelsOf(winner.ref),
  );
  // The cold one got a workspace of its own.
  const coldPod = await readPod(agentObjectName(loser.ref));
  expect(claimNameOf(coldPod)).not.toBe(claimNameOf(warm as V1Pod));
  await Promise.all([a.remove(one.ref), b.remove(two.ref), a.close(), b.close()]);
});

it('never gives a warm pod to an agent with its own podSpec', async () => {
  const subject = await driver();
  const [warm] = await poolReady();
  const { ref, job } = await queuedTask({
    podSpec: { containers: [{ env: [{ name: 'TEAM', value: 'core' }] }] },
  });
  model.script({ content: [text('Cold.')] });
  await taskRunnerFor(f, subject, 'warm-own').run(job);
  expect(subject.ready(ref)?.id).toBe(`pod ${KUBE_NAMESPACE}/${agentObjectName(ref)}`);
  const pod = await readPod(agentObjectName(ref));
  expect(pod.spec?.containers[0]?.env).toContainEqual({ name: 'TEAM', value: 'core' });
  // The warm pod is still the pool's, unclaimed.
  expect((await readPod(warm?.metadata?.name ?? '')).metadata?.labels).toMatchObject({
    [LABELS.poolTemplate]: TEMPLATE,
    [LABELS.poolReady]: 'true',
  });
  await subject.close();
});
