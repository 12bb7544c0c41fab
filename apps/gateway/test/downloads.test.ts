import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// The gateway reads workspaces from the data directory it shares with the scheduler (local
// driver): `<dataDir>/workspaces/<namespace>/<name>`. Every way out of the workspace is refused
// with a 4xx, and the secret beside it never reaches the client.

const SECRET = 'TOP-SECRET-OUTSIDE-THE-WORKSPACE';
const MAX_BYTES = 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'komputer-downloads-'));
const workspace = join(dataDir, 'workspaces', 'default', 'worker');
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({
    KOMPUTER_DATA_DIR: dataDir,
    KOMPUTER_DOWNLOAD_MAX_BYTES: String(MAX_BYTES),
  });
  expect(
    (await call('POST', `${t.api}/agents`, { name: 'worker', instructions: 'write a report' }))
      .status,
  ).toBe(201);
  const uid = await t.redis.hget('komputer:default:agent:worker', 'uid');
  mkdirSync(join(workspace, '.komputer'), { recursive: true });
  writeFileSync(join(workspace, '.komputer', 'agent-uid'), uid ?? '');
  mkdirSync(join(workspace, 'nested', 'dir'), { recursive: true });
  writeFileSync(join(workspace, 'report.md'), '# Report\n');
  writeFileSync(join(workspace, 'nested', 'dir', 'data.csv'), 'a,b\n1,2\n');
  writeFileSync(join(workspace, 'résumé final.txt'), 'unicode');
  writeFileSync(join(workspace, 'empty.txt'), '');
  writeFileSync(join(workspace, 'big.bin'), Buffer.alloc(MAX_BYTES + 1));
  writeFileSync(join(dataDir, 'secret.txt'), SECRET);
  symlinkSync(join(dataDir, 'secret.txt'), join(workspace, 'leak'));
  symlinkSync(join('..', '..', '..', 'secret.txt'), join(workspace, 'leak-relative'));
  symlinkSync(dataDir, join(workspace, 'outdir'));
  symlinkSync('report.md', join(workspace, 'inner-link'));
  symlinkSync('loop-b', join(workspace, 'loop-a'));
  symlinkSync('loop-a', join(workspace, 'loop-b'));
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends `path` as it is written: fetch and URL would resolve `..` segments before the request
 * leaves, and the point is what the gateway does with them.
 */
function raw(path: string): Promise<Raw> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const download = (rest: string) => raw(`/api/v1/agents/worker/download/${rest}`);

describe('a file in the workspace', () => {
  it('is answered as an attachment', async () => {
    const res = await download('report.md');
    expect(res.status).toBe(200);
    expect(res.body).toBe('# Report\n');
    expect(res.headers['content-disposition']).toBe('attachment; filename=report.md');
    expect(res.headers['content-length']).toBe('9');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is found under nested directories, and through a link that stays inside', async () => {
    expect((await download('nested/dir/data.csv')).body).toBe('a,b\n1,2\n');
    expect((await download('nested%2Fdir%2Fdata.csv')).body).toBe('a,b\n1,2\n');
    const linked = await download('inner-link');
    expect({ status: linked.status, body: linked.body }).toEqual({
      status: 200,
      body: '# Report\n',
    });
  });

  it('keeps a name that is not ASCII, and serves an empty file', async () => {
    const res = await download(encodeURIComponent('résumé final.txt'));
    expect(res.status).toBe(200);
    expect(res.body).toBe('unicode');
    expect(res.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('résumé final.txt')}`,
    );
    const empty = await download('empty.txt');
    expect({ status: empty.status, body: empty.body }).toEqual({ status: 200, body: '' });
  });
});

describe('what is refused', () => {
  const refusals: [string, string, number, string][] = [
    ['dot-dot segments', '../../../secret.txt', 400, 'INVALID_PATH'],
    ['dot-dot inside the path', 'nested/../../../../secret.txt', 400, 'INVALID_PATH'],
    ['encoded slashes around dot-dot', '..%2F..%2F..%2Fsecret.txt', 400, 'INVALID_PATH'],
    ['encoded dots', '%2e%2e/%2e%2e/%2e%2e/secret.txt', 400, 'INVALID_PATH'],
    ['encoded backslashes', '..%5C..%5C..%5Csecret.txt', 400, 'INVALID_PATH'],
    ['an absolute path', encodeURIComponent(join(dataDir, 'secret.txt')), 400, 'INVALID_PATH'],
    [
      'an absolute path after a double slash',
      `/${join(dataDir, 'secret.txt')}`,
      400,
      'INVALID_PATH',
    ],
    ['a NUL byte', 'report.md%00.txt', 400, 'INVALID_PATH'],
    ['a link to a file outside', 'leak', 403, 'PATH_OUTSIDE_WORKSPACE'],
    ['a relative link out', 'leak-relative', 403, 'PATH_OUTSIDE_WORKSPACE'],
    [
      'a file under a link to a directory outside',
      'outdir/secret.txt',
      403,
      'PATH_OUTSIDE_WORKSPACE',
    ],
    ['a loop of links', 'loop-a', 403, 'PATH_OUTSIDE_WORKSPACE'],
    ['a directory', 'nested', 400, 'NOT_A_FILE'],
    ['a file too large', 'big.bin', 413, 'FILE_TOO_LARGE'],
    ['a file that does not exist', 'missing.txt', 404, 'FILE_NOT_FOUND'],
    [
      'a double-encoded dot-dot (a name, not a way up)',
      '%252e%252e/secret.txt',
      404,
      'FILE_NOT_FOUND',
    ],
    ['malformed percent-encoding', '%zz', 400, 'VALIDATION_FAILED'],
  ];

  it.each(refusals)('%s', async (_what, rest, status, code) => {
    const res = await download(rest);
    expect(res.body).not.toContain(SECRET);
    expect({ status: res.status, code: JSON.parse(res.body).code }).toEqual({ status, code });
    expect(JSON.parse(res.body).error).toEqual(expect.any(String));
  });

  it('answers 404 for an agent that does not exist', async () => {
    const res = await raw('/api/v1/agents/nobody/download/report.md');
    expect({ status: res.status, code: JSON.parse(res.body).code }).toEqual({
      status: 404,
      code: 'AGENT_NOT_FOUND',
    });
  });

  it('never serves a workspace left by a deleted agent of the same name', async () => {
    const stale = join(dataDir, 'workspaces', 'default', 'reborn');
    mkdirSync(join(stale, '.komputer'), { recursive: true });
    writeFileSync(join(stale, '.komputer', 'agent-uid'), 'the-deleted-agent');
    writeFileSync(join(stale, 'old.txt'), 'old');
    expect(
      (await call('POST', `${t.api}/agents`, { name: 'reborn', instructions: 'start over' }))
        .status,
    ).toBe(201);
    const res = await raw('/api/v1/agents/reborn/download/old.txt');
    expect({ status: res.status, code: JSON.parse(res.body).code }).toEqual({
      status: 404,
      code: 'FILE_NOT_FOUND',
    });
  });
});
