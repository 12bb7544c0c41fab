/**
 * The program that runs inside the sandbox for the life of a runtime, as `node -e`: it starts
 * each of the agent's commands there, so that a command can leave a server running for the next
 * one (the sandbox's processes, network and `/tmp` last as long as it does), and a command costs a
 * process spawn rather than a new sandbox. It speaks JSON lines on stdio:
 *
 * - in: `{"op":"run","id","command","cwd","env"}`, `{"op":"kill","id"}`, `{"op":"release","id"}`;
 * - out: `{"ready":true}` once, then per command `{"id","out"}` (base64 output),
 *   `{"id","exit":[code,signal]}`, `{"id","error"}` and, last, `{"id","closed":true}`.
 *
 * It is plain JavaScript in a string: it runs from the command line, where the runtime's bundle
 * (in a directory the sandbox hides) cannot be read. It ends when its input ends, and the sandbox
 * ends with the runtime.
 */
export const EXEC_SERVER_SOURCE = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const children = new Map();
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const killGroup = (child) => {
  try { process.kill(-child.pid, 'SIGKILL'); } catch {}
};
createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  let message;
  try { message = JSON.parse(line); } catch { return; }
  const { id } = message;
  if (message.op === 'run') {
    let child;
    try {
      child = spawn('bash', ['-c', message.command], {
        cwd: message.cwd,
        env: { ...process.env, TMPDIR: '/tmp', ...message.env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      send({ id, error: String(err && err.message) });
      send({ id, closed: true });
      return;
    }
    children.set(id, child);
    const out = (chunk) => send({ id, out: chunk.toString('base64') });
    child.stdout.on('data', out);
    child.stderr.on('data', out);
    child.once('error', (err) => send({ id, error: err.message }));
    child.once('exit', (code, signal) => send({ id, exit: [code, signal] }));
    child.once('close', () => {
      children.delete(id);
      send({ id, closed: true });
    });
  } else if (message.op === 'kill') {
    const child = children.get(id);
    if (child) killGroup(child);
  } else if (message.op === 'release') {
    const child = children.get(id);
    if (child) {
      child.stdout.destroy();
      child.stderr.destroy();
    }
  }
});
process.stdin.once('end', () => {
  for (const child of children.values()) killGroup(child);
  process.exit(0);
});
send({ ready: true });
`;
