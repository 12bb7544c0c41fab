import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ConflictError, Komputer, NotFoundError } from '@komputer/sdk';
import { eventually, followEvents, text, toolUse } from '@komputer/testing';
import type {
  ScriptedAnthropic,
  ScriptedReply,
  ScriptedRequest,
  StreamEvent,
} from '@komputer/testing';
import type { Redis } from 'ioredis';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

let e2e: E2eStack;
let model: ScriptedAnthropic;
let redis: Redis;
let client: Komputer;

beforeAll(async () => {
  e2e = await startE2eStack();
  ({ model, redis } = e2e);
  client = new Komputer({ baseURL: e2e.stack.url });
});
afterAll(() => e2e?.close());
// Each test scripts exactly the model turns its tasks use.
afterEach(() => expect(model.remainingTurns).toBe(0));

const post = (path: string, body?: unknown) => e2e.call('POST', path, body);
const get = (path: string) => e2e.call('GET', path);

interface Requested {
  approval_id: string;
  tool_use_id: string;
  tool: string;
  input: { command: string };
}

/** Waits for the agent's next `approval_requested` (blocking reads on its stream, no sleeps). */
async function approvalRequested(agent: string): Promise<StreamEvent> {
  const events = await followEvents(redis, `komputer:default:events:${agent}`, {
    until: (e) => e.type === 'approval_requested',
    timeoutMs: 30_000,
    explain: e2e.recentLog,
  });
  return events.at(-1) as StreamEvent;
}

/** The tool results of a model request's last user turn, as the model reads them. */
function lastToolResults(request: ScriptedRequest): ToolResultBlockParam[] {
  const last = request.body.messages.at(-1);
  if (!last || typeof last.content === 'string') return [];
  return last.content.flatMap((block) => (block.type === 'tool_result' ? [block] : []));
}

const resultText = (block: ToolResultBlockParam | undefined): string =>
  typeof block?.content === 'string'
    ? block.content
    : (block?.content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');

/** A gated `touch` of `file`, then a final answer that repeats the tool result it got. */
function scriptTouch(file: string): void {
  model.script({ content: [toolUse('Bash', { command: `touch ${file}` })] }, (request) => ({
    content: [text(`saw: ${resultText(lastToolResults(request)[0])}`)],
  }));
}

const gated = (name: string, file: string, timeoutSeconds = 600) => ({
  name,
  instructions: `Create ${file}.`,
  approvals: { bashCommands: ['touch *'], timeoutSeconds },
});

describe('human approval of tool calls, end to end', () => {
  it('holds a Bash call until it is approved, then runs it', async () => {
    scriptTouch('approved.txt');
    const requestsBefore = model.requests.length;
    const started = await post('/agents', gated('gate-approve', 'approved.txt'));
    expect(started.status).toBe(201);
    expect(started.body).not.toHaveProperty('error');

    const requested = await approvalRequested('gate-approve');
    const payload = requested.payload as Requested;
    expect(payload).toMatchObject({ tool: 'Bash', input: { command: 'touch approved.txt' } });
    // The call waits: nothing ran, and the model was not asked again.
    const file = join(e2e.workspace('gate-approve'), 'approved.txt');
    expect(existsSync(file)).toBe(false);
    expect(model.requests).toHaveLength(requestsBefore + 1);
    const pending = await client.agents.approvals.list('gate-approve');
    expect(pending.map((a) => [a.id, a.status, a.toolUseId])).toEqual([
      [payload.approval_id, 'pending', payload.tool_use_id],
    ]);
    expect((await get('/agents/gate-approve')).body.approvals).toEqual({
      bashCommands: ['touch *'],
      timeoutSeconds: 600,
    });

    const decided = await client.agents.approvals.approve('gate-approve', payload.approval_id, {
      reason: 'fine',
    });
    expect(decided).toMatchObject({ status: 'approved', decidedBy: { kind: 'anonymous' } });
    const events = await e2e.eventsOf('gate-approve', started.body.taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    expect(existsSync(file)).toBe(true);
    const types = events.map((e) => e.type);
    expect(types.indexOf('tool_call')).toBeLessThan(types.indexOf('approval_requested'));
    expect(types.indexOf('approval_resolved')).toBeLessThan(types.indexOf('tool_result'));
    const resolved = events.find((e) => e.type === 'approval_resolved');
    expect(resolved?.payload).toEqual({
      approval_id: payload.approval_id,
      tool_use_id: payload.tool_use_id,
      tool: 'Bash',
      decision: 'approved',
      reason: 'fine',
      decided_by: { kind: 'anonymous' },
    });
    const result = events.find((e) => e.type === 'tool_result');
    expect(result?.payload).toMatchObject({ is_error: false });
    // Decided once: a second answer is refused, and the list is empty.
    await expect(
      client.agents.approvals.deny('gate-approve', payload.approval_id),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await client.agents.approvals.list('gate-approve')).toEqual([]);
  });

  it('gives the model the reason of a denial, and never runs the call', async () => {
    scriptTouch('denied.txt');
    const started = await post('/agents', gated('gate-deny', 'denied.txt'));
    const { approval_id: id } = (await approvalRequested('gate-deny')).payload as Requested;

    // Another agent's approval, an unknown id and a bad body are refused, and decide nothing.
    const other = await post('/agents/gate-approve/approvals/' + id, { decision: 'approve' });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('APPROVAL_NOT_FOUND');
    const unknown = await post(`/agents/gate-deny/approvals/${crypto.randomUUID()}`, {
      decision: 'deny',
    });
    expect(unknown.status).toBe(404);
    const bad = await post(`/agents/gate-deny/approvals/${id}`, { decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^body\.decision: must be "approve" or "deny"/);

    const denied = await post(`/agents/gate-deny/approvals/${id}`, {
      decision: 'deny',
      reason: 'not on a Friday',
    });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied', reason: 'not on a Friday' });
    const events = await e2e.eventsOf('gate-deny', started.body.taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    expect(existsSync(join(e2e.workspace('gate-deny'), 'denied.txt'))).toBe(false);
    // The model's next request holds the denial, with its reason, as the call's tool result.
    const [result] = lastToolResults(model.requests.at(-1) as ScriptedRequest);
    expect(result?.is_error).toBe(true);
    expect(resultText(result)).toContain('not on a Friday');
    expect(events.find((e) => e.type === 'approval_resolved')?.payload).toMatchObject({
      decision: 'denied',
      reason: 'not on a Friday',
    });
    const again = await post(`/agents/gate-deny/approvals/${id}`, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('APPROVAL_CLOSED');
  });

  it('denies a call that nobody answers in time, as timed out', async () => {
    scriptTouch('late.txt');
    const started = await post('/agents', gated('gate-timeout', 'late.txt', 1));
    const { approval_id: id } = (await approvalRequested('gate-timeout')).payload as Requested;
    const events = await e2e.eventsOf('gate-timeout', started.body.taskId);
    expect(events.find((e) => e.type === 'approval_resolved')?.payload).toMatchObject({
      approval_id: id,
      decision: 'expired',
      reason: 'timed out',
    });
    expect(existsSync(join(e2e.workspace('gate-timeout'), 'late.txt'))).toBe(false);
    const [result] = lastToolResults(model.requests.at(-1) as ScriptedRequest);
    expect(result?.is_error).toBe(true);
    expect(resultText(result)).toContain('timed out');
    const late = await post(`/agents/gate-timeout/approvals/${id}`, { decision: 'approve' });
    expect(late.status).toBe(409);
    expect(late.body.error).toContain('timed out');
  });

  it('ends the wait when the task is cancelled, and closes the approval', async () => {
    model.script({ content: [toolUse('Bash', { command: 'touch never.txt' })] });
    const started = await post('/agents', gated('gate-cancel', 'never.txt'));
    const { approval_id: id } = (await approvalRequested('gate-cancel')).payload as Requested;
    expect((await post('/agents/gate-cancel/cancel')).status).toBe(200);
    const events = await e2e.eventsOf('gate-cancel', started.body.taskId, 10_000);
    expect(events.at(-1)?.type).toBe('task_cancelled');
    expect(existsSync(join(e2e.workspace('gate-cancel'), 'never.txt'))).toBe(false);
    // The supervisor closes the approval as the wait ends, beside the task's own end.
    await eventually(
      async () => (await get('/agents/gate-cancel/approvals')).body.approvals.length === 0,
      'the cancelled task’s approval is closed',
    );
    const late = await post(`/agents/gate-cancel/approvals/${id}`, { decision: 'approve' });
    expect(late.status).toBe(409);
  });

  it('shows a sub-agent’s request in its manager’s office, and takes the answer there', async () => {
    model.script({ content: [text('I lead.')] });
    const lead = await post('/agents', { name: 'gate-lead', instructions: 'Lead.' });
    await e2e.eventsOf('gate-lead', lead.body.taskId);
    scriptTouch('member.txt');
    const started = await post('/agents', {
      ...gated('gate-member', 'member.txt'),
      officeManager: 'gate-lead',
    });
    const { approval_id: id } = (await approvalRequested('gate-member')).payload as Requested;

    // The office's merged events carry the member's request.
    const office = await get('/offices/gate-lead/events?limit=200');
    expect(office.status).toBe(200);
    const seen = office.body.events.find(
      (e: { type: string; agentName: string }) => e.type === 'approval_requested',
    );
    expect(seen).toMatchObject({ agentName: 'gate-member', payload: { approval_id: id } });
    expect((await client.offices.approvals.list('gate-lead')).map((a) => a.id)).toEqual([id]);
    // An office that the agent is not a member of cannot answer it.
    model.script({ content: [text('I lead too.')] });
    const stranger = await post('/agents', { name: 'gate-stranger', instructions: 'Lead.' });
    await e2e.eventsOf('gate-stranger', stranger.body.taskId);
    model.script({ content: [text('I follow.')] });
    const follower = await post('/agents', {
      name: 'gate-follower',
      instructions: 'Follow.',
      officeManager: 'gate-stranger',
    });
    await e2e.eventsOf('gate-follower', follower.body.taskId);
    await expect(client.offices.approvals.approve('gate-stranger', id)).rejects.toBeInstanceOf(
      NotFoundError,
    );

    await client.offices.approvals.approve('gate-lead', id);
    const events = await e2e.eventsOf('gate-member', started.body.taskId);
    expect(events.find((e) => e.type === 'approval_resolved')?.payload).toMatchObject({
      decision: 'approved',
    });
    expect(existsSync(join(e2e.workspace('gate-member'), 'member.txt'))).toBe(true);
  });

  it('gives a gated manager’s workers its policy, so that no gated call is handed to one', async () => {
    const route = (request: ScriptedRequest): ScriptedReply => {
      const tools = (request.body.tools ?? []).map((tool) => (tool as { name: string }).name);
      const answered = lastToolResults(request).length > 0;
      if (tools.includes('create_agent')) {
        return answered
          ? { content: [text('Delegated.')] }
          : {
              content: [
                toolUse('create_agent', { name: 'gate-heir', instructions: 'Create heir.txt.' }),
              ],
            };
      }
      return answered
        ? { content: [text('Worker done.')] }
        : { content: [toolUse('Bash', { command: 'touch heir.txt' })] };
    };
    model.script(route, route, route, route);
    const boss = await post('/agents', gated('gate-boss', 'nothing'));
    const { approval_id: id } = (await approvalRequested('gate-heir')).payload as Requested;
    expect((await get('/agents/gate-heir')).body).toMatchObject({
      officeManager: 'gate-boss',
      approvals: { bashCommands: ['touch *'], timeoutSeconds: 600 },
    });
    const denied = await post(`/offices/gate-boss/approvals/${id}`, {
      decision: 'deny',
      reason: 'the boss may not delegate it',
    });
    expect(denied.status).toBe(200);
    const heir = (await get('/agents/gate-heir')).body;
    const events = await e2e.eventsOf('gate-heir', heir.taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    expect(existsSync(join(e2e.workspace('gate-heir'), 'heir.txt'))).toBe(false);
    await e2e.eventsOf('gate-boss', boss.body.taskId);
  });

  it('lists and answers approvals through /mcp', async () => {
    scriptTouch('mcp.txt');
    const started = await post('/agents', gated('gate-mcp', 'mcp.txt'));
    const { approval_id: id } = (await approvalRequested('gate-mcp')).payload as Requested;
    const mcp = new Client({ name: 'e2e', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${e2e.stack.url}/mcp`)));
    const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
      (result.content as { text: string }[]).map((c) => c.text).join('');
    try {
      const listed = await mcp.callTool({
        name: 'list_approvals',
        arguments: { agent: 'gate-mcp' },
      });
      expect(JSON.parse(textOf(listed)).approvals.map((a: { id: string }) => a.id)).toEqual([id]);
      const both = await mcp.callTool({
        name: 'list_approvals',
        arguments: { agent: 'gate-mcp', office: 'gate-mcp' },
      });
      expect(both.isError).toBe(true);
      const answered = await mcp.callTool({
        name: 'answer_approval',
        arguments: { agent: 'gate-mcp', id, decision: 'deny', reason: 'asked over MCP' },
      });
      expect(answered.isError).toBe(false);
      expect(JSON.parse(textOf(answered))).toMatchObject({ status: 'denied' });
    } finally {
      await mcp.close();
    }
    const events = await e2e.eventsOf('gate-mcp', started.body.taskId);
    expect(events.find((e) => e.type === 'tool_result')?.payload).toMatchObject({
      is_error: true,
    });
    expect(existsSync(join(e2e.workspace('gate-mcp'), 'mcp.txt'))).toBe(false);
  });

  it('refuses a policy it cannot apply with a clear 400, and stores nothing', async () => {
    const answer = await post('/agents', {
      name: 'gate-bad',
      instructions: 'Nothing.',
      approvals: { bashCommands: ['  '] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/^body\.approvals\.bashCommands\.0: must not be empty/);
    expect((await get('/agents/gate-bad')).status).toBe(404);
  });
});
