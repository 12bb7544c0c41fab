import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/** How long a built app may take to start. */
export const START_TIMEOUT_MS = 30_000;

/** A built app running in its own process group, as a terminal runs a foreground command. */
export interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the bundle of `app` (`dist/apps/<app>/main.js`) with `env` over the test's own. */
export function launch(app: string, env: Record<string, string>): Launched {
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', app, 'main.js')], {
    cwd: root,
    env: { ...inherited, LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Resolves once the output holds `text`; rejects on exit or after the timeout. */
export function waitForOutput(
  app: Launched,
  text: string,
  timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!app.output().includes(text)) return;
      done();
      resolve();
    };
    const onExit = () => {
      done();
      reject(new Error(`exited before printing "${text}":\n${app.output()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no "${text}" after ${timeoutMs} ms:\n${app.output()}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      app.child.stdout?.off('data', check);
      app.child.off('exit', onExit);
    };
    app.child.stdout?.on('data', check);
    app.child.once('exit', onExit);
    check();
  });
}

/** Sends SIGINT to the whole process group, as Ctrl-C in a terminal does, and awaits the exit. */
export async function ctrlC(
  app: Launched,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  process.kill(-(app.child.pid as number), 'SIGINT');
  return app.exited;
}
