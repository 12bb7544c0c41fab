import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIConnectionError, APIError, APITimeoutError } from '@komputer/sdk';
import type { Entry } from './args';
import { parseCommandLine } from './args';
import type { CliIo } from './cli';
import { reportError, rootCause, runCli } from './cli';
import { COMMANDS } from './commands';
import type { Context } from './context';
import { UsageError } from './errors';
import { EXIT } from './exit-codes';
import { createStyle } from './terminal';

/** A stream that keeps what is written, as a pipe does. */
function sink() {
  const s = {
    text: '',
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'komputer-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const io: CliIo = {
    argv,
    env: { KOMPUTER_CONFIG: join(dir, 'config.json') },
    stdout,
    stderr,
    version: '9.9.9',
    onInterrupt: () => () => undefined,
  };
  const code = await runCli(io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('the command table', () => {
  const names = (entries: readonly { name: string; aliases?: readonly string[] }[]) =>
    entries.flatMap((e) => [e.name, ...(e.aliases ?? [])]);

  it('has no two commands under one name, and a help for every command', () => {
    const top = names(COMMANDS);
    expect(new Set(top).size).toBe(top.length);
    for (const entry of COMMANDS as readonly Entry<Context>[]) {
      const paths =
        'commands' in entry ? entry.commands.map((c) => [entry.name, c.name]) : [[entry.name]];
      if ('commands' in entry) {
        const sub = names(entry.commands);
        expect(new Set(sub).size).toBe(sub.length);
      }
      for (const path of paths) {
        const parsed = parseCommandLine([...path, '--help'], COMMANDS, '1');
        expect(parsed).toMatchObject({ kind: 'help', exitCode: 0 });
        expect((parsed as { text: string }).text).toContain(`Usage: komputer ${path.join(' ')}`);
      }
    }
  });
});

describe('runCli', () => {
  it('prints the version, and the help on stdout with --help but on stderr without a command', async () => {
    expect(await cli('--version')).toEqual({ code: 0, stdout: '9.9.9\n', stderr: '' });
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^komputer 9\.9\.9: /);
    const bare = await cli();
    expect(bare.code).toBe(EXIT.USAGE);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toBe(help.stdout);
  });

  it('reports a usage error with the usage line, as JSON with --json', async () => {
    expect(await cli('logs', 'a', '--limit', '0')).toEqual({
      code: EXIT.USAGE,
      stdout: '',
      stderr: 'komputer: --limit: "0" is not a whole number from 1 to 10000\n',
    });
    const json = await cli('get', '--json');
    expect(json.code).toBe(EXIT.USAGE);
    expect(JSON.parse(json.stderr)).toEqual({
      error: 'get: expected <name>',
      kind: 'usage',
      usage: 'komputer get <name> [options]',
    });
  });

  it('refuses a bad --api before calling anything', async () => {
    expect(await cli('ls', '--api', 'localhost:8080')).toEqual({
      code: EXIT.USAGE,
      stdout: '',
      stderr: 'komputer: --api: "localhost:8080" must be an http:// or https:// URL\n',
    });
  });

  it('lists with --label as repeated label=key=value, and refuses one that is not key=value', async () => {
    const asked: URL[] = [];
    const server = createServer((req, res) => {
      asked.push(new URL(req.url ?? '/', 'http://cli.test'));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ agents: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const listed = await cli('ls', '--label', 'team=core', '--label', 'tier=web', '--api', api);
      expect(listed.code).toBe(0);
      expect(asked.map((url) => url.searchParams.getAll('label'))).toEqual([
        ['team=core', 'tier=web'],
      ]);
      expect(await cli('ls', '--label', 'team', '--api', api)).toMatchObject({
        code: EXIT.USAGE,
        stderr: 'komputer: --label: "team" is not key=value\n',
      });
      expect(asked).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sets and reads a quota, reports usage and pages the audit trail', async () => {
    const asked: { method: string; url: URL; body: string }[] = [];
    const quota = {
      namespace: 'team-a',
      maxAgents: 5,
      monthlyBudgetUsd: 20,
      agents: 2,
      runningTasks: 1,
      month: '2026-12',
      spentUsd: 1.5,
    };
    const answers: Record<string, unknown> = {
      '/api/v1/namespaces/team-a/quota': quota,
      '/api/v1/usage': {
        namespace: 'team-a',
        from: '2026-12-01',
        to: '2026-12-03',
        costUsd: 1.5,
        tokens: 300,
        tasks: 2,
        agents: [{ name: 'ada', costUsd: 1.5, tokens: 300, tasks: 2 }],
      },
      '/api/v1/audit': {
        namespace: 'team-a',
        records: [
          {
            id: '1-0',
            at: '2026-12-01T00:00:00.000Z',
            actor: 'anonymous',
            operationId: 'createAgent',
            method: 'POST',
            path: '/api/v1/agents',
            status: 201,
            requestId: 'req-1',
          },
        ],
        next: '1-0',
      },
    };
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://cli.test');
        asked.push({ method: req.method ?? '', url, body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answers[url.pathname]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ns = ['-n', 'team-a', '--api', api];
      const set = await cli('quota', 'set', '--max-agents', '5', '--monthly-budget', '20', ...ns);
      expect(set.code).toBe(0);
      expect(set.stdout).toBe(
        [
          'namespace:        team-a',
          'agents:           2 (max 5)',
          'running tasks:    1 (max none)',
          'spent in 2026-12: $1.5000 (budget $20.0000)',
          '',
        ].join('\n'),
      );
      expect((await cli('quota', 'get', ...ns)).stdout).toBe(set.stdout);
      const usage = await cli('usage', '--from', '2026-12-01', ...ns);
      expect(usage.stdout).toContain('ada');
      expect(usage.stdout).toContain('(total)');
      const audit = await cli('audit', '--limit', '1', ...ns);
      expect(audit.stdout).toContain('createAgent');
      expect(audit.stderr).toContain('komputer audit --after 1-0');
      expect(asked.map((a) => `${a.method} ${a.url.pathname}${a.url.search}`)).toEqual([
        'PUT /api/v1/namespaces/team-a/quota',
        'GET /api/v1/namespaces/team-a/quota',
        'GET /api/v1/usage?from=2026-12-01&namespace=team-a',
        'GET /api/v1/audit?limit=1&namespace=team-a',
      ]);
      expect(JSON.parse(asked[0]?.body ?? '')).toEqual({ maxAgents: 5, monthlyBudgetUsd: 20 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sets, shows and unsets the config file’s settings', async () => {
    const path = join(dir, 'config.json');
    expect((await cli('config', 'set', 'api', 'http://k.example:8080/api/v1')).stdout).toBe(
      `Set api to http://k.example:8080 in ${path}.\n`,
    );
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ api: 'http://k.example:8080' });
    expect((await cli('config', 'show', '-n', 'ops')).stdout).toBe(
      [
        `config file: ${path}`,
        'api:         http://k.example:8080 (config)',
        'namespace:   ops (flag)',
        '',
      ].join('\n'),
    );
    expect((await cli('config', 'set', 'colour', 'blue')).stderr).toBe(
      'komputer: unknown setting "colour": one of api, namespace\n',
    );
    await cli('config', 'unset', 'api');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({});
  });
});

describe('reportError', () => {
  const report = () => {
    const stderr = sink();
    return { stderr, json: false, api: 'http://localhost:8080', style: createStyle(false) };
  };

  it('shows an API error’s message, then its status, code and request id', () => {
    const r = report();
    const body = {
      error: 'agent "a" is busy with task t1',
      code: 'AGENT_BUSY',
      type: 'conflict_error',
      requestId: 'req_1',
      retryable: false,
    };
    const err = APIError.from(409, body, new Headers());
    expect(reportError(err, r)).toBe(EXIT.API_ERROR);
    expect(r.stderr.text).toBe(
      'komputer: agent "a" is busy with task t1\n(HTTP 409, AGENT_BUSY, request id req_1)\n',
    );
  });

  it('says where the API was looked for when it cannot be reached, or did not answer', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), {
      code: 'ECONNREFUSED',
    });
    const err = new APIConnectionError('Connection error.', {
      cause: new TypeError('fetch failed', { cause: refused }),
    });
    const r = report();
    expect(reportError(err, r)).toBe(EXIT.UNREACHABLE);
    expect(r.stderr.text.split('\n')[0]).toBe(
      'komputer: cannot reach the API at http://localhost:8080: connect ECONNREFUSED 127.0.0.1:8080',
    );
    const slow = report();
    expect(reportError(new APITimeoutError(60_000), slow)).toBe(EXIT.UNREACHABLE);
    expect(slow.stderr.text.split('\n')[0]).toBe(
      'komputer: the API at http://localhost:8080 did not answer in time (Request timed out after 60000 ms.)',
    );
  });

  it('reports the unexpected as a bug, in one line', () => {
    const r = report();
    expect(reportError(new RangeError('oops'), r)).toBe(EXIT.INTERNAL);
    expect(r.stderr.text).toBe('komputer: unexpected error: oops\n');
    const usage = report();
    expect(reportError(new UsageError('bad', 'komputer x'), usage)).toBe(EXIT.USAGE);
  });

  it('finds the innermost cause, through an AggregateError of several addresses', () => {
    const first = Object.assign(new Error('connect ECONNREFUSED ::1:8080'), {
      code: 'ECONNREFUSED',
    });
    const aggregate = Object.assign(new AggregateError([first], ''), { code: 'ECONNREFUSED' });
    expect(rootCause(new TypeError('fetch failed', { cause: aggregate }))).toBe(
      'connect ECONNREFUSED ::1:8080',
    );
  });
});
