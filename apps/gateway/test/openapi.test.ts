import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Router } from 'express';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

const root = join(__dirname, '..', '..', '..');
const committedFile = join(root, 'docs', 'openapi.json');
const tmp = mkdtempSync(join(tmpdir(), 'komputer-openapi-'));

let t: TestGateway;
let served: { openapi: string; paths: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  t = await startTestGateway();
  const res = await call('GET', `${t.api}/openapi.json`);
  expect(res.status).toBe(200);
  served = res.body;
});
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await t.close();
});

/** Runs the OpenAPI schema validator (an ES module) on a document, in its own process. */
async function validate(document: unknown): Promise<{ valid: boolean; output: string }> {
  const file = join(tmp, `doc-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'tools', 'validate-openapi.mjs'), file],
      { timeout: 30_000 },
    );
    return { valid: true, output: stdout };
  } catch (err) {
    const { stderr, code } = err as { stderr: string; code: number };
    if (code !== 1) throw err;
    return { valid: false, output: stderr };
  }
}

/** Every `METHOD path` that the Express app routes, in OpenAPI's `{param}` form. */
function expressRoutes(router: Router, prefix = ''): string[] {
  return router.stack.flatMap((layer) => {
    if (layer.route) {
      const path = `${prefix}${String(layer.route.path)}`.replace(/[:*](\w+)/g, '{$1}');
      const methods = Object.keys((layer.route as unknown as { methods: object }).methods);
      // `router.all` marks the 405 answers; they are not operations.
      return methods.filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${path}`);
    }
    const nested = (layer.handle as unknown as { stack?: unknown }).stack;
    return nested ? expressRoutes(layer.handle as unknown as Router, prefix) : [];
  });
}

it('serves a valid OpenAPI 3.1 document', async () => {
  expect(served.openapi).toBe('3.1.0');
  const result = await validate(served);
  expect(result).toEqual({ valid: true, output: expect.stringContaining('3.1') });
});

it('the validator rejects a broken document', async () => {
  const { info: _info, ...withoutInfo } = served as unknown as Record<string, unknown>;
  expect((await validate(withoutInfo)).valid).toBe(false);
  const badResponse = structuredClone(served);
  (badResponse.paths['/api/v1/agents'] as { get: { responses: unknown } }).get.responses = {
    200: { content: 'not an object' },
  };
  expect((await validate(badResponse)).valid).toBe(false);
});

it('documents exactly the routes that the app serves', () => {
  // Prometheus's route is the operators', outside the API, as the reference's is
  // (docs/operations.md#metrics).
  const routes = expressRoutes(t.gateway.app.router)
    .filter((r) => r !== 'GET /metrics')
    .sort();
  const documented = Object.entries(served.paths)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  expect(routes.length).toBeGreaterThanOrEqual(11);
  expect(documented).toEqual(routes);
});

it('matches the committed docs/openapi.json (run `npm run openapi` after changing the API)', () => {
  expect(JSON.parse(readFileSync(committedFile, 'utf8'))).toEqual(served);
});
