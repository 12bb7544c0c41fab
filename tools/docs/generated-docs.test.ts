import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { generatedDocs } from './generated-docs';
import type { GeneratedDoc } from './generated-docs';

const root = join(__dirname, '..', '..');
let docs: GeneratedDoc[];
beforeAll(() => {
  docs = generatedDocs(root);
});

it.each(['api-reference.md', 'operations.md'])(
  'docs/%s is what `npm run docs` writes (run it after changing the API or a config schema)',
  (name) => {
    const [doc] = docs.filter((d) => basename(d.path) === name);
    expect(readFileSync(join(root, 'docs', name), 'utf8')).toBe(doc?.text);
  },
);

it('the API reference has every operation of docs/openapi.json', () => {
  const document = JSON.parse(readFileSync(join(root, 'docs', 'openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const reference = readFileSync(join(root, 'docs', 'api-reference.md'), 'utf8');
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `\`${method.toUpperCase()} ${path}\``),
  );
  expect(operations.length).toBeGreaterThan(30);
  for (const operation of operations) expect(reference).toContain(`\n${operation}\n`);
});
