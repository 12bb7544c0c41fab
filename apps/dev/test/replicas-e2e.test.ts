import type { Scheduler } from '@komputer/agent-scheduler';
import type { AgentEvent } from '@komputer/contracts';
import { createEventRelay, EventRelayConfigSchema } from '@komputer/event-relay';
import type { EventRelay } from '@komputer/event-relay';
import { createGateway, GatewayConfigSchema } from '@komputer/gateway';
import type { Gateway } from '@komputer/gateway';
import { createKeys } from '@komputer/store';
import { createLogger, parseConfig } from '@komputer/service-kit';
import {
  collectLogLines,
  lastUserText,
  SseClient,
  startRedisServer,
  startScriptedAnthropic,
  TestClient,
  text,
} from '@komputer/testing';
import type { KubeEmulator, RedisServer, ScriptedAnthropic } from '@komputer/testing';
import { Redis } from 'ioredis';
import { kubeEnv, schedulerFromEnv, startRuntimeCluster } from './kube-stack';

// Every app twice, against one Redis: two gateways take the tasks, two schedulers on the
// kubernetes driver (over the Kubernetes API emulator) run them, and two event relays stream
// them. Every task runs exactly once, and every client gets every event exactly once, in order.

const AGENTS = ['r-one', 'r-two', 'r-three', 'r-four', 'r-five', 'r-six'];
const TASKS_PER_AGENT = 3;
/**
 * Tasks one scheduler runs at once: fewer than the agents, so that the first tasks cannot all
 * go to one scheduler and both take part.
 */
const CONCURRENCY = 2;

let emulator: KubeEmulator;
let redisServer: RedisServer;
let redis: Redis;
let model: ScriptedAnthropic;
let schedulers: Scheduler[] = [];
let gateways: Gateway[] = [];
let relays: EventRelay[] = [];
const gatewayUrls: string[] = [];
const relayUrls: string[] = [];
const log = collectLogLines(500);

beforeAll(async () => {
  const logger = createLogger({
    name: 'replicas-e2e',
    level: 'debug',
    destination: log.destination,
  });
  [emulator, redisServer, model] = await Promise.all([
    startRuntimeCluster(),
    startRedisServer(),
    // Each answer takes a moment, so that a scheduler's slots stay taken while the others wait.
    startScriptedAnthropic({
      offlineResponder: (request) => ({
        content: [text(`did ${lastUserText(request)}`)],
        delayMs: 200,
      }),
    }),
  ]);
  redis = new Redis(redisServer.url);
  const env = {
    ...kubeEnv(emulator, redisServer.url, model.url),
    KOMPUTER_SCHEDULER_CONCURRENCY: String(CONCURRENCY),
  };
  schedulers = [schedulerFromEnv(env, logger), schedulerFromEnv(env, logger)];
  await Promise.all(schedulers.map((s) => s.start()));
  gateways = [0, 1].map(() => createGateway(parseConfig(GatewayConfigSchema, env), logger));
  relays = [0, 1].map(() => createEventRelay(parseConfig(EventRelayConfigSchema, env), logger));
  for (const gateway of gateways) gatewayUrls.push(`${await gateway.listen()}/api/v1`);
  for (const relay of relays) relayUrls.push(`${await relay.listen()}/api/v1`);
}, 60_000);

afterAll(async () => {
  await Promise.all([...gateways, ...relays].map((app) => app.close()));
  await Promise.all(schedulers.map((s) => s.close()));
  redis?.disconnect();
  await model?.close();
  await emulator?.close();
  await redisServer?.stop({ removeData: true });
});

/** Posts a task through `api` and answers its id. */
async function post(api: string, name: string, instructions: string): Promise<string> {
  const res = await fetch(`${api}/agents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, instructions }),
  });
  const body = (await res.json()) as { taskId?: string };
  expect([res.status, body]).toEqual([
    201,
    expect.objectContaining({ taskId: expect.any(String) }),
  ]);
  return body.taskId as string;
}

/** The tasks each scheduler started, from its own metrics. */
async function startedBy(scheduler: Scheduler): Promise<number> {
  const text = await scheduler.metrics.text();
  return [...text.matchAll(/^komputer_task_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, [, count]) => sum + Number(count),
    0,
  );
}

/** Every event of `name`'s stream, as Redis holds them. */
async function stored(name: string): Promise<{ id: string; type: string; taskId: string }[]> {
  const keys = createKeys('komputer');
  const entries = await redis.xrange(keys.events('default', name), '-', '+');
  return entries.map(([id, fields]) => ({
    id,
    type: fields[fields.indexOf('type') + 1] as string,
    taskId: fields[fields.indexOf('taskId') + 1] as string,
  }));
}

it('runs every task once and streams every event once, with every app twice', async () => {
  const explain = () => log.lines.slice(-40).join('\n');
  // Each agent's tasks go through the gateways in turn. Once it exists (its first task is
  // posted), it is followed from its first event by a WebSocket on one relay and by SSE on the
  // other.
  const sockets: TestClient[] = [];
  const streams: SseClient[] = [];
  const posted = new Map<string, string[]>();
  await Promise.all(
    AGENTS.map(async (name, a) => {
      const ids: string[] = [];
      posted.set(name, ids);
      for (let t = 0; t < TASKS_PER_AGENT; t++) {
        const taskId = await post(gatewayUrls[(a + t) % 2] as string, name, `task ${t} of ${name}`);
        ids.push(taskId);
        if (t === 0) {
          sockets[a] = await TestClient.connect(
            `${relayUrls[0]}/agents/${name}/ws?after=0-0&deltas=true`,
          );
          streams[a] = await SseClient.open(
            `${relayUrls[1]}/agents/${name}/events/stream?after=0-0`,
          );
          expect(streams[a]?.status).toBe(200);
        }
        await (sockets[a] as TestClient)
          .until(
            (events) => events.some((e) => e.taskId === taskId && e.type === 'task_completed'),
            60_000,
          )
          .catch((err: Error) => {
            throw new Error(`${name}'s task ${t}: ${err.message}\n${explain()}`);
          });
      }
    }),
  );

  for (const [a, name] of AGENTS.entries()) {
    const ids = posted.get(name) ?? [];
    const events = await stored(name);
    // Exactly one start and one end per accepted task, and nothing else started.
    const startedTasks = events.filter((e) => e.type === 'task_started').map((e) => e.taskId);
    expect(startedTasks).toEqual(ids);
    const ended = events.filter((e) =>
      ['task_completed', 'task_cancelled', 'error'].includes(e.type),
    );
    expect(ended.map((e) => [e.taskId, e.type])).toEqual(ids.map((id) => [id, 'task_completed']));
    // Each task's answer is its own.
    const texts = (sockets[a] as TestClient).events
      .filter((e: AgentEvent) => e.type === 'text')
      .map((e) => (e.payload as { content: string }).content);
    expect(texts).toEqual(ids.map((_, t) => `did task ${t} of ${name}`));
    // Both clients saw exactly the stored stream, every event once and in order: the socket,
    // which asked for token deltas, all of it; the SSE client, which did not, all but those.
    const all = events.map((e) => e.id);
    expect((sockets[a] as TestClient).events.map((e) => e.id)).toEqual(all);
    const whole = events.filter((e) => e.type !== 'text_delta').map((e) => e.id);
    const sse = streams[a] as SseClient;
    await sse.until((client) => client.events.length >= whole.length, 10_000);
    expect(sse.events.map((e) => e.id)).toEqual(whole);
  }
  // Both schedulers ran tasks, and between them every task once.
  const counts = await Promise.all(schedulers.map(startedBy));
  expect(counts.every((n) => n > 0)).toBe(true);
  expect(counts[0]! + counts[1]!).toBe(AGENTS.length * TASKS_PER_AGENT);
  await Promise.all(sockets.map((s) => s.close()));
  for (const s of streams) s.close();
}, 240_000);
