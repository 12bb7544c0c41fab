import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentObjectName, workspaceClaimName } from '@komputer/agent-scheduler';
import { createGateway, GatewayConfigSchema } from '@komputer/gateway';
import type { Gateway } from '@komputer/gateway';
import { createLogger, parseConfig } from '@komputer/service-kit';
import {
  collectLogLines,
  findFreePort,
  followEvents,
  startRedisServer,
  startScriptedAnthropic,
  taskEvents,
  text,
  toolUse,
} from '@komputer/testing';
import type {
  KubeEmulator,
  RedisServer,
  ScriptedAnthropic,
  ScriptedReply,
  ScriptedRequest,
} from '@komputer/testing';
import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { KUBE_NAMESPACE, kubeEnv, startRuntimeCluster } from './kube-stack';
import { launch, waitForOutput } from './launch';
import type { Launched } from './launch';

// On the kubernetes driver, pods outlive schedulers: a scheduler process dies with SIGKILL in
// the middle of a task, while the runtime's model call goes through its model proxy, which dies
// with it. A scheduler started again (behind the same proxy address, as a Service would put it)
// finds the agent's pod by its labels, takes its lease once the dead one's has lapsed, attaches,
// hands the runtime a token of its own and resumes the task after its last stored event. The
// model call that was cut off is made again through the new proxy; the task completes, and
// every event is stored exactly once.

let emulator: KubeEmulator;
let redisServer: RedisServer;
let redis: Redis;
let model: ScriptedAnthropic;
let gateway: Gateway;
let core: CoreV1Api;
let coordination: CoordinationV1Api;
let env: Record<string, string>;
const schedulers: Launched[] = [];
const { destination, lines } = collectLogLines(500);
const logger = createLogger({ name: 'faults', level: 'info', destination });
const recentLog = () =>
  [...lines.slice(-30), ...schedulers.map((s) => s.output().slice(-3_000))].join('\n');
/** Lets the model's held turn answer. */
let releaseHeld: () => void = () => undefined;
const held = new Promise<void>((resolve) => (releaseHeld = resolve));

beforeAll(async () => {
  emulator = await startRuntimeCluster();
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url);
  model = await startScriptedAnthropic();
  // Pods call the model proxy at one address, whichever scheduler listens there.
  const proxyPort = await findFreePort();
  env = {
    ...kubeEnv(emulator, redisServer.url, model.url),
    KOMPUTER_MODEL_PROXY_PORT: String(proxyPort),
    KOMPUTER_MODEL_PROXY_URL: `http://127.0.0.1:${proxyPort}`,
  };
  gateway = createGateway(parseConfig(GatewayConfigSchema, env), logger);
  await gateway.listen();
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
  coordination = kc.makeApiClient(CoordinationV1Api);
});

/** Stops every scheduler process still running, cleanly. */
async function stopSchedulers(): Promise<void> {
  for (const scheduler of schedulers) {
    if (scheduler.child.exitCode === null && scheduler.child.signalCode === null) {
      scheduler.child.kill('SIGTERM');
      await scheduler.exited;
    }
  }
}

afterAll(async () => {
  releaseHeld();
  await stopSchedulers();
  await gateway?.close();
  redis?.disconnect();
  await model?.close();
  await emulator?.close();
  await redisServer?.stop({ removeData: true });
});

async function post(name: string, instructions: string): Promise<string> {
  const { port } = gateway.server.address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/agents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, instructions }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { taskId: string }).taskId;
}

/** A scheduler process on the kubernetes driver, once it takes tasks. */
async function startScheduler(): Promise<Launched> {
  const scheduler = launch('agent-scheduler', { ...env, LOG_LEVEL: 'info' });
  schedulers.push(scheduler);
  await waitForOutput(scheduler, 'scheduler taking tasks');
  return scheduler;
}

const AGENT = { namespace: 'default', name: 'podded' };
const eventsKey = `komputer:default:events:${AGENT.name}`;
const podUid = async () =>
  (await core.readNamespacedPod({ name: agentObjectName(AGENT), namespace: KUBE_NAMESPACE }))
    .metadata?.uid;
const leaseHolder = async () =>
  (
    await coordination.readNamespacedLease({
      name: agentObjectName(AGENT),
      namespace: KUBE_NAMESPACE,
    })
  ).spec?.holderIdentity;

it('resumes the task of a scheduler killed mid-task on its pod: it completes, every event once', async () => {
  const doomed = await startScheduler();
  model.script(
    { content: [text('Step one.'), toolUse('Bash', { command: 'echo one >> steps.txt' })] },
    // The call under way when the scheduler dies: its answer never reaches the runtime.
    async () => {
      await held;
      return { content: [text('Lost with the proxy.')] };
    },
    // The same call, made again through the new scheduler's proxy.
    { content: [text('Step two.'), toolUse('Bash', { command: 'echo two >> steps.txt' })] },
    { content: [text('Both steps done.')] },
  );
  const taskId = await post(AGENT.name, 'Do two steps.');
  // The first step is stored; the model is answering the second when the scheduler dies.
  await followEvents(redis, eventsKey, {
    until: (event) => event.taskId === taskId && event.type === 'tool_result',
    explain: recentLog,
  });
  await model.waitForRequests(2, 20_000);
  const owner = await redis.hget(`komputer:default:agent:${AGENT.name}`, 'scheduler');
  const pod = await podUid();
  const firstHolder = await leaseHolder();
  doomed.child.kill('SIGKILL');
  await doomed.exited;
  releaseHeld();

  const killedAt = Date.now();
  await startScheduler();
  const events = await taskEvents(redis, eventsKey, taskId, {
    timeoutMs: 60_000,
    explain: recentLog,
  });
  process.stdout.write(
    `faults-kube-scheduler-kill: the task completed ${Date.now() - killedAt} ms after the kill\n`,
  );
  expect(events.map((e) => e.type)).toEqual([
    'task_started',
    'text',
    'tool_call',
    'tool_result',
    'text',
    'tool_call',
    'tool_result',
    'text',
    'task_completed',
  ]);
  expect(events.at(-1)).toMatchObject({ payload: { result: 'Both steps done.' } });
  // Each command ran once, in the same pod, on the same workspace.
  const volume = emulator.volumePath(KUBE_NAMESPACE, workspaceClaimName(AGENT)) ?? '';
  expect(readFileSync(join(volume, 'steps.txt'), 'utf8')).toBe('one\ntwo\n');
  expect(await podUid()).toBe(pod);
  // The task is the new scheduler's now, and so is the pod's lease.
  const adopter = await redis.hget(`komputer:default:agent:${AGENT.name}`, 'scheduler');
  expect(adopter).not.toBe(owner);
  expect(await leaseHolder()).not.toBe(firstHolder);
  expect(await redis.hget(`komputer:default:agent:${AGENT.name}`, 'taskStatus')).toBe('Complete');
  // Every call went through a proxy, which put the key in: the pod holds none.
  expect(new Set(model.requests.map((r) => r.headers.authorization))).toEqual(
    new Set([`Bearer ${env['ANTHROPIC_API_KEY']}`]),
  );

  // The agent's next task goes to the same pod, which continues the conversation.
  model.script({ content: [text('Still here.')] });
  const next = await post(AGENT.name, 'Are you still there?');
  const nextEvents = await taskEvents(redis, eventsKey, next, { explain: recentLog });
  expect(nextEvents[0]).toMatchObject({ payload: { resuming_session: true } });
  expect(nextEvents.at(-1)).toMatchObject({
    type: 'task_completed',
    payload: { result: 'Still here.' },
  });
  expect(await podUid()).toBe(pod);
  expect(model.remainingTurns).toBe(0);
}, 120_000);

it('lets an adopted manager wait again, and cancels the sub-task it started before its scheduler died', async () => {
  // The model proxy's address is one scheduler's at a time.
  await stopSchedulers();
  const doomed = await startScheduler();
  let releaseWorker: () => void = () => undefined;
  const workerHeld = new Promise<void>((resolve) => (releaseWorker = resolve));
  let workerCalled: () => void = () => undefined;
  const workerCalling = new Promise<void>((resolve) => (workerCalled = resolve));
  const isManager = (request: ScriptedRequest) =>
    (request.body.tools ?? []).some((tool) => (tool as { name: string }).name === 'await_agents');
  const route = async (request: ScriptedRequest): Promise<ScriptedReply> => {
    if (!isManager(request)) {
      // The worker's model call answers only once the test is over.
      workerCalled();
      await workerHeld;
      return { content: [text('Too late.')] };
    }
    const asked = request.body.messages.filter((m) => m.role === 'assistant').length;
    return asked === 0
      ? {
          content: [
            toolUse('create_agent', { name: 'kube-worker', instructions: 'Take your time.' }),
            toolUse('await_agents', { agents: ['kube-worker'], timeoutSeconds: 300 }),
          ],
        }
      : // The wait was cut off with the scheduler: the manager waits again.
        { content: [toolUse('await_agents', { agents: ['kube-worker'], timeoutSeconds: 300 })] };
  };
  model.script(...Array.from({ length: 8 }, () => route));
  try {
    const taskId = await post('kube-boss', 'Wait for a worker.');
    const bossKey = 'komputer:default:events:kube-boss';
    const awaitCalls = (event: { type: string; payload: unknown }) =>
      event.type === 'tool_call' && (event.payload as { tool: string }).tool === 'await_agents';
    await followEvents(redis, bossKey, { until: awaitCalls, explain: recentLog });
    await workerCalling;
    const workerTask = await redis.hget('komputer:default:agent:kube-worker', 'taskId');
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    await startScheduler();
    // Adopted, the manager learns that its wait was cut off, and waits again.
    let seen = 0;
    await followEvents(redis, bossKey, {
      until: (event) => awaitCalls(event) && ++seen === 2,
      timeoutMs: 60_000,
      explain: recentLog,
    });
    const { port } = gateway.server.address() as { port: number };
    const cancelled = await fetch(`http://127.0.0.1:${port}/api/v1/agents/kube-boss/cancel`, {
      method: 'POST',
    });
    expect(cancelled.status).toBe(200);

    const bossEvents = await taskEvents(redis, bossKey, taskId, { explain: recentLog });
    expect(bossEvents.at(-1)?.type).toBe('task_cancelled');
    const results = bossEvents
      .filter((e) => e.type === 'tool_result')
      .map((e) => e.payload as { tool: string; output: string; is_error: boolean });
    // (The second wait, cancelled, may end with a result of its own.)
    expect(results.slice(0, 2).map((r) => [r.tool, r.is_error])).toEqual([
      ['create_agent', false],
      ['await_agents', true],
    ]);
    expect(results[1]?.output).toMatch(/supervisor changed/);
    // The sub-task that the scheduler before recorded is cancelled with its manager.
    const workerEvents = await taskEvents(
      redis,
      'komputer:default:events:kube-worker',
      workerTask ?? '',
      { timeoutMs: 30_000, explain: recentLog },
    );
    expect(workerEvents.at(-1)?.type).toBe('task_cancelled');
  } finally {
    releaseWorker();
  }
}, 150_000);
