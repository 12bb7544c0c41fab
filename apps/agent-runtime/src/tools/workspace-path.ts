import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ToolError } from './tool';

/** Whether `path` is `root` or below it (both real, absolute paths). */
function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path that `requested` (absolute, or relative to the workspace) names, after every
 * symbolic link is followed. A path that leads out of the workspace, by `..`, by an absolute
 * path or by a symbolic link, is a {@link ToolError}: file tools never touch anything outside.
 * A path that does not exist yet (for `Write`) is checked through its deepest existing parent.
 */
export async function resolveInWorkspace(workspace: string, requested: string): Promise<string> {
  const real = await realPathOf(resolve(workspace, requested));
  if (!isInside(workspace, real)) {
    throw new ToolError(`${requested}: outside the workspace (${workspace}); access denied`);
  }
  return real;
}

async function realPathOf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // realpath fails on a dangling symbolic link too. Its target is unknown ground (it may be
  // created outside the workspace by writing through the link), so it is refused outright.
  const link = await lstat(path).catch(() => undefined);
  if (link) throw new ToolError(`${path}: a symbolic link to a missing target`);
  const parent = dirname(path);
  if (parent === path) return path;
  return join(await realPathOf(parent), basename(path));
}

/** `path` relative to the workspace, for output the model can pass back to a file tool. */
export function workspaceRelative(workspace: string, path: string): string {
  return relative(workspace, path) || '.';
}
