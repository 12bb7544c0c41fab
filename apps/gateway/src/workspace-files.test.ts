import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRelativePath, WorkspaceFiles } from './workspace-files';

const dataDir = mkdtempSync(join(tmpdir(), 'komputer-workspace-files-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const owner = { namespace: 'default', name: 'worker' };

it('answers 501 without a data directory, saying why', async () => {
  const files = new WorkspaceFiles({ dataDir: undefined, maxBytes: 10 });
  await expect(files.open(owner, 'report.md')).rejects.toMatchObject({
    status: 501,
    code: 'DOWNLOAD_UNAVAILABLE',
    message: expect.stringContaining('KOMPUTER_DATA_DIR'),
  });
});

it('refuses a FIFO as not a file, without waiting for a writer', async () => {
  const workspace = join(dataDir, 'workspaces', 'default', 'worker');
  mkdirSync(workspace, { recursive: true });
  execFileSync('mkfifo', [join(workspace, 'pipe')]);
  const files = new WorkspaceFiles({ dataDir, maxBytes: 10 });
  await expect(files.open(owner, 'pipe')).rejects.toMatchObject({
    status: 400,
    code: 'NOT_A_FILE',
  });
});

it('checks a path as text: relative, no "..", no NUL', () => {
  for (const bad of [
    '/etc/passwd',
    '\\share\\x',
    'C:/x',
    '../x',
    'a/../../x',
    'a\\..\\x',
    'a\0b',
  ]) {
    expect(() => checkRelativePath(bad)).toThrow(expect.objectContaining({ status: 400 }));
  }
  for (const good of ['a', 'a/b.txt', '..a', 'a..', '.hidden', 'a/./b']) {
    expect(() => checkRelativePath(good)).not.toThrow();
  }
});
