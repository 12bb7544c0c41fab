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
import type { KubeEmulator, RedisServer, ScriptedAnthropic } from '@komputer/testing';
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

afterAll(async () => {
  releaseHeld();
  for (const scheduler of schedulers) {
    if (scheduler.child.exitCode === null && scheduler.child.signalCode === null) {
      scheduler.child.kill('SIGTERM');
      await scheduler.exited;
    }
  }
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
