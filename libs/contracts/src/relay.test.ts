import {
  CloseReasonSchema,
  MAX_WATCHED_AGENTS,
  RELAY_CLOSE_CODES,
  StreamAgentEventsQuerySchema,
  WatchAgentQuerySchema,
  WatchEventsQuerySchema,
} from './relay';

describe('WatchAgentQuerySchema', () => {
  it('defaults deltas to false and takes the flags as strings', () => {
    expect(WatchAgentQuerySchema.parse({})).toEqual({ deltas: false });
    expect(WatchAgentQuerySchema.parse({ deltas: 'true', after: '5-0' })).toEqual({
      deltas: true,
      after: '5-0',
    });
    expect(WatchAgentQuerySchema.parse({ group: 'billing.v2', deltas: '0' })).toEqual({
      group: 'billing.v2',
      deltas: false,
    });
  });

  it.each([
    [{ after: '1-0', group: 'g' }, 'after'],
    [{ after: 'latest' }, 'after'],
    [{ group: '' }, 'group'],
    [{ group: 'a b' }, 'group'],
    [{ deltas: 'yes please' }, 'deltas'],
    [{ namespace: 'Team' }, 'namespace'],
  ])('rejects %j, naming %s', (query, field) => {
    expect(WatchAgentQuerySchema.safeParse(query).error?.issues[0]?.path).toEqual([field]);
  });
});

describe('StreamAgentEventsQuerySchema', () => {
  it('has no group', () => {
    expect(StreamAgentEventsQuerySchema.parse({ group: 'g' })).toEqual({ deltas: false });
  });
});

describe('WatchEventsQuerySchema', () => {
  it('splits the agent list and the per-agent cursors', () => {
    const parsed = WatchEventsQuerySchema.parse({
      agents: 'a,b-2',
      match: 'build-*',
      after: 'a:1-0,c:7-3',
    });
    expect(parsed.agents).toEqual(['a', 'b-2']);
    expect(parsed.match).toBe('build-*');
    expect([...(parsed.after ?? [])]).toEqual([
      ['a', '1-0'],
      ['c', '7-3'],
    ]);
  });

  it.each([
    [{}, 'agents'],
    [{ agents: '' }, 'agents'],
    [{ agents: 'a,a' }, 'agents'],
    [{ agents: 'a,B' }, 'agents'],
    [
      { agents: Array.from({ length: MAX_WATCHED_AGENTS + 1 }, (_, i) => `a${i}`).join(',') },
      'agents',
    ],
    [{ match: 'a.*' }, 'match'],
    [{ agents: 'a', after: 'a' }, 'after'],
    [{ agents: 'a', after: 'a:1-0,a:2-0' }, 'after'],
    [{ agents: 'a', after: 'A:1-0' }, 'after'],
    [{ agents: 'a', after: 'a:x' }, 'after'],
  ])('rejects %j, naming %s', (query, field) => {
    expect(WatchEventsQuerySchema.safeParse(query).error?.issues[0]?.path[0]).toBe(field);
  });
});

describe('close codes', () => {
  it('are 4000 + the HTTP status of the same error, besides the standard ones', () => {
    expect(RELAY_CLOSE_CODES).toEqual({
      GOING_AWAY: 1001,
      INTERNAL: 1011,
      BAD_REQUEST: 4400,
      UNAUTHENTICATED: 4401,
      AGENT_NOT_FOUND: 4404,
      CURSOR_EXPIRED: 4410,
      SLOW_CONSUMER: 4429,
      UNAVAILABLE: 4503,
    });
  });

  it('come with a JSON reason', () => {
    expect(CloseReasonSchema.parse({ code: 'SLOW_CONSUMER', lastId: '1-0' })).toEqual({
      code: 'SLOW_CONSUMER',
      lastId: '1-0',
    });
    expect(CloseReasonSchema.safeParse({ code: 'NOPE' }).success).toBe(false);
  });
});
