import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');

interface Step {
  run?: string;
  uses?: string;
  'working-directory'?: string;
}
interface Workflow {
  on: { push: { tags: string[] } };
  jobs: Record<string, { needs?: string; steps: Step[]; strategy?: { matrix: { app: string[] } } }>;
}

const workflow = parse(
  readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8'),
) as Workflow;

it('builds and pushes the image of every app that has a Dockerfile, after the tests', () => {
  const apps = readdirSync(join(root, 'apps')).filter((app) =>
    existsSync(join(root, 'apps', app, 'Dockerfile')),
  );
  expect(apps.length).toBeGreaterThan(0);
  expect([...(workflow.jobs.images?.strategy?.matrix.app ?? [])].sort()).toEqual(apps.sort());
  expect(workflow.jobs.images?.needs).toBe('test');
  expect(workflow.jobs.test?.steps.some((s) => s.run === '.ci/run')).toBe(true);
  expect(workflow.on.push.tags).toEqual(['v*']);
});

it('publishes the SDK only after its README links became absolute', () => {
  const steps = workflow.jobs.sdk?.steps ?? [];
  const rewrite = steps.findIndex((s) => s.run?.includes('dist/tools/release-sdk-readme.js'));
  const publish = steps.findIndex((s) => s.run?.startsWith('npm publish'));
  expect(rewrite).toBeGreaterThan(-1);
  expect(publish).toBeGreaterThan(rewrite);
  expect(steps[publish]?.['working-directory']).toBe('libs/sdk');
  expect(existsSync(join(root, 'tools', 'release-sdk-readme.ts'))).toBe(true);
  expect(workflow.jobs.sdk?.needs).toBe('test');
});
