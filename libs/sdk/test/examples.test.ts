import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

// Every TypeScript example of the SDK's guide, its README, the repository README and the
// @example of every public method is type-checked against the SDK's source.

const root = join(__dirname, '..', '..', '..');
const src = join(root, 'libs', 'sdk', 'src');

interface Example {
  where: string;
  code: string;
}

function markdownExamples(file: string): Example[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match, i) => ({
    where: `${file} #${i + 1}`,
    code: match[1] ?? '',
  }));
}

/** The SDK's own source files (not the generated types, whose examples are field values). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.name === 'generated'
      ? []
      : entry.isDirectory()
        ? sourceFiles(join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [join(dir, entry.name)]
          : [],
  );
}

function tsdocExamples(): Example[] {
  return sourceFiles(src).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/@example\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)].map((match, i) => ({
      where: `${relative(root, file)} @example #${i + 1}`,
      code: (match[1] ?? '').replace(/^\s*\* ?/gm, ''),
    }));
  });
}

/** An example as a module: its imports first, then what it uses without declaring. */
function asModule({ where, code }: Example): string {
  const lines = code.split('\n').filter((line) => !line.includes('require('));
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !line.startsWith('import '));
  const declares = (name: string) => new RegExp(`\\b(const|let) ${name}\\b`).test(code);
  const given = [
    declares('client') ? '' : 'declare const client: Komputer;',
    'declare const signal: AbortSignal;',
    'declare function render(event: AgentEvent): void;',
  ];
  const importsKomputer = imports.some((line) => /\bKomputer\b/.test(line));
  const preamble = [
    importsKomputer ? '' : "import { Komputer } from '@komputer/sdk';",
    "import type { AgentEvent } from '@komputer/sdk';",
  ];
  return [`// ${where}`, ...imports, ...preamble, ...given, ...body, 'export {};'].join('\n');
}

it('type-checks every example of the docs and the TSDoc', async () => {
  const tsdoc = tsdocExamples();
  const tags = sourceFiles(src).map(
    (file) => readFileSync(file, 'utf8').split('@example').length - 1,
  );
  expect(tsdoc).toHaveLength(tags.reduce((a, b) => a + b));
  const examples = [
    ...markdownExamples('docs/sdk.md'),
    ...markdownExamples('libs/sdk/README.md'),
    ...markdownExamples('README.md').filter((e) => e.code.includes('@komputer/sdk')),
    ...tsdoc,
  ];
  const dir = mkdtempSync(join(tmpdir(), 'komputer-sdk-examples-'));
  try {
    const files = examples.map((example, i) => {
      const file = `example-${i}.mts`;
      writeFileSync(join(dir, file), asModule(example));
      return file;
    });
    const compilerOptions = {
      noEmit: true,
      strict: true,
      target: 'es2023',
      module: 'preserve',
      moduleResolution: 'bundler',
      lib: ['es2024', 'dom', 'dom.iterable'],
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      skipLibCheck: true,
      paths: { '@komputer/sdk': [join(src, 'index.ts')] },
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', dir], {
      encoding: 'utf8',
      timeout: 120_000,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const explained = result.stdout.replace(/example-(\d+)\.mts/g, (_m, i: string) => {
      return examples[Number(i)]?.where ?? _m;
    });
    expect(explained).toBe('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
