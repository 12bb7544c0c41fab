import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { closeRedis, createLogger, createRedis, parseConfig } from '@komputer/service-kit';
import type { RedisClient } from '@komputer/service-kit';
import { decodeEvent } from '@komputer/store';
import type { StreamEntry } from '@komputer/store';
import {
  collectLogLines,
  startScriptedAnthropic,
  startSentinelGroup,
  text,
  thinking,
  toolUse,
} from '@komputer/testing';
import type {
  ScriptedAnthropic,
  ScriptedRequest,
  ScriptedTurn,
  SentinelGroup,
} from '@komputer/testing';
import { DevConfigSchema } from '../src/config';
import { startStack } from '../src/stack';
import type { Stack } from '../src/stack';
import { runtimeEntry } from './e2e-stack';

// Redis runs behind Sentinel (a primary, two replicas, three sentinels), and the primary is killed
// (SIGKILL) while tasks stream. The sentinels promote the replica; every app follows it. Every
// task must end, and every event that a reader saw must still be stored: writes wait for the
// replica (KOMPUTER_REDIS_WAIT_REPLICAS=1), so none that counted is lost with the primary; the
// replica left follows the new primary, so writes keep waiting for one.

const { destination, lines } = collectLogLines(2_000);
const logger = createLogger({ name: 'sentinel', level: 'debug', destination });
const recentLog = () => lines.slice(-60).join('\n');

let group: SentinelGroup;
let model: ScriptedAnthropic;
let stack: Stack;
let redis: RedisClient;
let dataDir: string;

beforeAll(async () => {
  group = await startSentinelGroup({ replicas: 2, sentinels: 3, downAfterMs: 1_000 });
  model = await startScriptedAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-sentinel-'));
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: group.url,
    // API keys are off unless a test turns them on.
    KOMPUTER_AUTH: 'off',
    KOMPUTER_REDIS_WAIT_REPLICAS: '1',
    KOMPUTER_DATA_DIR: dataDir,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: model.url,
    KOMPUTER_RECONCILE_GRACE_MS: '600000',
    KOMPUTER_SECRET_KEY: generateSecretKey(),
  };
  stack = await startStack(parseConfig(DevConfigSchema, env), logger, runtimeEntry);
  // The test's own reader follows the failover too, as the apps do.
  redis = createRedis({ url: group.url, logger, role: 'test', failFast: false });
}, 60_000);

afterAll(async () => {
  await stack?.close();
  if (redis) await closeRedis(redis);
  await model?.close();
  await group?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

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

interface Seen {
  ids: string[];
  ended: Promise<string>;
  streaming: Promise<void>;
}

/** Reads `name`'s stream as a client would, from the start, until `taskId` ends. */
function follow(name: string, taskId: string): Seen {
  const ids: string[] = [];
  let streaming!: () => void;
  const started = new Promise<void>((resolve) => (streaming = resolve));
  const ended = (async () => {
    const deadline = Date.now() + 90_000;
    let cursor = '0-0';
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${name} did not end:\n${recentLog()}`);
      const reply = (await redis.xread(
        'BLOCK',
        1_000,
        'STREAMS',
        `komputer:default:events:${name}`,
        cursor,
      )) as [string, StreamEntry[]][] | null;
      for (const entry of reply?.[0]?.[1] ?? []) {
        cursor = entry[0];
        const event = decodeEvent('default', name, entry);
        if (event.taskId !== taskId) continue;
        ids.push(event.id);
        if (event.type === 'text_delta') streaming();
        if (['task_completed', 'task_cancelled', 'error'].includes(event.type)) return event.type;
      }
    }
  })();
  return { ids, ended, streaming: started };
}

it('runs tasks through a failover of the primary and loses no event that was read', async () => {
  const names = ['fail-a', 'fail-b', 'fail-c'];
  model.script(...names.flatMap(() => [turn, turn]));
  const followers: Seen[] = [];
  for (const name of names) {
    const created = await fetch(`${stack.url}/api/v1/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, instructions: 'Run the step.' }),
    });
    expect(created.status).toBe(201);
    const { taskId } = (await created.json()) as { taskId: string };
    followers.push(follow(name, taskId));
  }
  await Promise.all(followers.map((f) => f.streaming));

  const primary = group.servers[0];
  const oldPort = await group.primaryPort();
  expect(oldPort).toBe(primary?.port);
  const failedAt = Date.now();
  const newPort = await group.failover(
    () => primary?.stop({ signal: 'SIGKILL' }) ?? Promise.resolve(),
  );
  expect(newPort).not.toBe(oldPort);

  const outcomes = await Promise.all(followers.map((f) => f.ended));
  const endedAfter = Date.now() - failedAt;
  let seen = 0;
  let lost = 0;
  for (const [i, name] of names.entries()) {
    const stored = new Set(
      ((await redis.xrange(`komputer:default:events:${name}`, '-', '+')) as StreamEntry[]).map(
        ([id]) => id,
      ),
    );
    const ids = followers[i]?.ids ?? [];
    seen += ids.length;
    lost += ids.filter((id) => !stored.has(id)).length;
  }
  process.stdout.write(
    `faults-sentinel: primary killed; failover to :${newPort}; every task ended within ${endedAfter} ms; ` +
      `${seen} events read, ${lost} of them lost\n`,
  );
  expect(outcomes).toEqual(names.map(() => 'task_completed'));
  expect(lost).toBe(0);

  // The promoted primary takes the next task at once.
  model.script({ content: [text('again')] });
  const next = await fetch(`${stack.url}/api/v1/agents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'fail-a', instructions: 'Once more.' }),
  });
  expect(next.status).toBe(201);
  const { taskId } = (await next.json()) as { taskId: string };
  expect(await follow('fail-a', taskId).ended).toBe('task_completed');
}, 150_000);
