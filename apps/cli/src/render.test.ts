import type { RenderableEvent } from './render';
import {
  EventRenderer,
  formatAge,
  formatDuration,
  renderFields,
  renderTable,
  summariseToolInput,
} from './render';
import { createStyle } from './terminal';

const plain = createStyle(false);
let seq = 0;
const event = (type: string, payload: unknown): RenderableEvent => ({
  id: `1764000000000-${seq++}`,
  type,
  taskId: '0b5c3a54-6d8e-4c0e-9a43-1f0c2f7f3e11',
  timestamp: '2026-11-24T09:00:00.000Z',
  payload,
});

describe('EventRenderer', () => {
  it('shows a task as a person reads it: start, text, tool call, result, end with its cost', () => {
    const renderer = new EventRenderer({ style: plain, width: 80 });
    const lines = [
      event('task_started', {
        instructions: 'x',
        model: 'claude-sonnet-4-6',
        resuming_session: false,
      }),
      event('text', { content: 'I will write the file.' }),
      event('tool_call', { id: 't1', tool: 'Bash', input: { command: 'echo hello > note.txt' } }),
      event('tool_result', { id: 't1', tool: 'Bash', output: '', is_error: false }),
      event('text_delta', { content: 'The' }),
      event('text', { content: 'The file is written.' }),
      event('task_completed', {
        result: 'The file is written.',
        cost_usd: 0.01234,
        duration_ms: 3400,
        turns: 2,
        stop_reason: 'end_turn',
        session_id: 's',
        usage: { input_tokens: 1, output_tokens: 1 },
        model: 'claude-sonnet-4-6',
      }),
    ].flatMap((e) => renderer.render(e));
    expect(lines).toEqual([
      '▶ task 0b5c3a54 started · claude-sonnet-4-6',
      'I will write the file.',
      '→ Bash echo hello > note.txt',
      '  │ (no output)',
      'The file is written.',
      '✓ completed · 2 turns · $0.0123 · 3.4s',
    ]);
  });

  it('shows the result at the end when no text event showed it', () => {
    const renderer = new EventRenderer({ style: plain, width: 80 });
    expect(
      renderer.render(event('task_completed', { result: 'Done.', cost_usd: 0, turns: 1 })),
    ).toEqual(['Done.', '✓ completed · 1 turn · $0.0000']);
  });

  it('cuts a long tool result to its first lines and counts the rest', () => {
    const renderer = new EventRenderer({ style: plain, width: 80 });
    const output = ['a', 'b', 'c', 'd', 'e', 'f'].join('\n') + '\n';
    expect(
      renderer.render(event('tool_result', { id: 't', tool: 'Bash', output, is_error: false })),
    ).toEqual(['  │ a', '  │ b', '  │ c', '  │ d', '  │ … 2 more lines']);
    expect(
      renderer.render(
        event('tool_result', { id: 't', tool: 'Bash', output: 'no', is_error: true }),
      ),
    ).toEqual(['  ✗ no']);
  });

  it('cuts a tool call to the terminal width, without counting colour codes', () => {
    const renderer = new EventRenderer({ style: createStyle(true), width: 30 });
    const [line] = renderer.render(
      event('tool_call', { id: 't', tool: 'Bash', input: { command: 'x'.repeat(100) } }),
    );
    // eslint-disable-next-line no-control-regex
    expect((line as string).replace(/\x1b\[[0-9;]*m/g, '')).toBe(`→ Bash ${'x'.repeat(22)}…`);
  });

  it('shows how a task failed or was cancelled, and warnings', () => {
    const renderer = new EventRenderer({ style: plain, width: 80 });
    expect(renderer.render(event('error', { error: 'model said no', retryable: false }))).toEqual([
      '✗ failed · model said no',
    ]);
    expect(renderer.render(event('task_cancelled', { reason: 'cancelled by the API' }))).toEqual([
      '■ cancelled · cancelled by the API',
    ]);
    expect(renderer.render(event('warning', { message: 'connector github is down' }))).toEqual([
      '! connector github is down',
    ]);
    expect(renderer.render(event('something_new', { a: 1 }))).toEqual(['something_new {"a":1}']);
  });

  it('shows a call that waits for approval, and its decision', () => {
    const renderer = new EventRenderer({ style: plain, width: 80 });
    const requested = {
      ...event('approval_requested', { tool: 'Bash', approval_id: 'a1' }),
      agentName: 'deployer',
    };
    expect(renderer.render(requested)).toEqual(['? Bash waits for approval · a1']);
    expect(renderer.statusAfter(requested)).toBe(
      'waiting for approval: komputer approve deployer a1',
    );
    expect(
      renderer.render(event('approval_resolved', { decision: 'denied', reason: 'not today' })),
    ).toEqual(['✗ denied · not today']);
  });

  it('shows a compaction with the tokens before and after', () => {
    const renderer = new EventRenderer({ style: plain, width: 80 });
    const payload = {
      summary: 's',
      trigger: 'manual',
      tokens_before: 152_000,
      tokens_after: 1_800,
    };
    expect(renderer.render(event('compaction', payload))).toEqual([
      '⋯ the conversation was summarised (manual) · 152,000 → 1,800 tokens',
    ]);
  });

  it('prefixes each event with its local time for logs, indenting the lines after the first', () => {
    const renderer = new EventRenderer({ style: plain, width: 80, timestamps: true });
    const time = new Date('2026-11-24T09:00:00.000Z').toTimeString().slice(0, 8);
    expect(renderer.render(event('text', { content: 'one\ntwo' }))).toEqual([
      `${time} one`,
      '         two',
    ]);
  });

  it('says what the task is doing after each event, and nothing once it ended', () => {
    const renderer = new EventRenderer({ style: plain, width: 80 });
    expect(renderer.statusAfter(event('task_started', {}))).toBe('thinking…');
    expect(renderer.statusAfter(event('tool_call', { tool: 'Bash' }))).toBe('running Bash…');
    expect(renderer.statusAfter(event('tool_result', { tool: 'Bash' }))).toBe('thinking…');
    expect(renderer.statusAfter(event('task_completed', {}))).toBeUndefined();
    expect(renderer.statusAfter(event('error', {}))).toBeUndefined();
  });
});

describe('formatting', () => {
  it('summarises a tool input by its command or path, else as JSON', () => {
    expect(summariseToolInput({ command: 'ls -la\ncat x' })).toBe('ls -la ⏎ cat x');
    expect(summariseToolInput({ file_path: '/w/a.txt', content: 'x' })).toBe('/w/a.txt');
    expect(summariseToolInput({ text: 'hi' })).toBe('{"text":"hi"}');
  });

  it('gives durations and ages in a few characters', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(3_400)).toBe('3.4s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(formatAge('2026-11-24T09:59:30Z', now)).toBe('30s');
    expect(formatAge('2026-11-24T09:55:00Z', now)).toBe('5m');
    expect(formatAge('2026-11-22T10:00:00Z', now)).toBe('2d');
    expect(formatAge(undefined, now)).toBe('');
  });

  it('aligns tables and fields', () => {
    expect(
      renderTable(
        ['NAME', 'STATUS'],
        [
          ['writer', 'Running'],
          ['a', 'Sleeping'],
        ],
        plain,
      ),
    ).toEqual(['NAME    STATUS', 'writer  Running', 'a       Sleeping']);
    expect(
      renderFields(
        [
          ['name', 'writer'],
          ['model', undefined],
          ['instructions', 'one\ntwo'],
        ],
        plain,
      ),
    ).toEqual(['name:         writer', 'instructions: one\n              two']);
  });
});

describe('EventRenderer.live: text as the model writes it', () => {
  const completed = (result: string) =>
    event('task_completed', { result, cost_usd: 0.01, duration_ms: 1000, turns: 1 });

  /** What a terminal shows: every `text` written as it is, every line on its own. */
  function screen(renderer: EventRenderer, events: RenderableEvent[]): string {
    let out = '';
    let open = false;
    for (const e of events) {
      const { text, lines } = renderer.live(e);
      out += text;
      open = text === '' ? open : !text.endsWith('\n');
      for (const line of lines) {
        if (open) out += '\n';
        open = false;
        out += `${line}\n`;
      }
    }
    return out;
  }

  it('writes each delta at once, and only the end of the line when the text event comes', () => {
    const renderer = new EventRenderer({ style: plain, width: 80 });
    expect(renderer.live(event('text_delta', { content: 'The file ' }))).toEqual({
      text: 'The file ',
      lines: [],
    });
    expect(renderer.live(event('text_delta', { content: 'is written' }))).toEqual({
      text: 'is written',
      lines: [],
    });
    expect(renderer.live(event('text', { content: 'The file is written.' }))).toEqual({
      text: '.\n',
      lines: [],
    });
    // The result is the text already shown: not again.
    expect(renderer.live(completed('The file is written.'))).toEqual({
      text: '',
      lines: ['✓ completed · 1 turn · $0.0100 · 1.0s'],
    });
  });

  it('shows a streamed task as the same lines as one shown without deltas', () => {
    const task = (withDeltas: boolean) => [
      event('task_started', { instructions: 'x', model: 'm', resuming_session: false }),
      ...(withDeltas
        ? [
            event('text_delta', { content: 'Two lines:\nfir' }),
            event('text_delta', { content: 'st' }),
          ]
        : []),
      event('text', { content: 'Two lines:\nfirst' }),
      event('tool_call', { id: 't1', tool: 'Bash', input: { command: 'ls' } }),
      ...(withDeltas ? [event('text_delta', { content: 'All ' })] : []),
      event('text', { content: 'All done' }),
      completed('All done'),
    ];
    for (const timestamps of [false, true]) {
      const streamed = screen(
        new EventRenderer({ style: plain, width: 80, timestamps }),
        task(true),
      );
      const whole = screen(new EventRenderer({ style: plain, width: 80, timestamps }), task(false));
      expect(streamed).toBe(whole);
    }
    expect(screen(new EventRenderer({ style: plain, width: 80 }), task(true))).toBe(
      [
        '▶ task 0b5c3a54 started · m',
        'Two lines:',
        'first',
        '→ Bash ls',
        'All done',
        '✓ completed · 1 turn · $0.0100 · 1.0s',
        '',
      ].join('\n'),
    );
  });

  it('ends a streamed line that a cancel cuts short, and shows a text that its deltas do not begin', () => {
    const cut = new EventRenderer({ style: plain, width: 80 });
    expect(
      screen(cut, [
        event('text_delta', { content: 'Half a sen' }),
        event('task_cancelled', { reason: 'cancelled by the user' }),
      ]),
    ).toBe('Half a sen\n■ cancelled · cancelled by the user\n');
    // Joined in the middle of a block: the deltas seen are not its start.
    const joined = new EventRenderer({ style: plain, width: 80 });
    expect(
      screen(joined, [
        event('text_delta', { content: 'end of it' }),
        event('text', { content: 'The whole text, to the end of it' }),
      ]),
    ).toBe('end of it\nThe whole text, to the end of it\n');
  });
});
