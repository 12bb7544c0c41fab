import { constants } from 'node:fs';
import { open, readFile, readlink, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '@komputer/service-kit';

/** Where the local runtime driver keeps an agent's uid in its workspace. */
const OWNER_FILE = join('.komputer', 'agent-uid');

/** The agent a file is read for. */
export interface WorkspaceOwner {
  namespace: string;
  name: string;
  /** The agent's uid: a workspace left by a deleted agent of the same name is not its. */
  uid?: string;
}

/** A file of a workspace, open for reading. */
export interface WorkspaceFile {
  handle: FileHandle;
  /** Its size when it was opened: no more than this is sent. */
  size: number;
  /** The name to download it as. */
  filename: string;
}

/** Options for {@link WorkspaceFiles}. */
export interface WorkspaceFilesOptions {
  /**
   * The data directory that the gateway shares with the scheduler (local driver): workspaces
   * live under `<dataDir>/workspaces/<namespace>/<name>`. Undefined: downloads are unavailable.
   */
  dataDir: string | undefined;
  /** Largest file served, in bytes. */
  maxBytes: number;
}

const invalid = (message: string) =>
  new AppError('INVALID_PATH', 400, `path: ${message}`, { retryable: false });
const outside = () =>
  new AppError('PATH_OUTSIDE_WORKSPACE', 403, 'path: leads outside the agent’s workspace', {
    retryable: false,
  });

/** Whether `path` is `root` or inside it; both are real paths. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Refuses what cannot name a file inside a directory, whatever is on disk: a NUL byte, an
 * absolute path (POSIX, or a drive or UNC path), and any `..` segment (either slash).
 */
export function checkRelativePath(path: string): void {
  if (path.includes('\0')) throw invalid('must not contain a NUL byte');
  if (isAbsolute(path) || /^[\\/]/.test(path) || /^[a-zA-Z]:/.test(path)) {
    throw invalid('must be relative to the workspace, not absolute');
  }
  if (path.split(/[\\/]/).includes('..')) throw invalid('must not contain ".." segments');
}

/**
 * What a file system error on a workspace path means for the caller: no 5xx for what the path
 * or the workspace's contents cause.
 */
function pathError(err: unknown, notFound: () => AppError): unknown {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return notFound();
    // A loop of links, or a last segment that became a link after it was resolved.
    case 'ELOOP':
    case 'EMLINK':
      return outside();
    case 'EACCES':
    case 'EPERM':
      return new AppError('FORBIDDEN', 403, 'path: the file cannot be read', { retryable: false });
    case 'ENAMETOOLONG':
      return invalid('is too long for the file system');
    default:
      return err;
  }
}

/**
 * Reads files from agents' workspaces, confined to them: the path is checked as text, then
 * resolved through every symbolic link, and the file that was opened is checked again (through
 * `/proc/self/fd`, where there is one), so that a link the agent swaps in between leads nowhere.
 */
export class WorkspaceFiles {
  constructor(private readonly options: WorkspaceFilesOptions) {}

  /** Opens the file at `path` in the agent's workspace; the caller closes it. */
  async open(owner: WorkspaceOwner, path: string): Promise<WorkspaceFile> {
    const { dataDir, maxBytes } = this.options;
    if (dataDir === undefined) {
      throw new AppError(
        'DOWNLOAD_UNAVAILABLE',
        501,
        'downloads are not available here: the gateway reads workspaces from the data directory it shares ' +
          'with the scheduler (KOMPUTER_DATA_DIR, local runtime driver), and none is set; with the ' +
          'kubernetes driver the workspaces are in the agents’ volumes, out of its reach',
        { retryable: false },
      );
    }
    checkRelativePath(path);
    const noFile = () =>
      new AppError('FILE_NOT_FOUND', 404, `${owner.name} has no file ${path}`, {
        retryable: false,
      });
    const root = await realpath(join(dataDir, 'workspaces', owner.namespace, owner.name)).catch(
      (err: unknown) => {
        throw pathError(err, noFile);
      },
    );
    const uid = await readFile(join(root, OWNER_FILE), 'utf8').catch(() => undefined);
    if (uid !== undefined && owner.uid !== undefined && uid.trim() !== owner.uid) throw noFile();
    const real = await realpath(resolve(root, path)).catch((err: unknown) => {
      throw pathError(err, noFile);
    });
    if (!isInside(root, real)) throw outside();
    // Non-blocking, so that a FIFO does not hold the open until someone writes to it.
    const handle = await open(
      real,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    ).catch((err: unknown) => {
      throw pathError(err, noFile);
    });
    try {
      const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
      if (opened !== undefined && !isInside(root, opened)) throw outside();
      const stat = await handle.stat();
      if (!stat.isFile()) {
        throw new AppError('NOT_A_FILE', 400, `path: ${path} is not a regular file`, {
          retryable: false,
        });
      }
      if (stat.size > maxBytes) {
        throw new AppError(
          'FILE_TOO_LARGE',
          413,
          `${path} is ${stat.size} bytes, over the ${maxBytes} that a download may be (KOMPUTER_DOWNLOAD_MAX_BYTES)`,
          { retryable: false },
        );
      }
      return { handle, size: stat.size, filename: basename(real) };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}
