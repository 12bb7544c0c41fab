import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { createLogger } from '@komputer/service-kit';
import { appendUserText, loadSession, saveSession, SESSION_FILE, settleToolUses } from './session';

const logger = createLogger({ name: 'test', level: 'silent' });
let workspace: string;

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'komputer-session-'));
});

afterEach(() => rm(workspace, { recursive: true, force: true }));

const askedForTools: MessageParam[] = [
  { role: 'user', content: 'List and read.' },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Sure.' },
      { type: 'tool_use', id: 'a', name: 'Glob', input: { pattern: '*' } },
      { type: 'tool_use', id: 'b', name: 'Read', input: { file_path: 'x' } },
    ],
  },
];

describe('the session', () => {
  it('starts new, then round-trips through the workspace', async () => {
    const fresh = await loadSession(workspace, logger);
    expect(fresh).toMatchObject({ messages: [], resumed: false });

    fresh.messages = appendUserText(fresh.messages, 'hello');
    await saveSession(workspace, fresh);
    const loaded = await loadSession(workspace, logger);

    expect(loaded).toEqual({ ...fresh, resumed: true });
    expect(await readdir(join(workspace, '.komputer'))).toEqual(['session.json']);
  });

  it('closes tool calls that a killed runtime left open', async () => {
    await saveSession(workspace, { sessionId: 's1', messages: askedForTools, resumed: false });
    const loaded = await loadSession(workspace, logger);
    expect(loaded.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'a',
          content: 'not run: the runtime stopped',
          is_error: true,
        },
        {
          type: 'tool_result',
          tool_use_id: 'b',
          content: 'not run: the runtime stopped',
          is_error: true,
        },
      ],
    });
  });

  it('starts a new session when the file is unreadable', async () => {
    await mkdir(join(workspace, '.komputer'));
    await writeFile(join(workspace, SESSION_FILE), '{"session_id": "s1", "messages": [');
    expect(await loadSession(workspace, logger)).toMatchObject({ messages: [], resumed: false });
  });
});

describe('settleToolUses', () => {
  it('keeps the results there are and fills in the missing ones', () => {
    const done = { type: 'tool_result' as const, tool_use_id: 'a', content: 'x.txt' };
    expect(settleToolUses(askedForTools, [done], 'cancelled').at(-1)).toEqual({
      role: 'user',
      content: [
        done,
        { type: 'tool_result', tool_use_id: 'b', content: 'cancelled', is_error: true },
      ],
    });
  });

  it('leaves a transcript that needs nothing alone', () => {
    const finished = appendUserText(askedForTools.slice(0, 1), 'more');
    expect(settleToolUses(finished, [], 'x')).toBe(finished);
  });
});

describe('appendUserText', () => {
  it('adds a user turn after the assistant, and joins a user turn left open', () => {
    const answered: MessageParam[] = [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'ok' },
    ];
    expect(appendUserText(answered, 'two').at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'two' }],
    });
    expect(appendUserText(answered.slice(0, 1), 'two')).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });
});
