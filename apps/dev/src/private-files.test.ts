import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@komputer/service-kit';
import { collectLogLines } from '@komputer/testing';
import { ensurePrivateDir, readOrCreatePrivateFile } from './private-files';

const modeOf = (path: string) => statSync(path).mode & 0o777;

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'komputer-private-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('ensurePrivateDir', () => {
  it('makes the directory and its parents 0700, whatever the umask', async () => {
    const previous = process.umask(0);
    try {
      const { destination } = collectLogLines(10);
      await ensurePrivateDir(join(tmp, 'a', 'b'), createLogger({ name: 't', destination }));
    } finally {
      process.umask(previous);
    }
    expect(modeOf(join(tmp, 'a', 'b'))).toBe(0o700);
  });

  it('tightens an existing directory that others could enter, and says so', async () => {
    const dir = join(tmp, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const { destination, lines } = collectLogLines(10);
    await ensurePrivateDir(dir, createLogger({ name: 't', destination }));
    expect(modeOf(dir)).toBe(0o700);
    expect(lines.join('\n')).toContain('the data directory was open to other users');
  });
});

describe('readOrCreatePrivateFile', () => {
  it('creates the file 0600, never wider, whatever the umask, and then reads it back', async () => {
    const file = join(tmp, 'secret');
    const previous = process.umask(0);
    try {
      expect(await readOrCreatePrivateFile(file, () => 'one')).toEqual({
        content: 'one',
        created: true,
        wasExposed: false,
      });
    } finally {
      process.umask(previous);
    }
    expect(modeOf(file)).toBe(0o600);
    expect(await readOrCreatePrivateFile(file, () => 'two')).toEqual({
      content: 'one',
      created: false,
      wasExposed: false,
    });
  });

  it('tightens a file that others could read and reports it as exposed', async () => {
    const file = join(tmp, 'secret');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    expect(await readOrCreatePrivateFile(file, () => 'new')).toEqual({
      content: 'old',
      created: false,
      wasExposed: true,
    });
    expect(modeOf(file)).toBe(0o600);
  });

  it('refuses a symbolic link and anything but a regular file', async () => {
    const target = join(tmp, 'elsewhere');
    writeFileSync(target, 'theirs\n', { mode: 0o644 });
    symlinkSync(target, join(tmp, 'link'));
    await expect(readOrCreatePrivateFile(join(tmp, 'link'), () => 'x')).rejects.toThrow(
      /is a symbolic link; refusing to use it/,
    );
    expect(modeOf(target)).toBe(0o644);
    expect(readFileSync(target, 'utf8')).toBe('theirs\n');
    mkdirSync(join(tmp, 'dir'));
    await expect(readOrCreatePrivateFile(join(tmp, 'dir'), () => 'x')).rejects.toThrow(
      /not a regular file/,
    );
  });
});
