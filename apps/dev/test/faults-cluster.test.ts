import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent } from '@komputer/contracts';
import { generateSecretKey } from '@komputer/connectors';
import { closeRedis, createLogger, createRedis, parseConfig } from '@komputer/service-kit';
import type { RedisClient } from '@komputer/service-kit';
import { createKeys } from '@komputer/store';
import type { StreamEntry } from '@komputer/store';
import {
  collectLogLines,
  SseClient,
  startRedisCluster,
  startScriptedAnthropic,
  text,
  thinking,
  toolUse,
} from '@komputer/testing';
import type {
  RedisClusterGroup,
  ScriptedAnthropic,
  ScriptedRequest,
  ScriptedTurn,
} from '@komputer/testing';
import { DevConfigSchema } from '../src/config';
import { startStack } from '../src/stack';
import type { Stack } from '../src/stack';
import { runtimeEntry } from './e2e-stack';

// Redis is a cluster of three primaries, each with a replica (`redis-cli --cluster create`), and
// every app uses it through `redis+cluster://`: the keys carry hash tags, one per namespace, so
// three agents in three namespaces live on three primaries. While their tasks stream, the
// primary of one of them, which also holds BullMQ's queues, is killed (SIGKILL); its replica
// takes its slots. Every task must end, every client of the relay must get every event once,
// and every event that a client saw must still be stored: writes wait for the replica
// (KOMPUTER_REDIS_WAIT_REPLICAS=1).

const { destination, lines } = collectLogLines(2_000);
const logger = createLogger({ name: 'cluster', level: 'debug', destination });
const recentLog = () => lines.slice(-60).join('\n');

const keys = createKeys('komputer', { hashTags: true });
let group: RedisClusterGroup;
let model: ScriptedAnthropic;
let stack: Stack;
let redis: RedisClient;
let dataDir: string;
/** Three namespaces, each on another primary. */
let spaces: { namespace: string; port: number }[];

beforeAll(async () => {
  group = await startRedisCluster({ nodeTimeoutMs: 1_000 });
  model = await startScriptedAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-cluster-'));
  const url = `redis+cluster://${group.startupNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: url,
    KOMPUTER_REDIS_WAIT_REPLICAS: '1',
    KOMPUTER_AUTH: 'off',
    KOMPUTER_DATA_DIR: dataDir,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: model.url,
    KOMPUTER_RECONCILE_GRACE_MS: '600000',
    KOMPUTER_SECRET_KEY: generateSecretKey(),
  };
  stack = await startStack(parseConfig(DevConfigSchema, env), logger, runtimeEntry);
  redis = createRedis({ url, logger, role: 'test', failFast: false });
  // The first namespace shares its primary with BullMQ's queues, which fail over with it.
  const bull = await group.primaryOf(`${keys.bullPrefix()}:tasks`);
  spaces = [];
  for (let i = 0; spaces.length < 3 && i < 200; i++) {
    const namespace = `team-${i}`;
    const port = await group.primaryOf(keys.agent(namespace, ''));
    if (spaces.some((s) => s.port === port) || (spaces.length === 0 && port !== bull)) continue;
    spaces.push({ namespace, port });
  }
}, 120_000);

afterAll(async () => {
  await stack?.close();
  if (redis) await closeRedis(redis);
  await model?.close();
  await group?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const FIRST = 'I will run one step now, and then report what it printed to me. '.repeat(4);
const FINAL = 'The step ran, and it printed the word step, as it was meant to do. '.repeat(4);

/** A thinking block, a text and a Bash call, then a final text: long enough to span a failover. */
const turn: ScriptedTurn = (request: ScriptedRequest) => {
  const last = request.body.messages.at(-1);
  const afterTool =
    Array.isArray(last?.content) && last.content.some((block) => block.type === 'tool_result');
  return afterTool
    ? { content: [text(FINAL)], delayMs: 100 }
    : {
        content: [thinking('Planning.'), text(FIRST), toolUse('Bash', { command: 'echo step' })],
        delayMs: 100,
      };
};

const TERMINAL = ['task_completed', 'task_cancelled', 'error'];

/** The task's events that `sse` got, `text_delta`s included. */
function eventsOf(sse: SseClient, taskId: string): AgentEvent[] {
  return sse.events.filter((event) => event.taskId === taskId);
}

it('runs tasks in three namespaces on three primaries through a failover, and loses no event a client saw', async () => {
  expect(new Set(spaces.map((s) => s.port)).size).toBe(3);
  model.script(...spaces.flatMap(() => [turn, turn]));
  const runs: { namespace: string; taskId: string; sse: SseClient }[] = [];
  for (const { namespace } of spaces) {
    const created = await fetch(`${stack.url}/api/v1/agents?namespace=${namespace}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'worker', instructions: 'Run the step.' }),
    });
    expect(created.status).toBe(201);
    const { taskId } = (await created.json()) as { taskId: string };
    const sse = await SseClient.open(
      `${stack.url}/api/v1/agents/worker/events/stream?namespace=${namespace}&after=0-0&deltas=true`,
    );
    expect(sse.status).toBe(200);
    runs.push({ namespace, taskId, sse });
  }
  // Every task streams before the kill.
  await Promise.all(
    runs.map(({ sse, taskId }) =>
      sse.until(() => eventsOf(sse, taskId).some((e) => e.type === 'text_delta'), 30_000),
    ),
  );

  const victim = spaces[0];
  if (!victim) throw new Error('no namespace');
  const killedAt = Date.now();
  const promoted = await group.failover(victim.port, 30_000);
  const failoverMs = Date.now() - killedAt;

  await Promise.all(
    runs.map(({ sse, taskId }) =>
      sse
        .until(() => eventsOf(sse, taskId).some((e) => TERMINAL.includes(e.type)), 90_000)
        .catch((err: Error) => {
          throw new Error(`${err.message}\n${recentLog()}`);
        }),
    ),
  );
  const endedAfter = Date.now() - killedAt;
  let seen = 0;
  let lost = 0;
  for (const { namespace, taskId, sse } of runs) {
    const events = eventsOf(sse, taskId);
    const ids = events.map((e) => e.id);
    // Each event once, in order.
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect(events.at(-1)?.type).toBe('task_completed');
    const stored = new Set(
      ((await redis.xrange(keys.events(namespace, 'worker'), '-', '+')) as StreamEntry[]).map(
        ([id]) => id,
      ),
    );
    seen += ids.length;
    lost += ids.filter((id) => !stored.has(id)).length;
    sse.close();
  }
  process.stdout.write(
    `faults-cluster: primary :${victim.port} (namespace ${victim.namespace}) killed; :${promoted} took its slots in ${failoverMs} ms; ` +
      `every task ended within ${endedAfter} ms; ${seen} events read, ${lost} of them lost\n`,
  );
  expect(lost).toBe(0);

  // The promoted primary takes the next task at once.
  model.script({ content: [text('again')] });
  const next = await fetch(`${stack.url}/api/v1/agents?namespace=${victim.namespace}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'worker', instructions: 'Once more.' }),
  });
  expect(next.status).toBe(201);
  const { taskId } = (await next.json()) as { taskId: string };
  const sse = await SseClient.open(
    `${stack.url}/api/v1/agents/worker/events/stream?namespace=${victim.namespace}&after=0-0`,
  );
  try {
    await sse.until(() => eventsOf(sse, taskId).some((e) => TERMINAL.includes(e.type)), 30_000);
    expect(eventsOf(sse, taskId).at(-1)?.type).toBe('task_completed');
  } finally {
    sse.close();
  }
}, 180_000);

/** Stream ids in their order: by time, then by sequence. */
function compareIds(a: string, b: string): number {
  const [at = 0, as = 0] = a.split('-').map(Number);
  const [bt = 0, bs = 0] = b.split('-').map(Number);
  return at - bt || as - bs;
}
