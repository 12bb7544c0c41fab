import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

/** The built binary, as `npm link` or `npx komputer` runs it. */
const cli = join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'main.js');

let e2e: E2eStack;
let model: ScriptedAnthropic;
let home: string;

beforeAll(async () => {
  e2e = await startE2eStack();
  model = e2e.model;
  home = mkdtempSync(join(tmpdir(), 'komputer-cli-home-'));
});
afterAll(async () => {
  await e2e?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});
afterEach(() => expect(model.remainingTurns).toBe(0));

/** A running `komputer` process and what it has written so far. */
interface Komputer {
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit status. */
  exited: Promise<number | null>;
  /** Resolves once stdout holds `text`; rejects if the process ends first or after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts the built binary with a clean environment: a home of its own (so no config file of
 * the machine's user applies), no terminal, and `--api` for the stack unless `api` is null.
 */
function komputer(args: string[], options: { api?: string | null; env?: object } = {}): Komputer {
  const api = options.api === undefined ? e2e.api : options.api;
  const child = spawn(process.execPath, [cli, ...args, ...(api === null ? [] : ['--api', api])], {
    env: { PATH: process.env['PATH'], HOME: home, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    listeners.forEach((l) => l());
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill: (signal) => child.kill(signal),
    waitFor(wanted, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!stdout.includes(wanted)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no "${wanted}" within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => {
          if (!listeners.has(check)) return;
          done();
          if (stdout.includes(wanted)) resolve();
          else reject(new Error(`exited without "${wanted}":\n${stdout}\n${stderr}`));
        });
        check();
      });
    },
  };
}

/** Runs `komputer` to the end. */
async function komputerDone(args: string[], options?: Parameters<typeof komputer>[1]) {
  const process = komputer(args, options);
  const code = await process.exited;
  return { code, stdout: process.stdout(), stderr: process.stderr() };
}

/** A model turn that waits until `release()`, so a test can act while the task runs. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

describe('komputer run', () => {
  it('streams the task: the tool call, its result, the text, and the cost; exit 0', async () => {
    model.script(
      { content: [text('Listing.'), toolUse('Bash', { command: 'echo from-the-tool' })] },
      { content: [text('All listed.')] },
    );
    const { code, stdout, stderr } = await komputerDone(['run', 'runner', 'List the files']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^▶ task [0-9a-f]{8} started · claude-sonnet-4-6$/),
      'Listing.',
      '→ Bash echo from-the-tool',
      '  │ from-the-tool',
      'All listed.',
      expect.stringMatching(/^✓ completed · 2 turns · \$\d+\.\d{4} · \d/),
    ]);
    // Not a terminal: no colours, no spinner.
    expect(stdout).not.toContain('\x1b');
  });

  it('writes one JSON line per event with --json, and the lists parse as JSON', async () => {
    model.script({ content: [text('Hello in JSON.')] });
    const run = await komputerDone(['run', 'jsonic', 'Say hello', '--json']);
    expect(run.code).toBe(0);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
    expect(events.at(-1).payload).toMatchObject({ result: 'Hello in JSON.', turns: 1 });

    const ls = await komputerDone(['ls', '--json']);
    expect(ls.code).toBe(0);
    const agents = JSON.parse(ls.stdout) as { name: string; taskStatus: string }[];
    expect(agents).toContainEqual(
      expect.objectContaining({ name: 'jsonic', taskStatus: 'Complete' }),
    );
    const get = await komputerDone(['get', 'jsonic', '--json']);
    expect(JSON.parse(get.stdout)).toMatchObject({
      name: 'jsonic',
      lastTaskMessage: 'Hello in JSON.',
    });
    const logs = await komputerDone(['logs', 'jsonic', '--json']);
    expect(
      logs.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(events.map((e) => e.id));
    const human = await komputerDone(['ls']);
    expect(human.stdout).toMatch(/^NAME +STATUS +TASK +MODEL +COST +AGE\n/);
    expect(human.stdout).toMatch(/\njsonic +\w+ +Complete +claude-sonnet-4-6 +\$0\.\d+ +\d+s\n/);
  });

  it('exits 1 when the task fails, showing why', async () => {
    model.script({ content: [toolUse('Bash', { command: 'true' })] });
    const { code, stdout } = await komputerDone([
      'run',
      'limited',
      'Keep going',
      '--max-turns',
      '1',
    ]);
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/^✗ failed · .*limit of 1 turn/);
  });

  it('exits 5 when the task is cancelled, which `komputer cancel` does', async () => {
    model.script({ content: [toolUse('Bash', { command: 'sleep 60' })] });
    const run = komputer(['run', 'sleeper', 'Sleep a minute']);
    await run.waitFor('→ Bash sleep 60');
    const cancel = await komputerDone(['cancel', 'sleeper']);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/^Cancelling task \S+ of sleeper; it stops within seconds\.\n$/);
    expect(await run.exited).toBe(5);
    expect(run.stdout()).toMatch(/■ cancelled · .+\n$/);
  });

  it('compacts a running task with `komputer compact`, which the running `run` shows', async () => {
    const turn = gate();
    model.script(
      async () => {
        await turn.opened;
        return { content: [text('Read it all.')] };
      },
      { content: [text('I read the whole book.')] },
    );
    const requests = model.requestCount;
    const run = komputer(['run', 'reader', 'Read the book']);
    await model.waitForRequests(requests + 1, 15_000);
    const compact = await komputerDone(['compact', 'reader', '--instructions', 'Keep the title.']);
    expect(compact.code).toBe(0);
    expect(compact.stdout).toMatch(
      /^Task \S+ of reader compacts its conversation at its next turn\.\n$/,
    );
    turn.release();
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toMatch(
      /⋯ the conversation was summarised \(manual\) · [\d,]+ → \d+ tokens/,
    );
    expect(JSON.stringify(model.requests.at(-1)?.body.messages)).toContain('Keep the title.');

    const idle = await komputerDone(['compact', 'reader']);
    expect(idle.code).toBe(3);
    expect(idle.stderr).toMatch(/\(HTTP 409, NO_ACTIVE_TASK, request id /);
  });

  it('steers a busy agent, which the running `run` shows; --no-steer refuses it, exit 3', async () => {
    const turn = gate();
    model.script(
      async () => {
        await turn.opened;
        return { content: [text('Counting.')] };
      },
      { content: [text('There are three.')] },
    );
    const requests = model.requestCount;
    const run = komputer(['run', 'steered', 'List the files']);
    await model.waitForRequests(requests + 1, 15_000);
    const refused = await komputerDone(['run', 'steered', 'Not now', '--no-steer', '-d']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/\(HTTP 409, AGENT_BUSY, request id /);
    const steer = await komputerDone(['run', 'steered', 'Also count them', '-d']);
    expect(steer.code).toBe(0);
    const taskId = steer.stdout.trim();
    expect(steer.stderr).toBe(`steered is busy: its task ${taskId} takes this as steer 1.\n`);
    turn.release();
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('» Also count them');
    expect(run.stdout()).toContain('There are three.');
  });

  it('stops following at Ctrl-C; the task goes on, and `logs -f` exits 5 when it is cancelled', async () => {
    model.script({ content: [toolUse('Bash', { command: 'sleep 60' })] });
    const run = komputer(['run', 'napper', 'Sleep a minute']);
    await run.waitFor('→ Bash sleep 60');
    run.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toBe(
      'Stopped following; the task goes on. Follow it with `komputer logs napper -f`, stop it with `komputer cancel napper`.\n',
    );
    const logs = komputer(['logs', 'napper', '-f']);
    await logs.waitFor('→ Bash sleep 60');
    expect((await komputerDone(['cancel', 'napper'])).code).toBe(0);
    expect(await logs.exited).toBe(5);
    expect(logs.stdout()).toMatch(/■ cancelled · .+\n$/);
  });
});

describe('what the model writes, as it writes it', () => {
  it('`run` shows the text before the model has finished it, and once', async () => {
    const sentence = 'Streaming this answer a few characters at a time.';
    model.script({ content: [text(sentence)], chunkSize: 6, delayMs: 300 });
    const run = komputer(['run', 'streamer', 'Say something slowly']);
    await run.waitFor(sentence.slice(0, 6), 15_000);
    // The first piece is on screen while the model is still writing the rest.
    expect(run.stdout()).not.toContain(sentence);
    expect(await run.exited).toBe(0);
    const lines = run.stdout().trimEnd().split('\n');
    expect(lines.slice(1, -1)).toEqual([sentence]);
    expect(run.stdout().split(sentence)).toHaveLength(2);
  });
});

describe('komputer download, cost and connector templates', () => {
  it('downloads what the agent wrote, and nothing outside its workspace', async () => {
    model.script(
      {
        content: [
          toolUse('Bash', {
            command: 'mkdir -p out && printf "made by the agent" > out/report.txt',
          }),
        ],
      },
      { content: [text('Written.')] },
    );
    // Through the API: this test is about the download, and each CLI process takes a while.
    const task = await e2e.call('POST', '/agents', { name: 'author', instructions: 'Write it' });
    expect((await e2e.eventsOf('author', task.body.taskId)).at(-1)?.type).toBe('task_completed');

    const target = join(home, 'report-copy.txt');
    const download = await komputerDone(['download', 'author', 'out/report.txt', '-o', target]);
    expect(download).toMatchObject({ code: 0, stderr: `Saved ${target} (17 bytes).\n` });
    expect(readFileSync(target, 'utf8')).toBe('made by the agent');
    const again = await komputerDone(['download', 'author', 'out/report.txt', '-o', target]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists');
    const outside = await komputerDone(['download', 'author', '../../secret.key', '-o', '-']);
    expect({ code: outside.code, stdout: outside.stdout }).toEqual({ code: 3, stdout: '' });
    expect(outside.stderr).toMatch(/HTTP 400, INVALID_PATH/);
    const piped = await komputerDone(['download', 'author', 'out/report.txt', '-o', '-']);
    expect(piped).toMatchObject({ code: 0, stdout: 'made by the agent' });
    // Four processes of the CLI, each a Node.js start, as the other multi-command tests here.
  }, 30_000);

  it('shows what each task cost, as a table', async () => {
    model.script({ content: [text('Cheap.')] });
    expect((await komputerDone(['run', 'frugal', 'Answer briefly'])).code).toBe(0);
    const cost = await komputerDone(['cost', 'frugal']);
    expect(cost.code).toBe(0);
    const [header, row, total] = cost.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^# +STARTED +OUTCOME +COST +TIME +TURNS +TOKENS +STEERS +INSTRUCTIONS$/,
    );
    expect(row).toMatch(
      /^1 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +completed +\$\d+\.\d{4} +\S+ +1 +\d+ +- +Answer briefly$/,
    );
    expect(total).toMatch(/^1 task · \$\d+\.\d{4}$/);
  });

  it('lists the connector templates', async () => {
    const templates = await komputerDone(['connector', 'templates']);
    expect(templates.code).toBe(0);
    expect(templates.stdout).toMatch(/^SERVICE +NAME +AUTH +URL\n/);
    expect(templates.stdout).toMatch(
      /\ngithub +GitHub +token \(Personal access token\) +https:\/\/api\.githubcopilot\.com\/mcp\/\n/,
    );
  });
});

describe('komputer logs', () => {
  it('--limit past one page prints the latest events, oldest first, with no gap or repeat', async () => {
    // One turn of 150 commands: over 300 events, so 230 of them take two pages read backwards.
    model.script(
      { content: Array.from({ length: 150 }, (_, i) => toolUse('Bash', { command: `echo ${i}` })) },
      { content: [text('Echoed them all.')] },
    );
    const run = await komputerDone(['run', 'echoer', 'Echo', '--json']);
    expect(run.code).toBe(0);
    const idsOf = (stdout: string) =>
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id);
    const all = idsOf((await komputerDone(['logs', 'echoer', '--after', '0-0', '--json'])).stdout);
    expect(all.length).toBeGreaterThan(300);
    const latest = await komputerDone(['logs', 'echoer', '--limit', '230', '--json']);
    expect(latest.code).toBe(0);
    expect(idsOf(latest.stdout)).toEqual(all.slice(-230));
  });

  it('-f follows the running task live and returns when it ends', async () => {
    const turn = gate();
    model.script(
      async () => {
        await turn.opened;
        return { content: [toolUse('Bash', { command: 'echo followed' })] };
      },
      { content: [text('Done following.')] },
    );
    const requests = model.requestCount;
    const task = await e2e.call('POST', '/agents', { name: 'followed', instructions: 'Wait' });
    expect(task.status).toBe(201);
    await model.waitForRequests(requests + 1);
    const logs = komputer(['logs', 'followed', '-f']);
    await logs.waitFor('started');
    turn.release();
    expect(await logs.exited).toBe(0);
    const lines = logs.stdout().trimEnd().split('\n');
    // Each event starts with its time.
    expect(lines.every((line) => /^\d\d:\d\d:\d\d /.test(line))).toBe(true);
    expect(lines.map((line) => line.slice(9))).toEqual([
      expect.stringMatching(/^▶ task/),
      '→ Bash echo followed',
      '  │ followed',
      'Done following.',
      expect.stringMatching(/^✓ completed · 2 turns/),
    ]);
  });

  it('-f stops following at Ctrl-C, saying the task goes on', async () => {
    const turn = gate();
    model.script(async () => {
      await turn.opened;
      return { content: [text('Finished alone.')] };
    });
    const requests = model.requestCount;
    const task = await e2e.call('POST', '/agents', { name: 'unfollowed', instructions: 'Wait' });
    await model.waitForRequests(requests + 1);
    const logs = komputer(['logs', 'unfollowed', '--follow']);
    await logs.waitFor('started');
    logs.kill('SIGINT');
    expect(await logs.exited).toBe(130);
    expect(logs.stderr()).toContain('Stopped following; the task goes on.');
    turn.release();
    expect((await e2e.eventsOf('unfollowed', task.body.taskId)).at(-1)?.type).toBe(
      'task_completed',
    );
    // Afterwards, with nothing running, -f prints what there is and returns at once.
    const again = await komputerDone(['logs', 'unfollowed', '-f']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Finished alone.');
  });
});

describe('errors', () => {
  it('gives a one-line readable error when the API is unreachable, exit 4', async () => {
    const port = await findFreePort();
    const { code, stdout, stderr } = await komputerDone(['ls'], {
      api: `http://127.0.0.1:${port}`,
    });
    expect(code).toBe(4);
    expect(stdout).toBe('');
    const [first, hint, ...rest] = stderr.trimEnd().split('\n');
    expect(first).toBe(
      `komputer: cannot reach the API at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(hint).toMatch(/^Is it running\?/);
    expect(rest).toEqual([]);
  }, 30_000);

  it('carries the API’s message, code and request id, exit 3; as JSON with --json', async () => {
    const { code, stderr } = await komputerDone(['get', 'nobody']);
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /^komputer: .*nobody.*\n\(HTTP 404, AGENT_NOT_FOUND, request id [\w-]+\)\n$/,
    );
    const json = await komputerDone(['get', 'nobody', '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stderr)).toEqual({
      error: expect.stringContaining('nobody'),
      kind: 'api',
      status: 404,
      code: 'AGENT_NOT_FOUND',
      requestId: expect.any(String),
    });
  });

  it('refuses a bad command line with the usage, exit 2', async () => {
    const { code, stderr } = await komputerDone(['run', 'only-a-name']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'komputer: run: expected <name> <instructions>\nUsage: komputer run <name> <instructions> [options]\n',
    );
  });
});

describe('resources and settings', () => {
  it('creates, lists, shows and deletes secrets, connectors, memories and skills', async () => {
    const tokenFile = join(home, 'token.txt');
    writeFileSync(tokenFile, 'not-shown-anywhere');
    const steps: [string[], RegExp][] = [
      [
        ['secret', 'create', 'gh-auth', '--from-file', `token=${tokenFile}`],
        /^Saved secret gh-auth \(keys: token\)\.\n$/,
      ],
      [['secret', 'ls'], /\ngh-auth +token +- +\d+s\n$/],
      [
        [
          'connector',
          'create',
          'gh',
          '--url',
          'http://127.0.0.1:9/mcp',
          '--auth-type',
          'token',
          '--auth-secret',
          'gh-auth',
          '--auth-secret-key',
          'token',
        ],
        /^Saved connector gh\.\n$/,
      ],
      [['connector', 'get', 'gh'], /^name: +gh\n[\s\S]*secret: +gh-auth\/token\n/],
      [['memory', 'create', 'tone', '--content', 'Be brief.'], /^Saved memory tone\.\n$/],
      [['memory', 'update', 'tone', '--description', 'How to write'], /^Updated memory tone\.\n$/],
      [['memory', 'get', 'tone'], /description: How to write\n[\s\S]*content: +Be brief\.\n$/],
      [
        ['skill', 'create', 'notes', '--content', '# Notes', '--description', 'Take notes'],
        /^Saved skill notes\.\n$/,
      ],
      [['skills', 'list'], /\nnotes +Take notes +- +\d+s\n$/],
      [
        [
          'template',
          'create',
          'coder',
          '--model',
          'claude-opus-4-1',
          '--max-concurrent-agents',
          '2',
        ],
        /^Saved template coder\.\n$/,
      ],
      [
        ['template', 'update', 'coder', '--max-concurrent-agents', '3'],
        /^Updated template coder\.\n$/,
      ],
      [['template', 'get', 'coder'], /model: +claude-opus-4-1\n[\s\S]*max concurrent: +3\n/],
      [
        ['templates', 'ls'],
        /\ncoder +namespace +claude-opus-4-1 +3\b[\s\S]*\ndefault +cluster +claude-sonnet-4-6 +- /,
      ],
      [['template', 'rm', 'coder'], /^Deleted template coder\.\n$/],
      [['connector', 'rm', 'gh'], /^Deleted connector gh\.\n$/],
      [['secret', 'rm', 'gh-auth'], /^Deleted secret gh-auth\.\n$/],
      [['memory', 'rm', 'tone'], /^Deleted memory tone\.\n$/],
      [['skill', 'delete', 'notes'], /^Deleted skill notes\.\n$/],
    ];
    for (const [args, expected] of steps) {
      const { code, stdout, stderr } = await komputerDone(args);
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(stdout).toMatch(expected);
      expect(stdout).not.toContain('not-shown-anywhere');
    }
    const connectors = await komputerDone(['connector', 'ls', '--json']);
    expect(JSON.parse(connectors.stdout)).toEqual([]);
  }, 60_000);

  it('creates, shows, suspends, triggers and deletes a schedule', async () => {
    // The run that the trigger starts: it ends within this test, leaving no model call behind.
    model.script({ content: [text('Happy new year!')] });
    const steps: [string[], RegExp][] = [
      [
        [
          'schedule',
          'create',
          'yearly',
          '--cron',
          '0 9 1 1 *',
          '--timezone',
          'Europe/Paris',
          '--instructions',
          'Say happy new year',
          '--agent',
          'greeter',
          '--model',
          'claude-sonnet-4-6',
        ],
        /^Saved schedule yearly; next run \d{4}-01-01T08:00:00\.000Z\.\n$/,
      ],
      [
        ['schedules', 'ls'],
        /\nyearly +0 9 1 1 \* +Europe\/Paris +greeter +\d{4}-01-01T08:00:00\.000Z +- +0\n$/,
      ],
      [['schedule', 'update', 'yearly', '--suspend'], /^Updated schedule yearly\.\n$/],
      [['schedule', 'get', 'yearly'], /phase: +Suspended\n[\s\S]*agent: +greeter\n/],
      [
        ['schedule', 'trigger', 'yearly'],
        /^Triggered schedule yearly: task [0-9a-f-]{36} on agent greeter\.\n$/,
      ],
      [
        ['schedule', 'get', 'yearly'],
        /last run: +\S+ (Queued|InProgress|Complete|Error)\b[\s\S]*runs: +1 \(/,
      ],
      [['schedule', 'rm', 'yearly'], /^Deleted schedule yearly\.\n$/],
    ];
    let triggered: string | undefined;
    for (const [args, expected] of steps) {
      const { code, stdout, stderr } = await komputerDone(args);
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(stdout).toMatch(expected);
      triggered ??= /task ([0-9a-f-]{36}) on agent greeter/.exec(stdout)?.[1];
    }
    const runEnd = (await e2e.eventsOf('greeter', triggered ?? '')).at(-1);
    expect(runEnd).toMatchObject({
      type: 'task_completed',
      payload: { result: 'Happy new year!' },
    });
    const bad = await komputerDone([
      'schedule',
      'create',
      'nope',
      '--cron',
      '61 * * * *',
      '--instructions',
      'x',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('schedule');
    expect(bad.stderr).toContain('cron expression');
  }, 60_000);

  it('shows an office and its merged events, runs a squad through its life, and deletes the office', async () => {
    model.script({ content: [text('planned')] }, { content: [text('built')] });
    const boss = await e2e.call('POST', '/agents', { name: 'cli-boss', instructions: 'Plan' });
    await e2e.eventsOf('cli-boss', boss.body.taskId);
    const worker = await e2e.call('POST', '/agents', {
      name: 'cli-worker',
      instructions: 'Build',
      role: 'worker',
      officeManager: 'cli-boss',
    });
    // Its end, whole: a failure says why.
    const workerEnd = (await e2e.eventsOf('cli-worker', worker.body.taskId)).at(-1);
    expect({ type: workerEnd?.type, payload: workerEnd?.payload }).toEqual({
      type: 'task_completed',
      payload: expect.objectContaining({ result: 'built' }),
    });
    const steps: [string[], RegExp][] = [
      [['office', 'ls'], /\ncli-boss +Idle +2 +0 +\$\S+\n/],
      [
        ['office', 'get', 'cli-boss'],
        /agents: +2 \(0 active, 2 completed\)[\s\S]*cli-worker +worker +cli-boss +Complete/,
      ],
      [['office', 'logs', 'cli-boss'], /\[cli-boss\][\s\S]*\[cli-worker\]/],
      [
        [
          'squad',
          'create',
          'cli-pair',
          '--member',
          'cli-boss',
          '--member',
          'cli-worker',
          '--orphan-ttl',
          '10m',
        ],
        /^Created squad cli-pair; it shares cli-boss workspace\.\n$/,
      ],
      [
        ['squad', 'get', 'cli-pair'],
        /home: +cli-boss \(its workspace is shared\)[\s\S]*cli-worker +yes +Complete/,
      ],
      [
        ['squad', 'remove', 'cli-pair', 'cli-worker'],
        /^Removed cli-worker from squad cli-pair\.\n$/,
      ],
      [['squad', 'add', 'cli-pair', 'cli-worker'], /^Added cli-worker to squad cli-pair\.\n$/],
      [['squads', 'ls'], /\ncli-pair +Active +cli-boss +cli-boss, ?cli-worker\n/],
      [['squad', 'break-up', 'cli-pair'], /^Broke squad cli-pair up; .*\n$/],
      [['office', 'rm', 'cli-boss'], /^Deleted office cli-boss: 2 agents\.\n$/],
    ];
    for (const [args, expected] of steps) {
      const { code, stdout, stderr } = await komputerDone(args);
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(stdout).toMatch(expected);
    }
    const events = await komputerDone(['office', 'logs', 'cli-boss', '--json']);
    expect(events.code).not.toBe(0);
    expect(events.stderr).toContain('OFFICE_NOT_FOUND');
  }, 60_000);

  it('lists the calls that wait for approval, and denies one with `komputer approve --deny`', async () => {
    model.script(
      { content: [toolUse('Bash', { command: 'git push origin main' })] },
      {
        content: [text('Not pushed.')],
      },
    );
    const run = komputer(['run', 'cli-gated', 'Push it', '--approve-command', 'git push*']);
    await run.waitFor('? Bash waits for approval · ');
    const id = /waits for approval · (\S+)/.exec(run.stdout())?.[1] as string;
    const list = await komputerDone(['approvals', 'cli-gated']);
    expect(list.stdout).toMatch(/^ID +AGENT +TOOL +INPUT +EXPIRES\n/);
    expect(list.stdout).toContain(`${id}  cli-gated  Bash  git push origin main`);
    const deny = await komputerDone(['approve', 'cli-gated', id, '--deny', '--reason', 'frozen']);
    expect({ code: deny.code, stdout: deny.stdout }).toEqual({
      code: 0,
      stdout: `Denied Bash call ${id} of cli-gated.\n`,
    });
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('✗ denied · frozen');
    const again = await komputerDone(['approve', 'cli-gated', id]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('APPROVAL_CLOSED');
  });

  it('keeps the API and namespace in the config file, and flags win over it', async () => {
    const config = join(home, 'config', 'komputer.json');
    const env = { KOMPUTER_CONFIG: config };
    const set = await komputerDone(['config', 'set', 'api', `${e2e.api}/`], { api: null, env });
    expect(set.code).toBe(0);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      api: e2e.api.replace(/\/api\/v1$/, ''),
    });
    await komputerDone(['config', 'set', 'namespace', 'elsewhere'], { api: null, env });
    const empty = await komputerDone(['ls'], { api: null, env });
    expect(empty).toEqual({ code: 0, stdout: '', stderr: 'No agents in namespace elsewhere.\n' });
    const flagged = await komputerDone(['ls', '-n', 'default', '--json'], { api: null, env });
    expect(JSON.parse(flagged.stdout).length).toBeGreaterThan(0);
    const show = await komputerDone(['config', 'show', '--json'], { api: null, env });
    expect(JSON.parse(show.stdout)).toEqual({
      path: config,
      api: { value: e2e.api.replace(/\/api\/v1$/, ''), source: 'config' },
      namespace: { value: 'elsewhere', source: 'config' },
    });
  });

  it('answers --help on every command and --version', async () => {
    const version = await komputerDone(['--version'], { api: null });
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const help = await komputerDone(['logs', '--help'], { api: null });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: komputer logs <name> \[options\]\n/);
    expect(help.stdout).toContain('-f, --follow');
  });
});
