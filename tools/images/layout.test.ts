import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateSecretKey } from '@komputer/connectors';
import { startRedisServer, startServiceProcess } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { IMAGES, writeImageLayout } from './layout';
import type { ImageApp, ImageLayout } from './layout';

// Each app boots from its image layout alone: a directory outside the repository, so that no
// package resolves from the repository's node_modules, with an environment of its settings only.

const root = join(__dirname, '..', '..');
const apps = Object.keys(IMAGES) as ImageApp[];

/** Development tools that no image may hold. */
const DEV_ONLY = ['esbuild', 'jest', 'typescript', 'prettier', 'eslint', 'nx', '@swc/core'];

/** The message each app logs once it listens, with its URL. */
const LISTENING: Partial<Record<ImageApp, string>> = {
  gateway: 'gateway listening',
  'event-relay': 'event-relay listening',
  'connector-registry': 'connector-registry listening',
  'agent-scheduler': 'scheduler taking tasks',
};

let redisServer: RedisServer;
let parent: string;
const layouts = new Map<ImageApp, ImageLayout>();

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs')], { cwd: root, stdio: 'pipe' });
  redisServer = await startRedisServer();
  parent = mkdtempSync(join(tmpdir(), 'komputer-images-'));
  for (const app of apps) layouts.set(app, await writeImageLayout(root, app, join(parent, app)));
}, 120_000);

// Five layouts are some 20,000 files: removing them takes a while on a busy disk.
afterAll(async () => {
  await redisServer.stop({ removeData: true });
  await rm(parent, { recursive: true, force: true });
}, 60_000);

function layoutOf(app: ImageApp): ImageLayout {
  const layout = layouts.get(app);
  if (!layout) throw new Error(`no layout for ${app}`);
  return layout;
}

/** The environment of a deployed app: its settings, and no path that leads to the repository. */
function settings(app: ImageApp): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: layoutOf(app).dir,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    KOMPUTER_DATA_DIR: join(layoutOf(app).dir, 'data'),
    KOMPUTER_MODEL_PROXY_HOST: '127.0.0.1',
    // API keys are on, as deployed: a service refuses to start without an admin key.
    KOMPUTER_ADMIN_KEY: `kpt_layout_${randomBytes(32).toString('hex')}`,
  };
}

describe.each(apps)('the %s image layout', (app) => {
  it('holds its bundles, its package.json and production packages only, within its budget', () => {
    const layout = layoutOf(app);
    expect(readdirSync(layout.dir).sort()).toEqual(['apps', 'node_modules', 'package.json']);
    expect(readdirSync(join(layout.dir, 'apps')).sort()).toEqual([...IMAGES[app].bundles].sort());
    for (const name of DEV_ONLY)
      expect(existsSync(join(layout.dir, 'node_modules', name))).toBe(false);
    const declared = JSON.parse(readFileSync(join(layout.dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies?: unknown;
    };
    expect(declared.devDependencies).toBeUndefined();
    for (const [name, version] of Object.entries(declared.dependencies)) {
      expect(layout.packages.get(`node_modules/${name}`)).toBe(version);
    }
    expect(layout.bytes).toBeLessThanOrEqual(IMAGES[app].budgetMiB * 2 ** 20);
  });

  it('loads every package its code asks for by name at run time', () => {
    const entry = join(layoutOf(app).dir, 'apps', app, 'main.js');
    for (const name of IMAGES[app].dynamicRequires) {
      execFileSync(
        process.execPath,
        [
          '-e',
          `require('node:module').createRequire(process.argv[1])(process.argv[2])`,
          entry,
          name,
        ],
        { env: settings(app), stdio: 'pipe' },
      );
    }
  });
});

describe.each(apps.filter((app) => LISTENING[app]))('the %s app', (app) => {
  it('boots from its layout alone and is ready', async () => {
    const service = await startServiceProcess({
      entry: join(layoutOf(app).dir, 'apps', app, 'main.js'),
      env: settings(app),
      listening: LISTENING[app] ?? '',
    });
    try {
      const ready = await fetch(`${service.url}/readyz`);
      expect({ status: ready.status, body: await ready.json() }).toMatchObject({ status: 200 });
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  }, 30_000);
});

it('the agent-runtime boots from its layout alone and says it is ready on its stdio', async () => {
  const workspace = join(layoutOf('agent-runtime').dir, 'workspace');
  mkdirSync(workspace);
  const child = spawn(
    process.execPath,
    [join(layoutOf('agent-runtime').dir, 'apps', 'agent-runtime', 'main.js')],
    {
      env: { ...settings('agent-runtime'), KOMPUTER_WORKSPACE: workspace },
      cwd: workspace,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const first = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no message within 15 s: ${stderr}`)),
        15_000,
      );
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    expect(first).toMatchObject({ type: 'ready' });
  } finally {
    child.kill('SIGKILL');
  }
});

describe.each(apps)('the %s Dockerfile', (app) => {
  const text = readFileSync(join(root, 'apps', app, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);
  const final = stages.at(-1) ?? '';

  it('builds the layout in one stage and copies only that layout into a pinned Node 20 base', () => {
    expect(stages).toHaveLength(2);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20\.\d+\.\d+-bookworm-slim$/m);
    expect(stages[0]).toContain(`npm run image:layout -- ${app} /layout`);
    expect([...final.matchAll(/^(COPY|ADD) .*$/gm)].map((m) => m[0])).toEqual([
      'COPY --from=layout /layout/ /app/',
    ]);
    expect(final).toContain(
      `ENTRYPOINT ["node", "--enable-source-maps", "/app/apps/${app}/main.js"]`,
    );
  });

  it('runs as a user other than root, with a health check where it listens', () => {
    expect(final).toMatch(/^USER node$/m);
    const port = 'port' in IMAGES[app] ? IMAGES[app].port : undefined;
    if (port === undefined) {
      expect(final).not.toContain('HEALTHCHECK');
    } else {
      expect(final).toContain(`EXPOSE ${port}`);
      expect(final).toContain(`(process.env.PORT || ${port}) + '/healthz'`);
    }
  });
});

it("deploy/README.md states each image's budget as the layout test holds it", () => {
  const readme = readFileSync(join(root, 'deploy', 'README.md'), 'utf8');
  for (const app of apps) {
    expect(readme).toMatch(new RegExp(`^\\| \`${app}\` +\\| ${IMAGES[app].budgetMiB} MiB `, 'm'));
  }
});
