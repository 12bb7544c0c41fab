import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { followEvents, text } from '@komputer/testing';
import type { ScriptedAnthropic, ScriptedRequest } from '@komputer/testing';
import type { Redis } from 'ioredis';
import { startE2eStack } from './e2e-stack';
import type { Answer, E2eStack } from './e2e-stack';

let e2e: E2eStack;
let model: ScriptedAnthropic;
let redis: Redis;

beforeAll(async () => {
  e2e = await startE2eStack();
  ({ model, redis } = e2e);
});
afterAll(() => e2e?.close());
// Each test scripts exactly the model turns its tasks use.
afterEach(() => expect(model.remainingTurns).toBe(0));

const RACERS = 100;
const post = (path: string, body?: unknown) => e2e.call('POST', path, body);

/** Every user text block of a request's conversation, in order. */
function userTexts(request: ScriptedRequest | undefined): string[] {
  return (request?.body.messages ?? []).flatMap((m: MessageParam) => {
    if (m.role !== 'user') return [];
    if (typeof m.content === 'string') return [m.content];
    return m.content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
  });
}

/** A gate that a scripted turn waits behind. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('steering, end to end: gateway → Redis → scheduler → runtime → model', () => {
  it(`starts one task from ${RACERS} concurrent POSTs to an idle agent; the 99 others reach its model, in order, once each`, async () => {
    model.script({ content: [text('Ready.')] });
    const first = await post('/agents', { name: 'crowd', instructions: 'Get ready.' });
    await e2e.eventsOf('crowd', first.body.taskId);

    // The task's first model call waits until every POST has its answer; the steers taken
    // before that call are in it, and the ones taken at its end get a call of their own.
    const answered = gate();
    model.script(async (request) => {
      await answered.opened;
      if (userTexts(request).filter((t) => t.startsWith('message ')).length < RACERS - 1) {
        model.script({ content: [text('Heard you all.')] });
      }
      return { content: [text('On it.')] };
    });
    const answers: Answer[] = await Promise.all(
      Array.from({ length: RACERS }, (_x, i) =>
        post('/agents', { name: 'crowd', instructions: `message ${i}` }),
      ),
    );
    answered.open();

    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    const started = answers.filter((a) => !a.body.steered);
    expect(started).toHaveLength(1);
    const taskId = started[0]?.body.taskId as string;
    const winner = `message ${answers.indexOf(started[0] as Answer)}`;
    // The steers, in the order the POSTs' answers number them: 1 to 99, once each.
    const steers = answers
      .map((a, i) => ({ index: a.body.steerIndex as number, text: `message ${i}`, a }))
      .filter((s) => s.a.body.steered)
      .sort((x, y) => x.index - y.index);
    expect(steers.map((s) => s.index)).toEqual(
      Array.from({ length: RACERS - 1 }, (_x, k) => k + 1),
    );
    for (const s of steers) expect(s.a.body.taskId).toBe(taskId);

    const events = await e2e.eventsOf('crowd', taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    // Each steer is recorded once, as its task took it, in the order of the numbers.
    const taken = events.filter((e) => e.type === 'user_message');
    expect(taken.map((e) => e.payload)).toEqual(
      steers.map((s) => ({ content: s.text, steer_index: s.index })),
    );
    // The model's last call holds the whole conversation: each message once, in that order.
    expect(userTexts(model.requests.at(-1))).toEqual([
      'Get ready.',
      winner,
      ...steers.map((s) => s.text),
    ]);
    expect(await redis.llen('komputer:default:steers:crowd')).toBe(0);
    // No steer was left over for a task of its own.
    const agent = await e2e.call('GET', '/agents/crowd');
    expect(agent.body).toMatchObject({ taskId, taskStatus: 'Complete' });
  });

  it('turns a steer that a task never took, as it is cancelled, into the agent’s next task', async () => {
    const held = gate();
    model.script(async () => {
      await held.opened;
      return { content: [text('too late')] };
    });
    model.script({ content: [text('Doing the late thought.')] });
    const requests = model.requestCount;
    const first = await post('/agents', { name: 'late', instructions: 'Think.' });
    await model.waitForRequests(requests + 1, 15_000);

    const steer = await post('/agents', { name: 'late', instructions: 'A late thought.' });
    expect(steer.body).toMatchObject({ steered: true, steerIndex: 1, taskId: first.body.taskId });
    expect((await post('/agents/late/cancel')).body).toMatchObject({ status: 'cancelling' });
    held.open();

    const ended = await e2e.eventsOf('late', first.body.taskId);
    expect(ended.at(-1)?.type).toBe('task_cancelled');
    expect(ended.filter((e) => e.type === 'user_message')).toEqual([]);
    // The steer's follow-up: a task of its own, started at once, that the model sees.
    const [next] = await followEvents(redis, 'komputer:default:events:late', {
      after: ended.at(-1)?.id ?? '0-0',
      until: (e) => e.type === 'task_started',
      explain: e2e.recentLog,
    });
    expect(next?.payload).toMatchObject({ instructions: 'A late thought.' });
    const followUp = await e2e.eventsOf('late', next?.taskId ?? '');
    expect(followUp.at(-1)).toMatchObject({
      type: 'task_completed',
      payload: { result: 'Doing the late thought.' },
    });
    expect(userTexts(model.requests.at(-1)).at(-1)).toBe('A late thought.');
  });

  it('refuses a task for a busy agent with 409 when asked to, and the refused text reaches nothing', async () => {
    const held = gate();
    model.script(async () => {
      await held.opened;
      return { content: [text('Only the first.')] };
    });
    const requests = model.requestCount;
    const first = await post('/agents', { name: 'strict', instructions: 'First.' });
    await model.waitForRequests(requests + 1, 15_000);
    const refused = await post('/agents?steer=false', { name: 'strict', instructions: 'Second.' });
    expect(refused.status).toBe(409);
    held.open();
    const events = await e2e.eventsOf('strict', first.body.taskId);
    expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
    expect(userTexts(model.requests.at(-1))).toEqual(['First.']);
  });
});
