import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceClaimName } from '@komputer/agent-scheduler';
import type { AgentEvent } from '@komputer/contracts';
import { TestClient, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startE2eStack } from './e2e-stack';
import { KUBE_NAMESPACE, startKubeStack } from './kube-stack';
import type { KubeStack } from './kube-stack';

// A task from the gateway to an agent's pod and back to a WebSocket client, on the kubernetes
// driver over the Kubernetes API emulator; then the same tasks on the local driver, whose
// events must be the same.

/** What a scenario needs of a stack. */
interface Target {
  api: string;
  ws: string;
  model: ScriptedAnthropic;
}

/**
 * An event as a client compares it: without what differs from run to run (ids, times, the
 * session), nor the input tokens and their cost, which count the system prompt, and the
 * prompt names the workspace's path: a directory of the test here, a host directory for the
 * pod's `/workspace` there.
 */
function comparable(event: AgentEvent): unknown {
  const { id: _id, taskId: _taskId, timestamp: _timestamp, ...rest } = event;
  const payload = { ...(event.payload as Record<string, unknown>) };
  for (const varying of ['duration_ms', 'session_id', 'id', 'cost_usd']) delete payload[varying];
  if (payload['usage']) payload['usage'] = { ...payload['usage'], input_tokens: 'counted' };
  return { ...rest, payload };
}

/**
 * Two tasks for one agent, followed on one WebSocket through the gateway: a Bash call that
 * writes a file in the workspace, then a task that continues the conversation. Resolves with
 * each task's events as the socket delivered them.
 */
async function scenario(target: Target): Promise<AgentEvent[][]> {
  const post = async (body: unknown) => {
    const res = await fetch(`${target.api}/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { taskId: string }).taskId;
  };
  target.model.script(
    {
      content: [
        text('I will write the file.'),
        toolUse('Bash', { command: 'echo hello > note.txt' }),
      ],
    },
    { content: [text('The file is written.')] },
  );
  const first = await post({ name: 'writer', instructions: 'Write hello to note.txt' });
  const socket = await TestClient.connect(`${target.ws}/agents/writer/ws?after=0-0`);
  const ended = (taskId: string) => (events: AgentEvent[]) =>
    events.some((e) => e.taskId === taskId && e.type === 'task_completed');
  await socket.until(ended(first), 30_000);
  target.model.script({ content: [text('Yes, I remember.')] });
  const second = await post({ name: 'writer', instructions: 'Do you remember?' });
  await socket.until(ended(second), 30_000);
  await socket.close();
  return [first, second].map((taskId) => socket.events.filter((e) => e.taskId === taskId));
}

let kube: KubeStack | undefined;
let onPods: AgentEvent[][] = [];

afterAll(() => kube?.close());

it('runs tasks from the gateway in an agent’s pod, and streams their events to a WebSocket client', async () => {
  kube = await startKubeStack();
  onPods = await scenario(kube);
  const [first = [], second = []] = onPods;
  expect(first.map((e) => e.type)).toEqual([
    'task_started',
    'text',
    'tool_call',
    'tool_result',
    'text',
    'task_completed',
  ]);
  // The pod is the sandbox: the runtime inside runs its commands without bubblewrap.
  expect(first[0]).toMatchObject({ payload: { sandbox: 'on' } });
  expect(first[0]?.payload).not.toHaveProperty('warning');
  expect(second.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
  expect(second[0]).toMatchObject({ payload: { resuming_session: true } });

  // It ran in the agent's pod, labelled for it, and wrote to the workspace claim.
  const kc = new KubeConfig();
  kc.loadFromString(kube.emulator.kubeconfig());
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({
    namespace: KUBE_NAMESPACE,
    labelSelector: 'app.kubernetes.io/managed-by=komputer,komputer.ai/agent=writer',
  });
  expect(pods.items).toHaveLength(1);
  expect(pods.items[0]?.metadata?.labels).toMatchObject({
    'komputer.ai/namespace': 'default',
    'komputer.ai/uid': expect.any(String),
  });
  const volume = kube.emulator.volumePath(
    KUBE_NAMESPACE,
    workspaceClaimName({ namespace: 'default', name: 'writer' }),
  );
  expect(readFileSync(join(volume ?? '', 'note.txt'), 'utf8')).toBe('hello\n');
  // The pod holds no model key: its calls went through the scheduler's proxy, which put it in.
  expect(kube.model.requests.at(-1)?.headers.authorization).toBe(
    `Bearer ${kube.env['ANTHROPIC_API_KEY']}`,
  );
  expect(kube.model.remainingTurns).toBe(0);
}, 90_000);

it('reports the same events as the local driver', async () => {
  expect(onPods).toHaveLength(2);
  const local = await startE2eStack();
  try {
    const onLocal = await scenario({
      api: local.api,
      ws: local.api.replace(/^http/, 'ws'),
      model: local.model,
    });
    expect(onPods.map((events) => events.map(comparable))).toEqual(
      onLocal.map((events) => events.map(comparable)),
    );
  } finally {
    await local.close();
  }
}, 90_000);
