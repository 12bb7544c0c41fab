import { constants } from 'node:fs';
import { chmod, mkdir, open, stat, writeFile } from 'node:fs/promises';
import type { Logger } from '@komputer/service-kit';

/** Permission bits that let the group or anyone else in. */
const SHARED_BITS = 0o077;

/** What {@link readOrCreatePrivateFile} found. */
export interface PrivateFile {
  /** The file's content, trimmed. */
  content: string;
  /** True when this call created the file. */
  created: boolean;
  /**
   * True when the file was readable by others before this call tightened it to 0600: whatever
   * it holds may have been read.
   */
  wasExposed: boolean;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/** The current user's id; undefined where the platform has none (ownership is not checked). */
function currentUid(): number | undefined {
  return process.getuid?.();
}

/**
 * Makes `dir` (and its missing parents) and leaves it mode 0700: it holds the launcher's keys,
 * its Redis's data and every agent's workspace. A directory that already exists with wider
 * permissions (as every earlier `npm start` left it) is tightened, with a warning, rather than
 * refused, so that an upgrade does not stop at the first start. One that belongs to another
 * user is refused: it cannot be tightened, and its owner could read everything put in it.
 */
export async function ensurePrivateDir(dir: string, logger: Logger): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a directory`);
  const uid = currentUid();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(
      `${dir} belongs to another user (uid ${info.uid}); set KOMPUTER_DATA_DIR to a directory of your own`,
    );
  }
  if ((info.mode & SHARED_BITS) === 0) return;
  await chmod(dir, 0o700);
  logger.warn(
    { dir, mode: octal(info.mode) },
    'the data directory was open to other users; it is now 0700',
  );
}

/**
 * Reads the secret in `file`, or creates the file with `create()` on first use. A new file is
 * created with mode 0600 and in one step ("wx"), so that it is never readable by others, not even
 * for a moment, and of two launchers starting at once one writes and both read the same value.
 *
 * An existing file that others may read is tightened to 0600 (through the handle it is read with,
 * so that it cannot be swapped in between) and reported as {@link PrivateFile.wasExposed}, for
 * the caller to decide what an exposed value means. A symbolic link, anything but a regular file,
 * or a file of another user is refused: each could lend the secret to someone else.
 */
export async function readOrCreatePrivateFile(
  file: string,
  create: () => string,
): Promise<PrivateFile> {
  const value = create();
  try {
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { content: value, created: true, wasExposed: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ELOOP') throw new Error(`${file} is a symbolic link; refusing to use it`);
      throw err;
    },
  );
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${file} is not a regular file`);
    const uid = currentUid();
    if (uid !== undefined && info.uid !== uid) {
      throw new Error(`${file} belongs to another user (uid ${info.uid}); refusing to use it`);
    }
    const wasExposed = (info.mode & SHARED_BITS) !== 0;
    if (wasExposed) await handle.chmod(0o600);
    const content = (await handle.readFile('utf8')).trim();
    return { content, created: false, wasExposed };
  } finally {
    await handle.close();
  }
}

/**
 * Replaces the content of `file`, an existing private file (see {@link readOrCreatePrivateFile}),
 * in place: the file keeps its mode 0600 throughout.
 */
export async function rewritePrivateFile(file: string, value: string): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${value}\n`);
  } finally {
    await handle.close();
  }
}
