import type { ServerResponse } from 'node:http';
import { GoneError, Komputer, NotFoundError } from '../src/index';
import type { AgentEvent } from '../src/index';
import { parseSse } from '../src/sse';
import { envelope, event, json, sendEvent, startServer, startStream } from './server';
import type { Handler, TestServer } from './server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves `GET …/events` (the latest event, `latest`) and hands every stream to `stream`. */
function api(stream: Handler, latest?: string): Handler {
  return (req, res, index) => {
    if (req.url.pathname.endsWith('/events')) {
      return json(res, 200, { events: latest ? [{ id: latest }] : [] });
    }
    return stream(req, res, index);
  };
}

const afterOf = (server: TestServer) =>
  server.requests
    .filter((r) => r.url.pathname.endsWith('/stream'))
    .map((r) => r.url.searchParams.get('after'));

async function collect(events: AsyncIterable<AgentEvent>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of events) {
    ids.push(event.id);
    if (ids.length === count) break;
  }
  return ids;
}

describe('agents.watch', () => {
  it('resumes after a close event from the last id it delivered, skipping repeats', async () => {
    let connection = 0;
    server = await startServer(
      api((_req, res: ServerResponse) => {
        connection += 1;
        startStream(res);
        if (connection === 1) {
          sendEvent(res, '5-0');
          sendEvent(res, '5-1');
          res.end(`event: close\ndata: {"code":"SHUTTING_DOWN","lastId":"5-1"}\n\n`);
        } else {
          // A server that repeats itself: the client drops what it has already delivered.
          sendEvent(res, '5-1');
          sendEvent(res, '6-0');
          sendEvent(res, '10-0');
        }
      }),
    );
    const client = new Komputer({ baseURL: server.url });
    expect(await collect(client.agents.watch('a', { after: '4-0' }), 4)).toEqual([
      '5-0',
      '5-1',
      '6-0',
      '10-0',
    ]);
    expect(afterOf(server)).toEqual(['4-0', '5-1']);
  });

  it('starts from the latest event when given no cursor, and reconnects after a drop', async () => {
    let connection = 0;
    server = await startServer(
      api((_req, res) => {
        connection += 1;
        startStream(res);
        sendEvent(res, `${connection + 10}-0`);
        // The first connection breaks off mid-stream, without a close event.
        if (connection === 1) res.write('', () => res.socket?.destroy());
      }, '9-3'),
    );
    const client = new Komputer({ baseURL: server.url });
    expect(await collect(client.agents.watch('a', { deltas: true }), 2)).toEqual(['11-0', '12-0']);
    expect(afterOf(server)).toEqual(['9-3', '11-0']);
    const latest = server.requests[0];
    expect(latest?.url.searchParams.get('limit')).toBe('1');
    expect(server.requests[1]?.url.searchParams.get('deltas')).toBe('true');
  });

  it('replaces a connection that goes quiet for longer than idleTimeout', async () => {
    let connection = 0;
    server = await startServer(
      api((_req, res) => {
        connection += 1;
        startStream(res);
        sendEvent(res, `${connection}-0`);
      }),
    );
    const client = new Komputer({ baseURL: server.url });
    const ids = await collect(client.agents.watch('a', { after: '0-0', idleTimeout: 100 }), 3);
    expect(ids).toEqual(['1-0', '2-0', '3-0']);
  });

  it('throws GoneError when the cursor has expired, at connect or in a close event', async () => {
    server = await startServer(
      api((req, res) => {
        if (req.url.searchParams.get('after') === '1-0') {
          return json(res, 410, envelope('CURSOR_EXPIRED', 'trimmed'));
        }
        startStream(res);
        res.end(`event: close\ndata: {"code":"CURSOR_EXPIRED","message":"fell behind"}\n\n`);
      }),
    );
    const client = new Komputer({ baseURL: server.url });
    const atConnect = await collect(client.agents.watch('a', { after: '1-0' }), 1).catch((e) => e);
    expect(atConnect).toBeInstanceOf(GoneError);
    expect(atConnect).toMatchObject({ status: 410, code: 'CURSOR_EXPIRED', requestId: 'req_test' });
    const inStream = await collect(client.agents.watch('a', { after: '2-0' }), 1).catch((e) => e);
    expect(inStream).toBeInstanceOf(GoneError);
    expect(inStream).toMatchObject({
      code: 'CURSOR_EXPIRED',
      message: expect.stringContaining('fell behind'),
    });
  });

  it('throws NotFoundError for a missing agent without retrying', async () => {
    server = await startServer((_req, res) => json(res, 404, envelope('AGENT_NOT_FOUND', 'none')));
    const client = new Komputer({ baseURL: server.url });
    await expect(collect(client.agents.watch('a'), 1)).rejects.toBeInstanceOf(NotFoundError);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxRetries connections in a row end before any data', async () => {
    server = await startServer(
      api((_req, res) => {
        startStream(res);
        res.end();
      }),
    );
    const client = new Komputer({ baseURL: server.url });
    const watch = client.agents.watch('a', { after: '0-0', maxRetries: 2 });
    await expect(collect(watch, 1)).rejects.toThrow(/ended 3 times in a row/);
    expect(afterOf(server)).toHaveLength(3);
  });

  it('ends without an error when its signal aborts', async () => {
    server = await startServer(
      api((_req, res) => {
        startStream(res);
        sendEvent(res, '1-0');
      }),
    );
    const client = new Komputer({ baseURL: server.url });
    const stop = new AbortController();
    const ids: string[] = [];
    const done = (async () => {
      for await (const event of client.agents.watch('a', { after: '0-0', signal: stop.signal })) {
        ids.push(event.id);
        stop.abort();
      }
    })();
    await expect(done).resolves.toBeUndefined();
    expect(ids).toEqual(['1-0']);
  });
});

describe('offices.watch', () => {
  /** Writes one office event: the office's SSE events carry no `id:` line. */
  const send = (res: ServerResponse, agentName: string, id: string) =>
    res.write(`data: ${JSON.stringify({ ...event(id), agentName })}\n\n`);

  /**
   * Serves the office `lead` (its members: `lead` and `w1`, and `w2` from the second read on),
   * its latest event, and hands every stream to `stream`.
   */
  function office(stream: Handler): Handler {
    let reads = 0;
    return (req, res, index) => {
      const { pathname } = req.url;
      if (pathname === '/api/v1/offices/lead') {
        reads += 1;
        const members = ['lead', 'w1', ...(reads > 1 ? ['w2'] : [])].map((name) => ({ name }));
        return json(res, 200, { name: 'lead', members });
      }
      if (pathname === '/api/v1/offices/lead/events') {
        return json(res, 200, { office: 'lead', events: [{ ...event('9-0'), agentName: 'w1' }] });
      }
      return stream(req, res, index);
    };
  }

  const streamsOf = (server: TestServer) =>
    server.requests.filter((r) => r.url.pathname === '/api/v1/offices/lead/events/stream');

  it('starts every member from the office’s latest event, and resumes each after its own', async () => {
    let connection = 0;
    server = await startServer(
      office((_req, res) => {
        connection += 1;
        startStream(res);
        if (connection === 1) {
          // Two members' streams number their events alike: both are new.
          send(res, 'lead', '10-0');
          send(res, 'w1', '10-0');
          send(res, 'w1', '11-0');
          res.end(`event: close\ndata: {"code":"SHUTTING_DOWN"}\n\n`);
        } else {
          // A server that repeats itself: what each member delivered already is dropped.
          send(res, 'w1', '11-0');
          send(res, 'lead', '10-0');
          send(res, 'w2', '12-0');
          send(res, 'lead', '12-1');
        }
      }),
    );
    const client = new Komputer({ baseURL: server.url, namespace: 'team' });
    const seen: string[] = [];
    for await (const e of client.offices.watch('lead', { deltas: true })) {
      seen.push(`${e.agentName}:${e.id}`);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual(['lead:10-0', 'w1:10-0', 'w1:11-0', 'w2:12-0', 'lead:12-1']);
    const streams = streamsOf(server);
    expect(streams.map((r) => r.url.searchParams.get('after'))).toEqual([
      'lead:9-0,w1:9-0',
      // A member that joined since starts where the watch did.
      'lead:10-0,w1:11-0,w2:9-0',
    ]);
    expect(streams[0]?.url.searchParams.get('namespace')).toBe('team');
    expect(streams[0]?.url.searchParams.get('deltas')).toBe('true');
    expect(streams[0]?.headers.accept).toBe('text/event-stream');
  });

  it('replays from `after`, and throws NotFoundError for an agent that created none', async () => {
    server = await startServer(
      office((_req, res) => {
        startStream(res);
        send(res, 'w1', '1-0');
      }),
    );
    const client = new Komputer({ baseURL: server.url });
    expect(await collect(client.offices.watch('lead', { after: '0-0' }), 1)).toEqual(['1-0']);
    expect(streamsOf(server).map((r) => r.url.searchParams.get('after'))).toEqual([
      'lead:0-0,w1:0-0',
    ]);
    // The office's latest event is not read when the watch is told where to start.
    expect(server.requests.some((r) => r.url.pathname.endsWith('/lead/events'))).toBe(false);

    const missing = await startServer((_req, res) =>
      json(res, 404, envelope('OFFICE_NOT_FOUND', 'none')),
    );
    try {
      const other = new Komputer({ baseURL: missing.url });
      await expect(collect(other.offices.watch('lone'), 1)).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      await missing.close();
    }
  });
});

describe('parseSse', () => {
  async function parse(...chunks: string[]) {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    const events = [];
    for await (const event of parseSse(body)) events.push(event);
    return events;
  }

  it('parses fields, joins data lines, ignores comments, and handles any line ending', async () => {
    expect(
      await parse(
        ': heartbeat\n\n',
        'id: 1-0\r\ndata: {"a":\r\ndata: 1}\r\n\r\n',
        'event: close\rdata:x\r\r',
        'id: 2-0\nda',
        'ta: split\n',
        '\nretry: 10\n\n',
      ),
    ).toEqual([
      { event: 'message', id: '1-0', data: '{"a":\n1}' },
      { event: 'close', id: undefined, data: 'x' },
      { event: 'message', id: '2-0', data: 'split' },
    ]);
  });

  it('keeps a CRLF split across chunks as one line end', async () => {
    expect(await parse('data: a\r', '\n\r', '\n')).toEqual([
      { event: 'message', id: undefined, data: 'a' },
    ]);
  });
});
