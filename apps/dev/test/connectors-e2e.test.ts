import { createHash, randomUUID } from 'node:crypto';
import type { AgentEvent } from '@komputer/contracts';
import { startMcpTestServer, text, toolUse } from '@komputer/testing';
import type { McpTestServer, ScriptedAnthropic } from '@komputer/testing';
import type { Redis } from 'ioredis';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

/** The planted secret: unique to this run, so that finding it anywhere is a leak. */
const TOKEN = `planted-${randomUUID()}`;
const TOOL = 'mcp__echo__echo';

let e2e: E2eStack;
let model: ScriptedAnthropic;
let redis: Redis;
let mcp: McpTestServer;
let logLines: string[];
/** Every API answer's body, as text. */
const responses: string[] = [];

beforeAll(async () => {
  mcp = await startMcpTestServer({ token: TOKEN });
  // Every log line of the apps and the runtimes, searched for the secret at the end.
  e2e = await startE2eStack({
    env: { KOMPUTER_MCP_TIMEOUT_MS: '3000', LOG_LEVEL: 'trace' },
    logLevel: 'trace',
    logLines: 100_000,
    onAnswer: (raw) => responses.push(raw),
  });
  ({ model, redis, logLines } = e2e);
});
afterAll(async () => {
  await e2e?.close();
  await mcp?.close();
});

const call = (method: string, path: string, body?: unknown) => e2e.call(method, path, body);
const eventsOf = (name: string, taskId: string): Promise<AgentEvent[]> =>
  e2e.eventsOf(name, taskId);

const toolNames = (request: number) =>
  (model.requests[request]?.body.tools ?? []).map((tool) => (tool as { name: string }).name);

describe('connectors, end to end: an agent calls an MCP server with the credential of a secret', () => {
  afterEach(() => expect(model.remainingTurns).toBe(0));

  it('offers the connector’s tools to the model, calls them, and lists them on the API', async () => {
    expect(
      (await call('POST', '/secrets', { name: 'echo-auth', data: { token: TOKEN } })).status,
    ).toBe(201);
    const connector = await call('POST', '/connectors', {
      name: 'echo',
      service: 'echo',
      url: mcp.url,
      authType: 'token',
      authSecretName: 'echo-auth',
      authSecretKey: 'token',
    });
    expect(connector.status).toBe(201);
    const tools = await call('GET', '/connectors/echo/tools');
    expect(tools.status).toBe(200);
    expect(tools.body.tools.map((t: { name: string }) => t.name)).toEqual(['echo']);

    const before = model.requests.length;
    model.script(
      { content: [toolUse(TOOL, { text: 'hello over MCP' })] },
      { content: [text('The server echoed.')] },
    );
    const created = await call('POST', '/agents', {
      name: 'caller',
      instructions: 'Call the echo tool',
      connectors: ['echo'],
    });
    expect(created.status).toBe(201);
    const events = await eventsOf('caller', created.body.taskId);
    expect(events.map((e) => e.type)).toEqual([
      'task_started',
      'tool_call',
      'tool_result',
      'text',
      'task_completed',
    ]);
    expect(events[2]).toMatchObject({
      type: 'tool_result',
      payload: { tool: TOOL, output: 'echo: hello over MCP', is_error: false },
    });
    expect(mcp.calls).toEqual(['hello over MCP']);
    expect(toolNames(before)).toContain(TOOL);
    expect(toolNames(before)).toContain('Bash');
  });

  it('takes the tool away from the next model request once PATCH detaches the connector', async () => {
    const patched = await call('PATCH', '/agents/caller', { connectors: [] });
    expect(patched.status).toBe(200);
    const before = model.requests.length;
    model.script({ content: [text('No connector now.')] });
    const next = await call('POST', '/agents', { name: 'caller', instructions: 'Again' });
    expect((await eventsOf('caller', next.body.taskId)).at(-1)?.type).toBe('task_completed');
    expect(toolNames(before)).not.toContain(TOOL);
    expect(toolNames(before)).toContain('Bash');
  });

  it('with the MCP server stopped, the task completes, with a warning and the tool error', async () => {
    // The tool list is cached: the tools are offered, and their calls fail.
    await call('PATCH', '/agents/caller', { connectors: ['echo'] });
    await mcp.close();
    model.script(
      { content: [toolUse(TOOL, { text: 'anyone there?' })] },
      { content: [text('The connector is down.')] },
    );
    const task = await call('POST', '/agents', { name: 'caller', instructions: 'Try again' });
    const events = await eventsOf('caller', task.body.taskId);
    expect(events.at(-1)).toMatchObject({
      type: 'task_completed',
      payload: { result: 'The connector is down.' },
    });
    expect(events.find((e) => e.type === 'warning')).toMatchObject({
      payload: { connector: 'echo', message: expect.stringContaining('connector "echo"') },
    });
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({
      payload: {
        tool: TOOL,
        is_error: true,
        output: expect.stringContaining('its MCP server could not be reached'),
      },
    });
    const echo = await call('GET', '/connectors/echo');
    expect(echo.body.health).toEqual({
      reachable: false,
      lastError: expect.stringContaining('fetch failed'),
      checkedAt: expect.any(String),
    });
    // Saved again, the connector is asked anew: nothing cached hides the server's state.
    const { name, service, url, authSecretName, authSecretKey } = echo.body;
    const saved = await call('POST', '/connectors', {
      name,
      service,
      url,
      authSecretName,
      authSecretKey,
    });
    expect(saved.status).toBe(201);
    expect((await call('GET', '/connectors/echo/tools')).status).toBe(502);
  });

  it('gives the secrets an agent names in secretRefs to its tools, as environment variables', async () => {
    model.script(
      { content: [toolUse('Bash', { command: 'printf %s "$token" | sha256sum' })] },
      { content: [text('Hashed.')] },
    );
    const task = await call('POST', '/agents', {
      name: 'holder',
      instructions: 'Hash your token',
      secretRefs: ['echo-auth'],
    });
    expect(task.status).toBe(201);
    const events = await eventsOf('holder', task.body.taskId);
    const sha = createHash('sha256').update(TOKEN).digest('hex');
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({
      payload: { is_error: false, output: expect.stringContaining(sha) },
    });
    expect(events.at(-1)?.type).toBe('task_completed');
  });

  it('never shows the planted secret in an API answer, an event or a log line', async () => {
    // The runtime and the server did use it: the first task's call got through.
    expect(mcp.calls).toEqual(['hello over MCP']);
    const events = await call('GET', '/agents/caller/events?limit=200');
    expect(events.body.events.length).toBeGreaterThan(10);
    const stream = [
      ...(await redis.xrange('komputer:default:events:caller', '-', '+')),
      ...(await redis.xrange('komputer:default:events:holder', '-', '+')),
    ];
    expect(logLines.length).toBeGreaterThan(0);
    const haystacks = { responses, stream: JSON.stringify(stream), logs: logLines };
    for (const [where, texts] of Object.entries(haystacks)) {
      for (const line of [texts].flat()) {
        if (line.includes(TOKEN)) throw new Error(`the secret leaked into ${where}: ${line}`);
      }
    }
  });
});
