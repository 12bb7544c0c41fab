import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The programs the Linux sandbox needs, and the Debian package of each. */
const NEEDED = [
  { program: 'bwrap', pkg: 'bubblewrap' },
  { program: 'socat', pkg: 'socat' },
  { program: 'rg', pkg: 'ripgrep' },
];

/** The first executable called `program` on `path`, if any. */
function which(program: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * What stops the agent sandbox from starting on this host, with `path` as the runtimes' PATH:
 * a missing program, or user namespaces that bubblewrap cannot create. Empty when it can start.
 */
export function sandboxProblems(path: string): string[] {
  if (process.platform !== 'linux') {
    return [`the local sandbox runs on Linux; this host is ${process.platform}`];
  }
  const missing = NEEDED.filter(({ program }) => !which(program, path));
  if (missing.length > 0) {
    return missing.map(({ program, pkg }) => `${program} is not installed (package ${pkg})`);
  }
  const probe = spawnSync(
    which('bwrap', path) as string,
    ['--unshare-user', '--unshare-pid', '--dev-bind', '/', '/', 'true'],
    { timeout: 10_000, encoding: 'utf8' },
  );
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit code ${probe.status}`).trim();
    return [
      `bubblewrap cannot create a sandbox here (${why}); unprivileged user namespaces may be off`,
    ];
  }
  return [];
}
