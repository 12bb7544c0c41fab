import { agentObjectName } from '@komputer/agent-scheduler';
import type { AgentEvent } from '@komputer/contracts';
import { eventually, taskEvents, text, toolUse } from '@komputer/testing';
import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { KUBE_NAMESPACE, startKubeStack } from './kube-stack';
import type { KubeStack } from './kube-stack';

// An agent's lifecycle on the kubernetes driver: `Sleep` deletes the pod and keeps the
// workspace claim, and the next task wakes it in a new pod on the same claim; `DELETE` and
// `AutoDelete` remove the pod, the claim and everything else labelled for the agent.

let kube: KubeStack;
let core: CoreV1Api;
let coordination: CoordinationV1Api;

beforeAll(async () => {
  kube = await startKubeStack();
  const kc = new KubeConfig();
  kc.loadFromString(kube.emulator.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  coordination = kc.makeApiClient(CoordinationV1Api);
});
afterAll(() => kube?.close());
afterEach(() => expect(kube.model.remainingTurns).toBe(0));

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${kube.api}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const eventsOf = (name: string, taskId: string) =>
  taskEvents(kube.redis, `komputer:default:events:${name}`, taskId, {
    explain: kube.recentLog,
  }) as unknown as Promise<AgentEvent[]>;

/** What is labelled for the agent in the agents' namespace: its pods, claims and leases. */
async function objectsOf(name: string) {
  const labelSelector = `app.kubernetes.io/managed-by=komputer,komputer.ai/namespace=default,komputer.ai/agent=${name}`;
  const [pods, claims, leases] = await Promise.all([
    core.listNamespacedPod({ namespace: KUBE_NAMESPACE, labelSelector }),
    core.listNamespacedPersistentVolumeClaim({ namespace: KUBE_NAMESPACE, labelSelector }),
    coordination.listNamespacedLease({ namespace: KUBE_NAMESPACE, labelSelector }),
  ]);
  return {
    pods: pods.items,
    claims: claims.items,
    leases: leases.items,
  };
}

it('deletes a sleeping agent’s pod after its task, keeps its workspace, and wakes it in a new pod', async () => {
  kube.model.script(
    { content: [toolUse('Bash', { command: 'echo remembered > note.txt' })] },
    { content: [text('Going to sleep.')] },
    { content: [toolUse('Bash', { command: 'cat note.txt' })] },
    { content: [text('Awake again.')] },
  );
  const first = await call('POST', '/agents', {
    name: 'dozy',
    instructions: 'Write a note, then sleep',
    lifecycle: 'Sleep',
  });
  expect(first.status).toBe(201);
  expect((await eventsOf('dozy', String(first.body['taskId']))).at(-1)?.type).toBe(
    'task_completed',
  );
  // Its lease goes with it: any scheduler may wake it, in a new pod, since this one is gone.
  const goneToSleep = async () => {
    const { pods, leases } = await objectsOf('dozy');
    return pods.length + leases.length === 0;
  };
  await eventually(goneToSleep, 'the pod and its lease to go');
  const kept = await objectsOf('dozy');
  expect(kept.claims).toHaveLength(1);
  expect((await call('GET', '/agents/dozy')).body['status']).toBe('Sleeping');

  const next = await call('POST', '/agents', { name: 'dozy', instructions: 'Read your note' });
  expect(next.status).toBe(201);
  const events = await eventsOf('dozy', String(next.body['taskId']));
  expect(events[0]).toMatchObject({ type: 'task_started', payload: { resuming_session: true } });
  expect(events.find((e) => e.type === 'tool_result')).toMatchObject({
    payload: { output: expect.stringContaining('remembered'), is_error: false },
  });
  expect(events.at(-1)?.type).toBe('task_completed');
  const awake = await objectsOf('dozy');
  expect(awake.claims.map((c) => c.metadata?.uid)).toEqual(kept.claims.map((c) => c.metadata?.uid));
  // Asleep again after this task.
  await eventually(goneToSleep, 'the pod and its lease to go');
});

it('removes the pod, the workspace claim and the lease of a deleted agent', async () => {
  kube.model.script({ content: [text('Here.')] });
  const task = await call('POST', '/agents', { name: 'doomed', instructions: 'Be here' });
  await eventsOf('doomed', String(task.body['taskId']));
  const before = await objectsOf('doomed');
  expect([before.pods.length, before.claims.length, before.leases.length]).toEqual([1, 1, 1]);
  expect(before.pods[0]?.metadata?.name).toBe(
    agentObjectName({ namespace: 'default', name: 'doomed' }),
  );
  expect((await call('DELETE', '/agents/doomed')).status).toBe(200);
  await eventually(
    async () => {
      const left = await objectsOf('doomed');
      return left.pods.length + left.claims.length + left.leases.length === 0;
    },
    'everything labelled for the agent to go',
    20_000,
  );
});

it('removes an AutoDelete agent’s pod and workspace once its task has ended', async () => {
  kube.model.script({ content: [text('One and done.')] });
  const task = await call('POST', '/agents', {
    name: 'once',
    instructions: 'Go',
    lifecycle: 'AutoDelete',
  });
  expect(task.status).toBe(201);
  await eventually(
    async () => (await call('GET', '/agents/once')).status === 404,
    'the agent to be deleted',
  );
  await eventually(
    async () => {
      const left = await objectsOf('once');
      return left.pods.length + left.claims.length + left.leases.length === 0;
    },
    'everything labelled for the agent to go',
    20_000,
  );
});
