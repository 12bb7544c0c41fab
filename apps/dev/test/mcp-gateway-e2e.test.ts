import { randomUUID } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import {
  followEvents,
  startMcpTestServer,
  startRedisServer,
  startScriptedAnthropic,
  startServiceProcess,
  taskEvents,
  text,
  toolUse,
} from '@komputer/testing';
import type {
  McpTestServer,
  RedisServer,
  ScriptedAnthropic,
  ServiceProcess,
  StreamEvent,
} from '@komputer/testing';
import { Redis } from 'ioredis';

// The four services apart, each from its bundle in a process of its own, as they are deployed:
// an agent calls a tool of a real MCP server that requires a bearer token. Only the
// connector-registry may hold that token; the agent's runtime, its commands, their environment
// and their files must not.

const root = join(__dirname, '..', '..', '..');
const bundle = (app: string) => join(root, 'dist', 'apps', app, 'main.js');
/** The connector's credential: unique to this run, so that finding it anywhere is a leak. */
const CREDENTIAL = `mcp-credential-${randomUUID()}`;
const TOOL = 'mcp__echo__echo';

let redisServer: RedisServer;
let redis: Redis;
let model: ScriptedAnthropic;
let mcp: McpTestServer;
let dataDir: string;
let registry: ServiceProcess;
let scheduler: ServiceProcess;
let gateway: ServiceProcess;
let registryEnv: Record<string, string | undefined>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${gateway.url}/api/v1${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

const explain = () =>
  [registry, scheduler, gateway]
    .map((p) => p.output().split('\n').slice(-15).join('\n'))
    .join('\n');

const eventsOf = (name: string, taskId: string) =>
  taskEvents(redis, `komputer:default:events:${name}`, taskId, { timeoutMs: 30_000, explain });

const resultOf = (events: StreamEvent[], id: string) =>
  events.find((e) => e.type === 'tool_result' && (e.payload as { id: string }).id === id)
    ?.payload as { output: string; is_error: boolean } | undefined;

/** The pids of every agent runtime and of the commands it runs: they carry its runtime id. */
function agentProcesses(): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return readFileSync(`/proc/${entry}/environ`, 'latin1').includes('AGENT_RUNTIME_ID=')
        ? [Number(entry)]
        : [];
    } catch {
      return [];
    }
  });
}

/** The parent of process `pid`: the field after the parenthesised name in its `stat`. */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Whether `needle` is in the process's memory, as one-byte or as two-byte (UTF-16) text. */
function memoryHolds(pid: number, needle: string): boolean {
  const forms = [Buffer.from(needle, 'latin1'), Buffer.from(needle, 'utf16le')];
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const [range, perms, , , , path = ''] = line.split(/\s+/);
      if (!range || !perms?.startsWith('r') || path.startsWith('[v')) continue;
      const [start, end] = range.split('-').map((hex) => parseInt(hex, 16)) as [number, number];
      const chunk = Buffer.alloc(Math.min(end - start, 64 * 1024 * 1024));
      for (let at = start; at < end; at += chunk.length) {
        let read = 0;
        try {
          read = readSync(fd, chunk, 0, Math.min(chunk.length, end - at), at);
        } catch {
          break;
        }
        const seen = chunk.subarray(0, read);
        if (forms.some((form) => seen.includes(form))) return true;
      }
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Every file under `dir` whose content holds `needle`. */
function filesHolding(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((entry) => {
    if (!entry.isFile()) return [];
    const path = join(entry.parentPath, entry.name);
    return readFileSync(path).includes(needle) ? [path] : [];
  });
}

beforeAll(async () => {
  redisServer = await startRedisServer({ appendOnly: true });
  redis = new Redis(redisServer.url);
  model = await startScriptedAnthropic();
  mcp = await startMcpTestServer({ token: CREDENTIAL });
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-mcp-e2e-'));
  const common = {
    ...process.env,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    KOMPUTER_MCP_TIMEOUT_MS: '3000',
  };
  registryEnv = common;
  registry = await startServiceProcess({
    entry: bundle('connector-registry'),
    env: registryEnv,
    listening: 'connector-registry listening',
  });
  scheduler = await startServiceProcess({
    entry: bundle('agent-scheduler'),
    env: {
      ...common,
      KOMPUTER_DATA_DIR: dataDir,
      KOMPUTER_CONNECTOR_REGISTRY_URL: registry.url,
      KOMPUTER_RECONCILE_GRACE_MS: '600000',
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: model.url,
    },
    listening: 'model proxy listening',
    urlField: 'modelProxy',
  });
  gateway = await startServiceProcess({
    entry: bundle('gateway'),
    // The scheduler's data directory: the gateway serves workspace files from it.
    env: { ...common, KOMPUTER_REGISTRY_URL: registry.url, KOMPUTER_DATA_DIR: dataDir },
    listening: 'gateway listening',
  });
  expect(
    (await call('POST', '/secrets', { name: 'echo-auth', data: { token: CREDENTIAL } })).status,
  ).toBe(201);
  // As komputer.ai clients send it: type "remote", a secret and no authType.
  const connector = await call('POST', '/connectors', {
    name: 'echo',
    service: 'echo',
    type: 'remote',
    url: mcp.url,
    authSecretName: 'echo-auth',
    authSecretKey: 'token',
  });
  expect(connector.status).toBe(201);
  expect(connector.body).toMatchObject({ type: 'remote', authType: 'token' });
}, 60_000);

afterAll(async () => {
  await Promise.all([gateway, scheduler, registry].map((p) => p?.stop()));
  redis?.disconnect();
  await mcp?.close();
  await model?.close();
  await redisServer?.stop({ removeData: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

afterEach(() => expect(model.remainingTurns).toBe(0));

describe('an agent’s connector, through the connector-registry in a process of its own', () => {
  it('reaches the MCP server, which sees the credential that the agent never holds', async () => {
    // Put together in the shell, so that no command line and no transcript holds it whole.
    const half = CREDENTIAL.length / 2;
    const search = [
      `KEY=$(printf '%s%s' '${CREDENTIAL.slice(0, half)}' '${CREDENTIAL.slice(half)}')`,
      `{ env; cat /proc/*/environ /proc/*/cmdline; } 2>/dev/null | tr '\\0' '\\n' | grep -c -F -f <(echo "$KEY")`,
      `grep -rlsF -f <(echo "$KEY") "$HOME" . /tmp /etc /var/tmp 2>/dev/null | head -3`,
      'echo "[ran]"',
    ].join('; ');
    model.script(
      { content: [toolUse(TOOL, { text: 'hello through the registry' }, 'call')] },
      { content: [toolUse('Bash', { command: search }, 'search')] },
      { content: [text('Done.')] },
    );
    const created = await call('POST', '/agents', {
      name: 'caller',
      instructions: 'Call the echo tool, then look around.',
      connectors: ['echo'],
    });
    expect(created.status).toBe(201);
    const events = await eventsOf('caller', created.body.taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    expect(resultOf(events, 'call')).toEqual(
      expect.objectContaining({ output: 'echo: hello through the registry', is_error: false }),
    );
    // The server got the call, with the credential: it refuses every request without it.
    expect(mcp.calls).toEqual(['hello through the registry']);
    expect(mcp.unauthorized).toBe(0);
    expect(registry.output()).toMatch(/"msg":"connector tool call"/);
    expect(registry.output()).toMatch(/"tool":"echo","outcome":"ok","durationMs":\d+/);

    // Inside the sandbox: its environment, every /proc it sees, its files.
    expect(resultOf(events, 'search')?.output.trim()).toBe('0\n[ran]');
    // Outside it: the environments of the runtime and its commands, and the runtime's memory
    // (this process is its ancestor, so it may read it).
    const pids = agentProcesses();
    // The caller's runtime, and a spare one started ahead of need.
    const runtimes = pids.filter((pid) => parentOf(pid) === scheduler.pid);
    expect(runtimes.length).toBeGreaterThan(0);
    for (const pid of pids) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      expect({ pid, environ: environ.includes(CREDENTIAL) }).toEqual({ pid, environ: false });
    }
    for (const pid of runtimes) {
      expect({ pid, memory: memoryHolds(pid, CREDENTIAL) }).toEqual({ pid, memory: false });
    }
    // The files of the data directory: the workspace, its transcript, the agent's notes.
    expect(readdirSync(join(dataDir, 'workspaces', 'default', 'caller')).length).toBeGreaterThan(0);
    expect(filesHolding(dataDir, CREDENTIAL)).toEqual([]);
    // And no log line of any service.
    for (const service of [registry, scheduler, gateway]) {
      expect(service.output().includes(CREDENTIAL)).toBe(false);
    }
  }, 60_000);

  it('refuses the agent’s next call once PATCH detaches the connector, mid-task', async () => {
    const gate = join(dataDir, 'workspaces', 'default', 'caller', 'go');
    model.script(
      { content: [toolUse('Bash', { command: 'while [ ! -f go ]; do sleep 0.05; done' }, 'wait')] },
      { content: [toolUse(TOOL, { text: 'after the detach' }, 'late')] },
      { content: [text('Refused.')] },
    );
    const task = await call('POST', '/agents', {
      name: 'caller',
      instructions: 'Wait, then call.',
    });
    expect(task.status).toBe(201);
    const key = 'komputer:default:events:caller';
    await followEvents(redis, key, {
      until: (e) => e.taskId === task.body.taskId && e.type === 'tool_call',
      explain,
    });
    expect((await call('PATCH', '/agents/caller', { connectors: [] })).status).toBe(200);
    await writeFile(gate, '');
    const events = await eventsOf('caller', task.body.taskId);
    expect(resultOf(events, 'late')).toEqual(
      expect.objectContaining({
        is_error: true,
        output: expect.stringContaining('does not have connector \\"echo\\" attached'),
      }),
    );
    expect(events.find((e) => e.type === 'warning')?.payload).toMatchObject({ connector: 'echo' });
    expect(events.at(-1)?.type).toBe('task_completed');
    expect(mcp.calls).toEqual(['hello through the registry']);
  }, 60_000);

  it('with the registry stopped: connector routes 503, agents work on; restarted, nothing is lost', async () => {
    expect((await call('PATCH', '/agents/caller', { connectors: ['echo'] })).status).toBe(200);
    await registry.stop();
    expect((await call('GET', '/connectors')).status).toBe(503);
    expect((await call('GET', '/secrets')).status).toBe(503);
    model.script(
      { content: [toolUse(TOOL, { text: 'anyone there?' }, 'down')] },
      { content: [text('The registry is away.')] },
    );
    const during = await call('POST', '/agents', { name: 'caller', instructions: 'Try it.' });
    expect(during.status).toBe(201);
    const events = await eventsOf('caller', during.body.taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    expect(events.find((e) => e.type === 'warning')?.payload).toMatchObject({ connector: 'echo' });
    expect(resultOf(events, 'down')?.is_error).toBe(true);
    expect((await call('GET', '/agents/caller')).status).toBe(200);

    registry = await startServiceProcess({
      entry: bundle('connector-registry'),
      env: { ...registryEnv, PORT: String(registry.port) },
      listening: 'connector-registry listening',
    });
    const echo = await call('GET', '/connectors/echo');
    expect(echo.status).toBe(200);
    expect(echo.body).toMatchObject({ agentNames: ['caller'], health: { reachable: true } });
    expect((await call('GET', '/secrets')).body.secrets).toHaveLength(1);
    model.script(
      { content: [toolUse(TOOL, { text: 'back again' }, 'again')] },
      { content: [text('It works again.')] },
    );
    const after = await call('POST', '/agents', { name: 'caller', instructions: 'Once more.' });
    const again = await eventsOf('caller', after.body.taskId);
    expect(resultOf(again, 'again')).toEqual(
      expect.objectContaining({ output: 'echo: back again', is_error: false }),
    );
    expect(mcp.calls).toEqual(['hello through the registry', 'back again']);
  }, 60_000);
});

describe('a workspace file, through a gateway in a process of its own', () => {
  it('is downloaded from the data directory that the gateway shares with the scheduler', async () => {
    model.script(
      { content: [toolUse('Bash', { command: 'printf "from the sandbox" > notes.txt' }, 'w')] },
      { content: [text('Noted.')] },
    );
    const created = await call('POST', '/agents', { name: 'scribe', instructions: 'Take notes' });
    expect((await eventsOf('scribe', created.body.taskId)).at(-1)?.type).toBe('task_completed');
    const res = await fetch(`${gateway.url}/api/v1/agents/scribe/download/notes.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=notes.txt');
    expect(await res.text()).toBe('from the sandbox');
    const out = await fetch(`${gateway.url}/api/v1/agents/scribe/download/..%2Fcaller%2Fgo`);
    expect(out.status).toBe(400);
  }, 60_000);
});
