import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent } from '@komputer/contracts';
import { lastUserText, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic, TurnFunction } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

// A squad's members share one workspace (the first member's), run one task at a time in it, and
// go back to their own workspaces, kept all along, when the squad breaks up. The model runs each
// task's command: "RUN: <command>" becomes a Bash tool call, and its result ends the task.

let e2e: E2eStack;
let model: ScriptedAnthropic;

beforeAll(async () => {
  e2e = await startE2eStack({ logLines: 5_000 });
  ({ model } = e2e);
}, 120_000);
afterAll(() => e2e?.close());
afterEach(() => expect(model.remainingTurns).toBe(0));

const call = (method: string, path: string, body?: unknown) => e2e.call(method, path, body);

/** Runs the command that the task's instructions give, then ends the task. */
const runCommand: TurnFunction = (request) => {
  const last = request.body.messages.at(-1);
  const answered =
    Array.isArray(last?.content) && last.content.some((block) => block.type === 'tool_result');
  if (answered) return { content: [text('done')] };
  const command = /RUN: (.*)$/s.exec(lastUserText(request))?.[1] ?? 'true';
  return { content: [toolUse('Bash', { command })] };
};

/** Gives `name` a task that runs `command`; resolves with the task's events once it ended. */
async function run(name: string, command: string): Promise<AgentEvent[]> {
  model.script(runCommand, runCommand);
  const res = await call('POST', '/agents', { name, instructions: `RUN: ${command}` });
  expect(res.status).toBe(201);
  return e2e.eventsOf(name, res.body.taskId, 60_000);
}

/** What the task's Bash call printed. */
function output(events: AgentEvent[]): string {
  const result = events.find((e) => e.type === 'tool_result');
  return String((result?.payload as { output?: unknown } | undefined)?.output ?? '');
}

const completed = (events: AgentEvent[]) => events.at(-1)?.type === 'task_completed';

describe('a squad of two', () => {
  it('is made of agents that each have a workspace of their own first', async () => {
    expect(completed(await run('writer', 'echo writer > mine.txt'))).toBe(true);
    expect(completed(await run('reader', 'echo reader > mine.txt'))).toBe(true);
    const squad = await call('POST', '/squads', {
      name: 'duo',
      members: [{ ref: { name: 'writer' } }, { ref: { name: 'reader' } }],
    });
    expect(squad.status).toBe(200);
    expect(squad.body).toMatchObject({ home: 'writer', phase: 'Active' });
  }, 120_000);

  it('shares files: one member writes in its task, the other reads in its own', async () => {
    expect(completed(await run('writer', 'echo shared-secret > shared.txt'))).toBe(true);
    const read = await run('reader', 'cat shared.txt; cat mine.txt');
    expect(output(read)).toContain('shared-secret');
    // The shared workspace is the home's: the reader sees the writer's own file there.
    expect(output(read)).toContain('writer');
    expect(readFileSync(join(e2e.workspace('writer'), 'shared.txt'), 'utf8')).toBe(
      'shared-secret\n',
    );
    // Each keeps its own conversation: the guest's is apart, and holds none of the writer's turns.
    const guestSession = join(e2e.workspace('writer'), '.komputer', 'guests', 'reader');
    expect(existsSync(join(guestSession, 'session.json'))).toBe(true);
    const readerRequest = model.requests.findLast((r) =>
      lastUserText(r).includes('cat shared.txt'),
    );
    expect(JSON.stringify(readerRequest?.body.messages)).not.toContain('shared-secret >');
  }, 120_000);

  it('runs one member’s task at a time, whatever arrives together', async () => {
    model.script(runCommand, runCommand, runCommand, runCommand);
    const step = (name: string) =>
      `RUN: echo start-${name} >> turns.log; sleep 1; echo end-${name} >> turns.log`;
    const [a, b] = await Promise.all([
      call('POST', '/agents', { name: 'writer', instructions: step('writer') }),
      call('POST', '/agents', { name: 'reader', instructions: step('reader') }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    // While one runs, the other waits, saying why.
    const waiting = await call('GET', '/squads/duo');
    expect(waiting.body.members.map((m: { taskStatus: string }) => m.taskStatus).sort()).toEqual(
      expect.arrayContaining(['Queued']),
    );
    const [writerEvents, readerEvents] = await Promise.all([
      e2e.eventsOf('writer', a.body.taskId, 60_000),
      e2e.eventsOf('reader', b.body.taskId, 60_000),
    ]);
    expect(completed(writerEvents) && completed(readerEvents)).toBe(true);
    const log = readFileSync(join(e2e.workspace('writer'), 'turns.log'), 'utf8')
      .trim()
      .split('\n');
    const first = log[0]?.slice('start-'.length) ?? '';
    const second = first === 'writer' ? 'reader' : 'writer';
    expect(log).toEqual([`start-${first}`, `end-${first}`, `start-${second}`, `end-${second}`]);
    // And the second task started only once the first had ended (ids are Redis's clock).
    const byName = { writer: writerEvents, reader: readerEvents };
    const ms = (id: string | undefined) => Number(id?.split('-')[0]);
    const endOfFirst = ms(byName[first as 'writer'].at(-1)?.id);
    const startOfSecond = ms(byName[second as 'writer'][0]?.id);
    expect(startOfSecond).toBeGreaterThanOrEqual(endOfFirst);
  }, 120_000);

  it('breaks up into solo agents that keep their workspaces; the home keeps the shared files', async () => {
    const res = await call('POST', '/squads/duo/break-up');
    expect(res.body).toMatchObject({ phase: 'Dissolved' });
    expect((await call('GET', '/agents/reader')).body.squad).toBe(false);

    const reader = await run('reader', 'cat mine.txt; ls shared.txt 2>&1 || true');
    expect(output(reader)).toContain('reader');
    expect(output(reader)).toMatch(/No such file/);
    // Its solo conversation takes up again where it left it.
    const soloRequest = model.requests.findLast((r) => lastUserText(r).includes('ls shared.txt'));
    expect(JSON.stringify(soloRequest?.body.messages)).toContain('echo reader > mine.txt');
    expect(JSON.stringify(soloRequest?.body.messages)).not.toContain('cat shared.txt');
    const writer = await run('writer', 'cat shared.txt mine.txt');
    expect(output(writer)).toContain('shared-secret');
    expect(output(writer)).toContain('writer');
    expect(readFileSync(join(e2e.workspace('reader'), 'mine.txt'), 'utf8')).toBe('reader\n');
  }, 120_000);
});
