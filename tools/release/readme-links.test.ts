import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { absoluteLinks } from './readme-links';

const BASE = 'https://git.example/org/komputer/blob/v1.2.0';

it('makes every relative link of the SDK README absolute, and keeps the rest', () => {
  const page = 'libs/sdk/README.md';
  const source = readFileSync(join(__dirname, '..', '..', page), 'utf8');
  const out = absoluteLinks(source, page, BASE);
  const targets = [...out.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/\]\(([^)\s]+)\)/g)].map(
    (m) => m[1] ?? '',
  );
  expect(targets.length).toBeGreaterThan(0);
  expect(targets.filter((t) => !/^(https?:|#)/.test(t))).toEqual([]);
  expect(out).toContain(`](${BASE}/docs/sdk.md)`);
  expect(out).toContain(`](${BASE}/README.md)`);
  // Only links changed: the text around them is the same.
  expect(out.replace(/\]\([^)\s]+\)/g, '](…)')).toBe(source.replace(/\]\([^)\s]+\)/g, '](…)'));
});

it('resolves a link against the page’s folder and leaves code, anchors and addresses alone', () => {
  const page = 'libs/sdk/README.md';
  const md = [
    'See [a](../../docs/a.md#part), [b](./b.md), [c](#here) and [d](https://x.example/d).',
    'Inline `[e](e.md)` stays.',
    '```md',
    '[f](f.md)',
    '```',
  ].join('\n');
  expect(absoluteLinks(md, page, `${BASE}/`)).toBe(
    [
      `See [a](${BASE}/docs/a.md#part), [b](${BASE}/libs/sdk/b.md), [c](#here) and [d](https://x.example/d).`,
      'Inline `[e](e.md)` stays.',
      '```md',
      '[f](f.md)',
      '```',
    ].join('\n'),
  );
});

it('refuses a link that leaves the repository', () => {
  expect(() => absoluteLinks('[x](../../../etc)', 'libs/sdk/README.md', BASE)).toThrow(
    /outside the repository/,
  );
});
