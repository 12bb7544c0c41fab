import { posix } from 'node:path';

/**
 * Rewrites the relative links of a Markdown page to absolute addresses under `baseUrl`, so that
 * the page reads correctly where it is shown apart from the repository (a package registry's
 * page). `pagePath` is the page's path from the repository root, `baseUrl` the address of the
 * repository root at the published revision (for example `https://host/org/repo/blob/v1.2.0`).
 * Links with a scheme, and in-page anchors, stay as they are; code is left untouched.
 */
export function absoluteLinks(markdown: string, pagePath: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const pageDir = posix.dirname(pagePath);
  const rewrite = (text: string): string =>
    text.replace(/\]\(([^)\s]+)\)/g, (link, target: string) => {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return link;
      const resolved = posix.normalize(posix.join(pageDir, target));
      if (resolved.startsWith('..')) {
        throw new Error(`${pagePath} links outside the repository: ${target}`);
      }
      return `](${base}/${resolved})`;
    });
  // Fenced blocks and inline code keep their text: a "](x)" there is code, not a link.
  return markdown
    .split(/(^```[\s\S]*?^```$)/m)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .split(/(`[^`\n]*`)/)
            .map((bit, j) => (j % 2 === 1 ? bit : rewrite(bit)))
            .join(''),
    )
    .join('');
}
