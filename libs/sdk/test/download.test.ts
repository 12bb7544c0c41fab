import { BadRequestError, Komputer, KomputerError, PermissionDeniedError } from '../src/index';
import { filenameOf } from '../src/resources/agents';
import { envelope, json, startServer } from './server';
import type { TestServer } from './server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('agents.download', () => {
  it('sends the path as one segment, and streams the file with its name', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/markdown; charset=utf-8',
        'content-length': '9',
        'content-disposition': `attachment; filename="r?sum?.md"; filename*=UTF-8''r%C3%A9sum%C3%A9.md`,
      });
      res.end('# Report\n');
    });
    const client = new Komputer({ baseURL: server.url, namespace: 'team-a' });
    const file = await client.agents.download('writer', 'reports/résumé #1.md');
    expect(server.requests[0]?.url.pathname).toBe(
      `/api/v1/agents/writer/download/${encodeURIComponent('reports/résumé #1.md')}`,
    );
    expect(server.requests[0]?.url.searchParams.get('namespace')).toBe('team-a');
    expect({ filename: file.filename, size: file.size, type: file.contentType }).toEqual({
      filename: 'résumé.md',
      size: 9,
      type: 'text/markdown; charset=utf-8',
    });
    expect(await new Response(file.body).text()).toBe('# Report\n');
  });

  it('sends a path that leaves the workspace as it is, for the server to refuse', async () => {
    server = await startServer((_req, res) =>
      json(res, 400, envelope('INVALID_PATH', 'path: must not contain ".." segments')),
    );
    const client = new Komputer({ baseURL: server.url, maxRetries: 0 });
    await expect(client.agents.download('writer', '../../secret')).rejects.toBeInstanceOf(
      BadRequestError,
    );
    // Not resolved away into another route.
    expect(server.requests[0]?.url.pathname).toBe(
      '/api/v1/agents/writer/download/..%2F..%2Fsecret',
    );
    await expect(client.agents.download('writer', '..')).rejects.toBeInstanceOf(KomputerError);
    expect(server.requests).toHaveLength(1);
  });

  it('throws the typed error of a refusal', async () => {
    server = await startServer((_req, res) =>
      json(
        res,
        403,
        envelope('PATH_OUTSIDE_WORKSPACE', 'path: leads outside the agent’s workspace'),
      ),
    );
    const client = new Komputer({ baseURL: server.url, maxRetries: 0 });
    await expect(client.agents.download('writer', 'leak')).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });
});

it('reads the file name of a Content-Disposition', () => {
  expect(filenameOf('attachment; filename=report.md')).toBe('report.md');
  expect(filenameOf('attachment; filename="a \\"b\\".txt"')).toBe('a "b".txt');
  expect(filenameOf(`attachment; filename="x"; filename*=UTF-8''%E2%9C%93.txt`)).toBe('✓.txt');
  expect(filenameOf('attachment')).toBeUndefined();
  expect(filenameOf(null)).toBeUndefined();
});
