// A Bash tool call's round trip, sandboxed and not, in the same run: a real runtime process (the
// bundle) runs one task whose scripted model asks for `--calls` Bash calls of `true`; the time of
// each is from the runtime's `tool_call` to its `tool_result`, as the supervisor reads them on the
// runtime's stdout. The first sandboxed call also starts the sandbox: it is reported apart.
// Usage: npm run bench:tools -- [--calls 200]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL } from '@komputer/contracts';
import { startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import { percentile } from './lib/measure';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '200' } } });
const CALLS = Number(values.calls);
const TASK_TIMEOUT_MS = 120_000;

/** Runs the task in a runtime with the sandbox on or off; the round trips in ms, in order. */
async function roundTrips(sandbox: boolean, modelUrl: string): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'komputer-bench-tools-'));
  const workspace = join(dataDir, 'workspaces', 'default', 'bench');
  const child = spawn(
    process.execPath,
    [join(__dirname, '..', 'apps', 'agent-runtime', 'main.js')],
    {
      env: {
        PATH: process.env['PATH'],
        KOMPUTER_WORKSPACE: workspace,
        ANTHROPIC_API_KEY: 'bench',
        ANTHROPIC_BASE_URL: modelUrl,
        KOMPUTER_SANDBOX: String(sandbox),
        KOMPUTER_SANDBOX_HIDE: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const calledAt = new Map<string, number>();
  const samples: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the task did not end in time')),
        TASK_TIMEOUT_MS,
      );
      child.once('exit', () => reject(new Error('the runtime exited')));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const at = performance.now();
        const message = JSON.parse(line) as {
          type: string;
          seq?: number;
          event?: { type: string; taskId: string; payload: { id?: string; is_error?: boolean } };
        };
        if (message.type === 'ready' && calledAt.size === 0 && samples.length === 0) {
          child.stdin.write(
            `${JSON.stringify({
              type: 'task',
              taskId: 'bench',
              modelToken: 'bench',
              instructions: 'Run them.',
              agent: {
                name: 'bench',
                namespace: 'default',
                model: DEFAULT_MODEL,
                role: 'worker',
              },
              limits: { maxTurns: 10, maxBudgetUsd: 100, timeoutMs: TASK_TIMEOUT_MS },
            })}\n`,
          );
          return;
        }
        const { event } = message;
        if (message.type !== 'event' || !event) return;
        child.stdin.write(
          `${JSON.stringify({ type: 'ack', taskId: event.taskId, seq: message.seq })}\n`,
        );
        const id = event.payload.id ?? '';
        if (event.type === 'tool_call') calledAt.set(id, at);
        if (event.type === 'tool_result') {
          if (event.payload.is_error)
            reject(new Error(`call ${id} failed: ${JSON.stringify(event)}`));
          samples.push(at - (calledAt.get(id) ?? at));
        }
        if (event.type === 'task_completed') {
          clearTimeout(timer);
          resolve();
        }
        if (event.type === 'error') reject(new Error(JSON.stringify(event.payload)));
      });
    });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  return samples;
}

async function main(): Promise<void> {
  const model = await startScriptedAnthropic();
  const calls = Array.from({ length: CALLS }, (_, i) =>
    toolUse('Bash', { command: 'true' }, `call-${i}`),
  );
  try {
    const run = (sandbox: boolean) => {
      model.script({ content: calls }, { content: [text('Done.')] });
      return roundTrips(sandbox, model.url);
    };
    process.stderr.write('unsandboxed…\n');
    const host = await run(false);
    process.stderr.write('sandboxed…\n');
    const [first = 0, ...sandboxed] = await run(true);
    const row = (label: string, samples: number[]) =>
      `${label.padEnd(34)}${percentile(samples, 0.5).toFixed(2).padStart(9)}${percentile(samples, 0.99).toFixed(2).padStart(9)}\n`;
    const added = percentile(sandboxed, 0.5) - percentile(host, 0.5);
    process.stdout.write(
      `${CALLS} Bash calls of \`true\`, one after another, in one task\n\n` +
        `${'measure'.padEnd(34)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}\n` +
        row('unsandboxed (KOMPUTER_SANDBOX=off)', host) +
        row('sandboxed, after the first call', sandboxed) +
        `\nthe sandbox adds ${added.toFixed(2)} ms at p50 (target ≤ 15 ms); ` +
        `the first sandboxed call, which starts the sandbox, took ${first.toFixed(0)} ms\n`,
    );
  } finally {
    await model.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
