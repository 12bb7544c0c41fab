import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operations } from '@komputer/contracts';
import type { OperationIdTagged } from '@komputer/contracts';
import {
  AppError,
  createLogger,
  errorMiddleware,
  requestIdMiddleware,
} from '@komputer/service-kit';
import express from 'express';
import type { RequestHandler } from 'express';
import type { AuthRequest } from './auth';
import { mountRoutes } from './mount';
import { route } from './route';

/** Serves `router`'s app on a free port; resolves with its base URL and a closer. */
async function serve(app: express.Express) {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

it('mounts the part of the table one service owns, behind its hook, with 405 for other methods', async () => {
  const asked: AuthRequest[] = [];
  // A service that owns the secrets: the compiler checks that none of them is missing.
  const table: Record<OperationIdTagged<'secrets'>, RequestHandler> = {
    listSecrets: route(operations.listSecrets, () => ({ secrets: [] })),
    createSecret: route(operations.createSecret, ({ body }) => ({ name: body.name })),
    updateSecret: route(operations.updateSecret, () => ({ status: 'updated' })),
    deleteSecret: route(operations.deleteSecret, ({ path }) => {
      throw new AppError('SECRET_NOT_FOUND', 404, `secret "${path.name}" not found`);
    }),
  };
  const app = express();
  app.use(requestIdMiddleware);
  app.use(express.json());
  const router = express.Router();
  mountRoutes(router, table, {
    authenticate: (request) => {
      asked.push(request);
      if (request.headers['x-api-key'] !== 'good') {
        throw new AppError('UNAUTHENTICATED', 401, 'send a key', { retryable: false });
      }
      return { kind: 'anonymous' };
    },
  });
  app.use(router);
  app.use(errorMiddleware(createLogger({ name: 'test', level: 'silent' })));
  const server = await serve(app);
  try {
    const call = (method: string, path: string, key = 'good', body?: unknown) =>
      fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await call('GET', '/secrets')).status).toBe(200);
    expect(
      await (await call('POST', '/secrets', 'good', { name: 's', data: { k: 'v' } })).json(),
    ).toEqual({ name: 's' });
    expect((await call('DELETE', '/secrets/s')).status).toBe(404);
    // Refused before its body is looked at.
    const refused = await call('POST', '/secrets', 'bad', { nonsense: 1 });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(asked.map((a) => a.operationId)).toEqual([
      'listSecrets',
      'createSecret',
      'deleteSecret',
      'createSecret',
    ]);
    // A method the path does not have; an operation the service does not own is not there.
    const wrong = await call('PUT', '/secrets');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST, HEAD');
    expect((await call('GET', '/agents')).status).toBe(404);
  } finally {
    await server.close();
  }
});

it('gives a wildcard parameter the rest of the path, slashes included, as one string', async () => {
  const table: Record<'downloadAgentFile', RequestHandler> = {
    downloadAgentFile: (req, res) => {
      res.json({ path: req.params['path'] });
    },
  };
  const app = express();
  app.use(requestIdMiddleware);
  const router = express.Router();
  mountRoutes(router, table, {
    authenticate: () => ({ kind: 'anonymous' }),
  });
  app.use(router);
  const server = await serve(app);
  try {
    const path = async (rest: string) => {
      const res = await fetch(`${server.url}/api/v1/agents/a/download/${rest}`);
      return ((await res.json()) as { path: unknown }).path;
    };
    expect(await path('report.md')).toBe('report.md');
    expect(await path('out/data/x.csv')).toBe('out/data/x.csv');
    expect(await path('out%2Fdata%2Fx.csv')).toBe('out/data/x.csv');
  } finally {
    await server.close();
  }
});
