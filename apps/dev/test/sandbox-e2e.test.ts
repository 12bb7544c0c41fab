import { writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentEvent } from '@komputer/contracts';
import { text, toolUse } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

// A prompt-injected agent on the whole stack of `npm start`: its Bash commands, chosen by the
// scripted model, go for the control plane. Each attack runs with the sandbox switched off, where
// it must succeed (so that the check can fail), and on, where it must not.
const root = join(__dirname, '..', '..', '..');
/** The model API key the stack is given: it must reach no place the agent can read. */
const PLANTED_KEY = `sk-ant-planted-${Math.random().toString(36).slice(2)}`;

describe.each([
  ['switched off', false],
  ['on', true],
])('an agent with the sandbox %s', (_, sandbox) => {
  const reaches = !sandbox;
  let e2e: E2eStack;
  let results: Record<string, string>;
  let started: AgentEvent | undefined;

  beforeAll(async () => {
    e2e = await startE2eStack({
      env: { KOMPUTER_SANDBOX: String(sandbox), ANTHROPIC_API_KEY: PLANTED_KEY },
    });
    const secretKey = e2e.env['KOMPUTER_SECRET_KEY'] as string;
    // Where `npm start` keeps the key it generates.
    writeFileSync(join(e2e.dataDir, 'secret.key'), `${secretKey}\n`, { mode: 0o600 });
    await mkdir(e2e.workspace('victim'), { recursive: true });
    await writeFile(join(e2e.workspace('victim'), 'notes.txt'), 'the victim’s notes');
    const redisPort = new URL(e2e.env['REDIS_URL'] as string).port;
    const gateway = new URL(e2e.stack.url);
    const attacks: Record<string, string> = {
      key: `cat ${join(e2e.dataDir, 'secret.key')}`,
      theirs: 'cat ../victim/notes.txt',
      project: `head -c 300 ${join(root, 'package.json')}`,
      environ: `cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c '^KOMPUTER_\\|^REDIS_URL'`,
      redis: `redis-cli -h 127.0.0.1 -p ${redisPort} --no-raw PING 2>&1`,
      gateway: `curl -sS -m 5 http://127.0.0.1:${gateway.port}/api/v1/agents 2>&1`,
      // Its environment, every process's environment and command line it can see, and its files.
      // The key is put together in the shell, so that no command line or transcript holds it.
      planted: [
        `KEY=$(printf '%s%s' '${PLANTED_KEY.slice(0, 12)}' '${PLANTED_KEY.slice(12)}')`,
        `{ env; cat /proc/*/environ /proc/*/cmdline; } 2>/dev/null | tr '\\0' '\\n' | grep -c -F -f <(echo "$KEY")`,
        `grep -rlsF -f <(echo "$KEY") "$HOME" . /tmp /etc /var/tmp 2>/dev/null | head -3`,
      ].join('; '),
    };
    e2e.model.script(
      {
        content: Object.entries(attacks).map(([id, command]) =>
          toolUse('Bash', { command: `${command}; echo "[ran]"` }, id),
        ),
      },
      { content: [text('Done.')] },
    );
    const created = await e2e.call('POST', '/agents', { name: 'intruder', instructions: 'Go.' });
    expect(created.status).toBe(201);
    const events = await e2e.eventsOf('intruder', created.body.taskId, 60_000);
    expect(events.at(-1)?.type).toBe('task_completed');
    started = events.find((e) => e.type === 'task_started');
    results = Object.fromEntries(
      events.flatMap((e) =>
        e.type === 'tool_result' ? [[e.payload.id as string, e.payload.output]] : [],
      ),
    );
    for (const id of Object.keys(attacks)) {
      expect({ id, ran: results[id]?.includes('[ran]') }).toEqual({ id, ran: true });
    }
  }, 90_000);

  afterAll(() => e2e?.close());

  it(`says on task_started whether the sandbox is on`, () => {
    expect(started?.payload).toMatchObject({ sandbox: sandbox ? 'on' : 'off' });
    expect('warning' in (started?.payload ?? {})).toBe(reaches);
  });

  it(`${reaches ? 'reads' : 'cannot read'} the secret key file`, () => {
    expect(results['key']?.includes(e2e.env['KOMPUTER_SECRET_KEY'] as string)).toBe(reaches);
  });

  it(`${reaches ? 'reads' : 'cannot read'} another agent’s workspace`, () => {
    expect(results['theirs']?.includes('the victim’s notes')).toBe(reaches);
  });

  it(`${reaches ? 'reads' : 'cannot read'} the project checkout`, () => {
    expect(results['project']?.includes('"name": "komputer"')).toBe(reaches);
  });

  it(`${reaches ? 'reads' : 'cannot read'} the control plane’s settings in other processes’ environments`, () => {
    const count = Number(results['environ']?.split('\n')[0]);
    expect(count > 0).toBe(reaches);
  });

  it(`${reaches ? 'talks' : 'cannot talk'} to the stack’s Redis`, () => {
    expect(results['redis']?.includes('PONG')).toBe(reaches);
  });

  it(`${reaches ? 'calls' : 'cannot call'} the gateway`, () => {
    expect(results['gateway']?.includes('"agents"')).toBe(reaches);
  });

  it('finds the model API key nowhere: not in its environment, in /proc or in its files', () => {
    // The runtime calls the model through the scheduler's proxy: the key never reaches it.
    expect(results['planted']?.replace('[ran]', '').trim()).toBe('0');
    expect(e2e.model.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${PLANTED_KEY}`);
  });

  it('tells /readyz whether the agents run sandboxed', async () => {
    const ready = await fetch(`${e2e.stack.url}/readyz`);
    const body = (await ready.json()) as { checks: Record<string, { message?: string }> };
    expect(body.checks['sandbox']?.message).toContain(
      sandbox ? 'run in the OS sandbox' : 'KOMPUTER_SANDBOX=off',
    );
  });
});
