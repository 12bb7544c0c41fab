import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';

/**
 * Formats Markdown as `prettier --check .` expects the file at `path` to be. Prettier runs in a
 * process of its own: its API loads its plugins with dynamic imports, which jest's module
 * sandbox does not allow.
 */
export function formatMarkdown(text: string, path: string): string {
  const prettier = join(dirname(require.resolve('prettier/package.json')), 'bin', 'prettier.cjs');
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', path], {
    input: text,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

/**
 * Replaces what lies between `<!-- begin:<name> -->` and `<!-- end:<name> -->` in a file's text;
 * the markers stay, so the next run finds them again.
 */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const begin = `<!-- begin:${name} -->`;
  const end = `<!-- end:${name} -->`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`the markers ${begin} and ${end} are missing`);
  return `${text.slice(0, start + begin.length)}\n\n${content.trim()}\n\n${text.slice(stop)}`;
}
