// An app's image layout: exactly the files its Dockerfile copies into the image. Tests boot each
// app from its layout alone, so what they prove holds for the image.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

/** How one app's image is made, and what it may weigh. */
export interface ImageSpec {
  /** The bundles the image runs, by app: the app's own first. */
  bundles: readonly string[];
  /**
   * Packages the code loads by a name esbuild cannot see (a `createRequire` call): they go into
   * the layout beside the ones the bundles import.
   */
  dynamicRequires: readonly string[];
  /** The port of its health routes; none for a program that speaks only on stdio. */
  port?: number;
  /** Largest layout, in MiB: the image is its Node.js base plus this. */
  budgetMiB: number;
}

/** Every app that ships as an image of its own. */
export const IMAGES = {
  // The MCP SDK serves `/mcp` (the platform tools for outside MCP clients), and the
  // OpenTelemetry SDK makes the request spans.
  gateway: { bundles: ['gateway'], dynamicRequires: [], port: 8080, budgetMiB: 26 },
  'event-relay': { bundles: ['event-relay'], dynamicRequires: [], port: 8081, budgetMiB: 12 },
  'connector-registry': {
    bundles: ['connector-registry'],
    dynamicRequires: [],
    port: 8082,
    budgetMiB: 16,
  },
  // The local driver starts the runtime's bundle from beside the scheduler's.
  'agent-scheduler': {
    bundles: ['agent-scheduler', 'agent-runtime'],
    dynamicRequires: ['@anthropic-ai/sandbox-runtime'],
    port: 8083,
    budgetMiB: 80,
  },
  'agent-runtime': {
    bundles: ['agent-runtime'],
    dynamicRequires: ['@anthropic-ai/sandbox-runtime'],
    budgetMiB: 36,
  },
} as const satisfies Record<string, ImageSpec>;

/** The name of an app that ships as an image. */
export type ImageApp = keyof typeof IMAGES;

/** True when `name` is an app that ships as an image. */
export function isImageApp(name: string): name is ImageApp {
  return Object.hasOwn(IMAGES, name);
}

/** What {@link writeImageLayout} wrote. */
export interface ImageLayout {
  /** The directory that holds it. */
  dir: string;
  /** The npm packages in it, by their path under `node_modules`, with their versions. */
  packages: Map<string, string>;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * Files of a package that nothing loads at run time: type declarations, source maps and
 * TypeScript sources. Left out, they would be a third of the image.
 */
const UNUSED_AT_RUN_TIME = /\.(?:[cm]?ts|map)$/;

/** The package a module specifier names: `a` of `a/b/c`, `@s/a` of `@s/a/b`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));
}

/** The npm packages that an app's source imports, as its bundle keeps them external. */
async function externalPackages(root: string, app: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.base.json'),
    metafile: true,
    write: false,
    outfile: 'main.js',
    logLevel: 'silent',
  });
  const found = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (external && !isBuiltin(path)) found.add(packageOf(path));
    }
  }
  return found;
}

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * Where Node.js finds package `name` from inside `fromDir` (a directory under `root`): the
 * nearest `node_modules/<name>` going up, as `require` looks. Undefined when none has it.
 */
function findPackage(root: string, fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || !dir.startsWith(root)) return undefined;
  }
}

/**
 * The installed packages that `roots` need at run time, by their directory: each one with its
 * dependencies, optional ones that are installed, and peers that are installed, recursively.
 * Development dependencies are never followed.
 */
function productionClosure(root: string, roots: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  const visit = (fromDir: string, name: string, required: boolean) => {
    const dir = findPackage(root, fromDir, name);
    if (!dir) {
      if (required) throw new Error(`${name} is needed but not installed (from ${fromDir})`);
      return;
    }
    if (dirs.has(dir)) return;
    dirs.add(dir);
    const pkg = readPackageJson(dir);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dir, dep, true);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dir, dep, false);
    for (const dep of Object.keys(pkg.peerDependencies ?? {})) visit(dir, dep, false);
  };
  for (const name of roots) visit(root, name, true);
  return dirs;
}

/** Bytes under `dir`, following no link. */
function sizeOf(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += sizeOf(path);
    else bytes += statSync(path).size;
  }
  return bytes;
}

/**
 * Writes `app`'s image layout into `out` (which must not exist yet): its bundles from
 * `<root>/dist` (build them first) at `apps/<app>/main.js`, where they sit in `dist`, the npm
 * packages they load at run time with nothing else (no development dependency, no `.bin`), and a
 * `package.json` that names the packages the bundles import.
 */
export async function writeImageLayout(
  root: string,
  app: ImageApp,
  out: string,
): Promise<ImageLayout> {
  if (existsSync(out)) throw new Error(`${out} exists already: give a new directory`);
  const spec: ImageSpec = IMAGES[app];
  const direct = new Set<string>(spec.dynamicRequires);
  for (const bundle of spec.bundles) {
    for (const name of await externalPackages(root, bundle)) direct.add(name);
  }
  mkdirSync(out, { recursive: true });
  for (const bundle of spec.bundles) {
    for (const file of ['main.js', 'main.js.map']) {
      const from = join(root, 'dist', 'apps', bundle, file);
      if (!existsSync(from)) throw new Error(`${from} is missing: run npm run build first`);
      cpSync(from, join(out, 'apps', bundle, file));
    }
  }
  const packages = new Map<string, string>();
  for (const dir of productionClosure(root, direct)) {
    const path = relative(root, dir);
    if (!path.startsWith(`node_modules${sep}`)) throw new Error(`${dir} is outside node_modules`);
    // A package's own nested node_modules is copied package by package, as the closure finds them.
    cpSync(dir, join(out, path), {
      recursive: true,
      dereference: true,
      filter: (source) => {
        const inner = relative(dir, source);
        return inner.split(sep)[0] !== 'node_modules' && !UNUSED_AT_RUN_TIME.test(inner);
      },
    });
    packages.set(path.split(sep).join('/'), readPackageJson(dir).version ?? '');
  }
  const rootPackage = readPackageJson(root);
  const dependencies = Object.fromEntries(
    [...direct].sort().map((name) => [name, packages.get(`node_modules/${name}`) ?? '']),
  );
  writeFileSync(
    join(out, 'package.json'),
    `${JSON.stringify(
      {
        name: `@komputer/${app}-image`,
        version: rootPackage.version,
        private: true,
        description: `The ${app} image's contents`,
        license: 'Apache-2.0',
        main: `apps/${app}/main.js`,
        dependencies,
      },
      null,
      2,
    )}\n`,
  );
  return { dir: out, packages, bytes: sizeOf(out) };
}
