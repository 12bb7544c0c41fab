import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { text } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

// `npm pack` builds @komputer/sdk (its prepack script), and the tarball is installed into an
// empty project outside the workspace, where an ES module, a CommonJS script and a type check
// use it as a published package.

const root = join(__dirname, '..', '..', '..');
const typescript = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

let e2e: E2eStack;
let project: string;

/** The environment of a child process, without what npm passes to the scripts it runs. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
  return { ...env, ...extra };
}

/**
 * Runs a command and resolves with its output. Asynchronously: the stack it talks to runs in
 * this process.
 */
async function run(command: string, args: string[], cwd: string, env = cleanEnv()) {
  const { stdout } = await promisify(execFile)(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return stdout;
}

beforeAll(async () => {
  e2e = await startE2eStack();
  project = mkdtempSync(join(tmpdir(), 'komputer-sdk-pack-'));
  const [packed] = JSON.parse(
    await run('npm', ['pack', '--json', '--pack-destination', project], join(root, 'libs', 'sdk')),
  ) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error('npm pack made no tarball');
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'sdk-pack-check', version: '1.0.0', private: true }),
  );
  await run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', join(project, packed.filename)],
    project,
  );
}, 180_000);

afterAll(async () => {
  await e2e?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Runs `script` (named `file`) in the project against the stack and parses what it prints. */
async function runScript(file: string, script: string): Promise<unknown> {
  writeFileSync(join(project, file), script);
  const env = cleanEnv({ KOMPUTER_BASE_URL: e2e.stack.url });
  return JSON.parse(await run(process.execPath, [file], project, env));
}

const check = (importLine: string) => `${importLine}
const client = new Komputer();
const result = await client.run({ name: 'packed', instructions: 'Say hi' });
const missing = await client.agents.get('no-such-agent').catch((error) => error);
console.log(JSON.stringify({
  text: result.text,
  turns: result.turns,
  costPositive: result.costUSD > 0,
  agents: (await client.agents.list()).map((agent) => agent.name),
  notFound: missing instanceof NotFoundError && missing instanceof APIError,
  code: missing.code,
}));
`;

describe('the packed @komputer/sdk', () => {
  afterEach(() => expect(e2e.model.remainingTurns).toBe(0));

  it('works as an ES module', async () => {
    e2e.model.script({ content: [text('Hi from ESM.')] });
    const script = check("import { APIError, Komputer, NotFoundError } from '@komputer/sdk';");
    expect(await runScript('check.mjs', script)).toEqual({
      text: 'Hi from ESM.',
      turns: 1,
      costPositive: true,
      agents: ['packed'],
      notFound: true,
      code: 'AGENT_NOT_FOUND',
    });
  });

  it('works from CommonJS', async () => {
    e2e.model.script({ content: [text('Hi from CommonJS.')] });
    const body = check("const { APIError, Komputer, NotFoundError } = require('@komputer/sdk');");
    const script = `(async () => {\n${body}})().catch((error) => {\n  console.error(error);\n  process.exit(1);\n});\n`;
    expect(await runScript('check.cjs', script)).toEqual({
      text: 'Hi from CommonJS.',
      turns: 1,
      costPositive: true,
      agents: ['packed'],
      notFound: true,
      code: 'AGENT_NOT_FOUND',
    });
  });

  it('type-checks from ES modules and CommonJS under Node.js module resolution', async () => {
    const usage = `
const client = new Komputer({ baseURL: 'http://localhost:8080', maxRetries: 1 });
export async function use(): Promise<string> {
  const agent: Agent = await client.agents.get('a');
  for await (const event of client.agents.watch(agent.name)) {
    if (event.type === 'task_completed') return event.payload.result;
  }
  const result: RunResult = await client.run({ name: 'a', instructions: 'b' });
  return result.text;
}
`;
    writeFileSync(
      join(project, 'use.mts'),
      `import { Komputer } from '@komputer/sdk';\nimport type { Agent, RunResult } from '@komputer/sdk';\n${usage}`,
    );
    writeFileSync(
      join(project, 'use.cts'),
      `import { Komputer } from '@komputer/sdk';\nimport type { Agent, RunResult } from '@komputer/sdk';\n${usage}`,
    );
    // A browser-style project: no Node.js types, the DOM's fetch types, nothing skipped.
    const compilerOptions = {
      noEmit: true,
      strict: true,
      module: 'nodenext',
      target: 'es2022',
      lib: ['es2023', 'dom', 'dom.iterable'],
      types: [],
    };
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, files: ['use.mts', 'use.cts'] }),
    );
    expect(await run(process.execPath, [typescript, '-p', project], project)).toBe('');
  });
});
