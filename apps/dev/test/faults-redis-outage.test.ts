import { decodeEvent } from '@komputer/store';
import type { StreamEntry } from '@komputer/store';
import { followEvents, text, thinking, toolUse } from '@komputer/testing';
import type { ScriptedRequest, ScriptedTurn } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

// Redis goes away in the middle of running tasks, for longer than any retry of a single write,
// and comes back with its data (append-only). Every task's stored history must be whole and in
// order, and no agent may be left busy.

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack({ appendOnly: true, logLines: 2_000 });
});
afterAll(() => e2e?.close());

const FIRST = 'I will run one step now, and then report what it printed to me. '.repeat(5);
const FINAL = 'The step ran, and it printed the word step, as it was meant to do. '.repeat(5);

/**
 * Each task streams a thinking block, a text and a Bash call, then a final text: slowly enough
 * (about ten seconds a task) that the outage falls in the middle of it.
 */
const turn: ScriptedTurn = (request: ScriptedRequest) => {
  const last = request.body.messages.at(-1);
  const afterTool =
    Array.isArray(last?.content) && last.content.some((block) => block.type === 'tool_result');
  return afterTool
    ? { content: [text(FINAL)], delayMs: 120 }
    : {
        content: [
          thinking('Planning the step.'),
          text(FIRST),
          toolUse('Bash', { command: 'echo step' }),
        ],
        delayMs: 120,
      };
};

const EXPECTED_TYPES = [
  'task_started',
  'thinking',
  'text',
  'tool_call',
  'tool_result',
  'text',
  'task_completed',
];

/** Every stored event of `taskId` on `name`'s stream, deltas included. */
async function history(name: string, taskId: string) {
  const entries = (await e2e.redis.xrange(
    `komputer:default:events:${name}`,
    '-',
    '+',
  )) as StreamEntry[];
  return entries
    .map((entry) => decodeEvent('default', name, entry))
    .filter((event) => event.taskId === taskId);
}

/** Starts a task on each agent, takes Redis away for `outageMs` mid-stream, and checks them. */
async function survive(outageMs: number, names: string[]): Promise<void> {
  e2e.model.script(...names.flatMap(() => [turn, turn]));
  const taskIds: string[] = [];
  for (const name of names) {
    const created = await e2e.call('POST', '/agents', { name, instructions: 'Run the step.' });
    expect(created.status).toBe(201);
    taskIds.push(created.body.taskId as string);
  }
  // Every task is streaming when Redis goes.
  await Promise.all(
    names.map((name, i) =>
      followEvents(e2e.redis, `komputer:default:events:${name}`, {
        until: (event) => event.taskId === taskIds[i] && event.type === 'text_delta',
        explain: e2e.recentLog,
      }),
    ),
  );
  await e2e.redisServer.stop();
  // The outage itself: a fault that lasts this long, not a wait for something to happen.
  await new Promise((resolve) => setTimeout(resolve, outageMs));
  await e2e.redisServer.start();
  const backAt = Date.now();

  for (const [i, name] of names.entries()) {
    const taskId = taskIds[i] as string;
    await e2e.eventsOf(name, taskId, 60_000);
    const events = await history(name, taskId);
    const kept = events.filter((event) => event.type !== 'text_delta');
    expect(kept.map((event) => event.type)).toEqual(EXPECTED_TYPES);
    expect(kept.filter((e) => e.type === 'text').map((e) => e.payload)).toEqual([
      { content: FIRST },
      { content: FINAL },
    ]);
    // The deltas of each text, in order and none twice, add up to that text.
    const at = (type: string, from = 0) => events.findIndex((e, i) => i >= from && e.type === type);
    const joined = (from: number, to: number) =>
      events
        .slice(from, to)
        .filter((e) => e.type === 'text_delta')
        .map((e) => (e.payload as { content: string }).content)
        .join('');
    const toolResult = at('tool_result');
    expect(joined(0, at('text'))).toBe(FIRST);
    expect(joined(toolResult, at('text', toolResult))).toBe(FINAL);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(await e2e.redis.hget(`komputer:default:agent:${name}`, 'taskStatus')).toBe('Complete');
  }
  process.stdout.write(
    `faults-redis-outage: ${outageMs} ms outage; every task ended and stored ${Date.now() - backAt} ms after Redis came back\n`,
  );
  // No agent is left busy: each takes its next task at once.
  e2e.model.script({ content: [text('again')] });
  const next = await e2e.call('POST', '/agents', { name: names[0], instructions: 'Once more.' });
  expect(next.status).toBe(201);
  const again = await e2e.eventsOf(names[0] as string, next.body.taskId as string, 30_000);
  expect(again.at(-1)?.type).toBe('task_completed');
}

it('loses no event and strands no task over a 6 s outage', async () => {
  await survive(6_000, ['short-a', 'short-b', 'short-c']);
}, 120_000);

it('loses no event and strands no task over a 20 s outage', async () => {
  await survive(20_000, ['long-a', 'long-b', 'long-c']);
}, 120_000);
