import { agentLifetimes } from './lifetimes';

describe('agentLifetimes', () => {
  it('takes the scheduler’s defaults when the template sets no ttl', () => {
    expect(agentLifetimes(undefined, { sleepAfterIdleMs: 500, deleteAfterIdleMs: 9_000 })).toEqual({
      sleepAfterIdleMs: 500,
      deleteAfterIdleMs: 9_000,
    });
    expect(agentLifetimes({}, { sleepAfterIdleMs: 500 })).toEqual({ sleepAfterIdleMs: 500 });
  });

  it('lets each ttl of the template win over its default, in minutes and hours', () => {
    const defaults = { sleepAfterIdleMs: 500, deleteAfterIdleMs: 9_000 };
    expect(agentLifetimes({ idleSleepMinutes: 2 }, defaults)).toEqual({
      sleepAfterIdleMs: 120_000,
      deleteAfterIdleMs: 9_000,
    });
    expect(agentLifetimes({ deleteAfterHours: 3 }, defaults)).toEqual({
      sleepAfterIdleMs: 500,
      deleteAfterIdleMs: 10_800_000,
    });
    expect(agentLifetimes({ idleSleepMinutes: 1, deleteAfterHours: 1 }, {})).toEqual({
      sleepAfterIdleMs: 60_000,
      deleteAfterIdleMs: 3_600_000,
    });
  });

  it('treats a default of 0 as off', () => {
    expect(agentLifetimes(undefined, { sleepAfterIdleMs: 0, deleteAfterIdleMs: 0 })).toEqual({});
    expect(agentLifetimes({ idleSleepMinutes: 5 }, { sleepAfterIdleMs: 0 })).toEqual({
      sleepAfterIdleMs: 300_000,
    });
  });
});
