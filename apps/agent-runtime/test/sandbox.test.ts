import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess, ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeMessageSchema } from '@komputer/contracts';
import { readJsonLines } from '@komputer/service-kit';
import { findFreePort, startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { MessageLog, taskMessage } from './harness';

// A prompt-injected agent's commands, chosen by the scripted model, run by a real runtime
// process: once with the sandbox switched off, where each one must reach what it reaches for (so
// that each check can fail), and once with it on, where none may.
const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'apps', 'agent-runtime', 'main.js');
const PLANTED = `planted-${Math.random().toString(36).slice(2)}`;
const GREETING = 'hello from the control plane';
/** This host's own address, where a service bound to every interface answers too. */
const hostAddress =
  Object.values(networkInterfaces())
    .flat()
    .find((i) => i?.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';

let server: ScriptedAnthropic;
let dataDir: string;
let listener: Server;
let port: number;
let victim: ChildProcess;

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs'], { cwd: root, stdio: 'pipe' });
  server = await startScriptedAnthropic();
  dataDir = await realpath(await mkdtemp(join(tmpdir(), 'komputer-sandbox-')));
  await mkdir(join(dataDir, 'workspaces', 'default', 'theirs'), { recursive: true });
  await writeFile(join(dataDir, 'workspaces', 'default', 'theirs', 'notes.txt'), 'their notes');
  await writeFile(join(dataDir, 'secret.key'), 'the master key');
  // A control-plane service, on every interface, as Redis and the gateway may listen.
  listener = createServer((socket) => socket.end(`${GREETING}\n`));
  await new Promise<void>((done) => listener.listen(0, '0.0.0.0', done));
  port = (listener.address() as { port: number }).port;
  // A process of the control plane whose environment holds something worth stealing.
  victim = spawn('sleep', ['600'], { env: { ...process.env, KOMPUTER_PLANTED: PLANTED } });
}, 60_000);

afterAll(async () => {
  victim.kill('SIGKILL');
  listener.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts a runtime for agent `name`; resolves once it is ready. */
async function startRuntime(name: string, sandbox: boolean) {
  const workspace = join(dataDir, 'workspaces', 'default', name);
  await mkdir(workspace, { recursive: true });
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bundle], {
    cwd: workspace,
    env: {
      PATH: process.env['PATH'],
      KOMPUTER_WORKSPACE: workspace,
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: server.url,
      KOMPUTER_SANDBOX: String(sandbox),
      KOMPUTER_SANDBOX_HIDE: `${dataDir}:${root}`,
    },
  });
  const log = new MessageLog((m) => child.stdin.write(`${JSON.stringify(m)}\n`));
  void readJsonLines(child.stdout, {
    schema: RuntimeMessageSchema,
    maxLineBytes: 16 * 1024 * 1024,
    onMessage: (message) => log.add(message),
    onInvalid: (reason) => log.addInvalid(reason),
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await log.waitFor((m) => m.type === 'ready', 'ready');
  return {
    workspace,
    /** Runs one task whose model runs `commands`, one Bash call each; their outputs by key. */
    async run(
      commands: Record<string, string>,
      allowedDomains?: string[],
      env: Record<string, string> = {},
    ): Promise<Record<string, string>> {
      server.script(
        {
          content: Object.entries(commands).map(([id, command]) =>
            toolUse('Bash', { command }, id),
          ),
        },
        { content: [text('Done.')] },
      );
      const task = { ...taskMessage(), env, ...(allowedDomains ? { allowedDomains } : {}) };
      child.stdin.write(`${JSON.stringify(task)}\n`);
      await log.waitFor(
        (m) =>
          m.type === 'event' && m.event.taskId === task.taskId && m.event.type === 'task_completed',
        'the task to complete',
        30_000,
      );
      return Object.fromEntries(
        log
          .events(task.taskId)
          .flatMap((e) => (e.type === 'tool_result' ? [[e.payload.id, e.payload.output]] : [])),
      );
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe.each([
  ['switched off', false],
  ['on', true],
])('with the sandbox %s', (_, sandbox) => {
  const reaches = !sandbox;
  let results: Record<string, string>;
  let workspace: string;
  const marker = `komputer-sandbox-${sandbox}`;

  beforeAll(async () => {
    const runtime = await startRuntime(`agent-${sandbox}`, sandbox);
    workspace = runtime.workspace;
    const serverPort = await findFreePort();
    try {
      // Each attack says when it has run, so that a command that could not run at all is no pass.
      const attacks = {
        key: `cat ${join(dataDir, 'secret.key')}`,
        theirs: 'cat ../theirs/notes.txt',
        project: `head -c 300 ${join(root, 'package.json')}`,
        environ: `cat /proc/${victim.pid}/environ | tr '\\0' '\\n' | grep KOMPUTER_PLANTED; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -e KOMPUTER_PLANTED -e sk-ant-test-key`,
        loopback: `timeout 5 bash -c 'cat < /dev/tcp/127.0.0.1/${port}'`,
        host: `timeout 5 bash -c 'cat < /dev/tcp/${hostAddress}/${port}'`,
        proxied: ['127.0.0.1', 'localhost', hostAddress]
          .map(
            (to) =>
              `curl -sS -m 5 --http0.9 \${HTTP_PROXY:+-x "$HTTP_PROXY"} http://${to}:${port}/ 2>&1`,
          )
          .join('; '),
        write: `echo x > ${join(dataDir, `written-${sandbox}`)}; echo x > /tmp/${marker}`,
      };
      results = await runtime.run(
        {
          ...Object.fromEntries(
            Object.entries(attacks).map(([id, command]) => [id, `${command}; echo "[ran]"`]),
          ),
          work: 'echo kept > result.txt && echo scratch > /tmp/scratch && cat /tmp/scratch && echo "$ATTACHED"',
          install:
            'npm init -y > /dev/null && npm install --no-audit --no-fund --loglevel=error is-number@7.0.0 2>&1 && node -p "require(\'is-number\')(5)"',
          test: `printf '%s\n' "const test = require('node:test');" "const assert = require('node:assert');" "test('five', () => assert.ok(require('is-number')(5)));" > five.test.js && node --test five.test.js 2>&1 | grep -E '^# (pass|fail)'`,
          serve: `nohup python3 -m http.server ${serverPort} --bind 127.0.0.1 > server.log 2>&1 &`,
          fetch: `for i in $(seq 50); do curl -sf http://127.0.0.1:${serverPort}/result.txt && break; sleep 0.1; done`,
        },
        undefined,
        // A secret attached to the agent on purpose reaches its commands.
        { ATTACHED: 'attached on purpose' },
      );
    } finally {
      await runtime.stop();
    }
  }, 60_000);

  afterAll(() => rm(`/tmp/${marker}`, { force: true }));

  it('runs every command', () => {
    for (const id of [
      'key',
      'theirs',
      'project',
      'environ',
      'loopback',
      'host',
      'proxied',
      'write',
    ]) {
      expect({ id, ran: results[id]?.includes('[ran]') }).toEqual({ id, ran: true });
    }
  });

  it(`${reaches ? 'reads' : 'cannot read'} the secret key file`, () => {
    expect(results['key']?.includes('the master key')).toBe(reaches);
  });

  it(`${reaches ? 'reads' : 'cannot read'} another agent’s workspace`, () => {
    expect(results['theirs']?.includes('their notes')).toBe(reaches);
  });

  it(`${reaches ? 'reads' : 'cannot read'} the project’s files`, () => {
    expect(results['project']?.includes('"name": "komputer"')).toBe(reaches);
  });

  it(`${reaches ? 'reads' : 'cannot read'} other processes’ environments`, () => {
    expect(results['environ']?.includes(PLANTED)).toBe(reaches);
    expect(results['environ']?.includes('sk-ant-test-key')).toBe(reaches);
  });

  it(`${reaches ? 'connects' : 'cannot connect'} to a service on loopback or this host’s address`, () => {
    expect(results['loopback']?.includes(GREETING)).toBe(reaches);
    expect(results['host']?.includes(GREETING)).toBe(reaches);
    expect(results['proxied']?.includes(GREETING)).toBe(reaches);
  });

  it(`${reaches ? 'writes' : 'cannot write'} outside its workspace`, async () => {
    expect(await exists(join(dataDir, `written-${sandbox}`))).toBe(reaches);
    expect(await exists(`/tmp/${marker}`)).toBe(reaches);
  });

  it('writes to its workspace and a tmp of its own, gets its attached secrets, and reaches its own server from its next command', async () => {
    expect(results['work']).toBe('scratch\nattached on purpose\n');
    expect(await readFile(join(workspace, 'result.txt'), 'utf8')).toBe('kept\n');
    expect(results['fetch']).toBe('kept\n');
  });

  it('installs a package into its workspace and runs a test suite there', () => {
    expect(results['install']).toMatch(/added 1 package[\s\S]*\ntrue\n$/);
    expect(results['test']).toBe('# pass 1\n# fail 0\n');
  });
});

describe('the network from the sandbox', () => {
  // The internet, as this machine reaches it: the npm registry, which installs need anyway.
  const fetchRegistry =
    'curl -sS -m 20 -o /dev/null -w "%{http_code}" https://registry.npmjs.org/komputer-does-not-exist 2>&1';

  it('reaches the internet by default, and only the listed hosts once the agent names some', async () => {
    const runtime = await startRuntime('networked', true);
    try {
      const open = await runtime.run({ fetch: fetchRegistry });
      expect(open['fetch']).toBe('404');
      const narrowed = await runtime.run({ fetch: fetchRegistry }, ['example.org']);
      expect(narrowed['fetch']).toMatch(/403|blocked/);
      const listed = await runtime.run({ fetch: fetchRegistry }, ['registry.npmjs.org']);
      expect(listed['fetch']).toBe('404');
    } finally {
      await runtime.stop();
    }
  }, 90_000);
});
