import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ContentBlock,
  ContentBlockParam,
  MessageParam,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { DEFAULT_STATE_DIR } from '@komputer/contracts';
import type { Logger } from '@komputer/service-kit';
import { z } from 'zod';

/** Where the session lives, relative to the workspace, in the state directory `stateDir`. */
export function sessionFile(stateDir: string = DEFAULT_STATE_DIR): string {
  return join(stateDir, 'session.json');
}

/** Where the session of a runtime in its own workspace lives. */
export const SESSION_FILE = sessionFile();

/**
 * The session file: the conversation so far, as the Messages API takes it. Only its frame is
 * checked here; the blocks are the API's own, and the API validates them.
 */
const SessionFileSchema = z.object({
  session_id: z.string().min(1),
  /** The conversation's size as the last model response counted it (see {@link Session}). */
  context: z
    .object({ tokens: z.number().int().nonnegative(), messages: z.number().int().nonnegative() })
    .optional(),
  messages: z.array(
    z.object({
      role: z.enum(['user', 'assistant']),
      content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
    }),
  ),
});

/** An agent's conversation, carried from task to task. */
export interface Session {
  sessionId: string;
  messages: MessageParam[];
  /** Whether it was loaded from the workspace (false: a new session). */
  resumed: boolean;
  /**
   * The input tokens of the first `messages` messages, as the last model response counted them
   * (its input and output tokens); what came after is not counted yet.
   */
  context?: { tokens: number; messages: number };
}

/**
 * Loads the workspace's session, or starts a new one when there is none. An unreadable file is
 * logged and replaced by a new session: a broken transcript must not make the agent unusable.
 */
export async function loadSession(
  workspace: string,
  logger: Logger,
  stateDir: string = DEFAULT_STATE_DIR,
): Promise<Session> {
  const path = join(workspace, sessionFile(stateDir));
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { sessionId: randomUUID(), messages: [], resumed: false };
  }
  let parsed: z.infer<typeof SessionFileSchema>;
  try {
    parsed = SessionFileSchema.parse(JSON.parse(raw));
  } catch (err) {
    logger.warn({ err, path }, 'the session file is unreadable; starting a new session');
    return { sessionId: randomUUID(), messages: [], resumed: false };
  }
  const messages = parsed.messages as unknown as MessageParam[];
  // A runtime killed in the middle of a tool call leaves tool_use blocks without results.
  return {
    sessionId: parsed.session_id,
    messages: settleToolUses(messages, [], 'not run: the runtime stopped'),
    resumed: true,
    ...(parsed.context ? { context: parsed.context } : {}),
  };
}

/**
 * Saves the session atomically: a temporary file, flushed to disk, then renamed over the old
 * one, so that a crash leaves either the old transcript or the new one, never half of one.
 */
export async function saveSession(
  workspace: string,
  session: Session,
  stateDir: string = DEFAULT_STATE_DIR,
): Promise<void> {
  const path = join(workspace, sessionFile(stateDir));
  const temporary = `${path}.${process.pid}.tmp`;
  const body: z.input<typeof SessionFileSchema> = {
    session_id: session.sessionId,
    messages: session.messages as z.input<typeof SessionFileSchema>['messages'],
    ...(session.context ? { context: session.context } : {}),
  };
  await mkdir(join(workspace, stateDir), { recursive: true });
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(JSON.stringify(body));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}

/**
 * `messages` followed by `text` as the user's turn. After a task that failed before the model
 * answered, the transcript already ends with a user turn; the text joins it, because the API
 * wants user and assistant turns to alternate.
 */
export function appendUserText(messages: MessageParam[], text: string): MessageParam[] {
  const last = messages.at(-1);
  const block: ContentBlockParam = { type: 'text', text };
  if (last?.role !== 'user') return [...messages, { role: 'user', content: [block] }];
  return [...messages.slice(0, -1), { role: 'user', content: [...blocksOf(last.content), block] }];
}

/** A turn's content as blocks: the API takes a plain string as one text block. */
export function blocksOf(content: string | ContentBlockParam[]): ContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** The tool_use blocks of an assistant turn. */
export function toolUsesOf(content: ContentBlock[] | ContentBlockParam[] | string) {
  return typeof content === 'string'
    ? []
    : content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
}

/**
 * `messages`, with a user turn of tool results appended when the last turn is the assistant's
 * and asks for tools: the API rejects a transcript in which a tool_use has no tool_result. The
 * results come from `results` where there is one, else are errors that say `missing`.
 */
export function settleToolUses(
  messages: MessageParam[],
  results: ToolResultBlockParam[],
  missing: string,
): MessageParam[] {
  const last = messages.at(-1);
  if (last?.role !== 'assistant') return messages;
  const toolUses = toolUsesOf(last.content);
  if (toolUses.length === 0) return messages;
  const content = toolUses.map(
    (toolUse): ToolResultBlockParam =>
      results.find((result) => result.tool_use_id === toolUse.id) ?? {
        type: 'tool_result',
        tool_use_id: toolUse.id,
        content: missing,
        is_error: true,
      },
  );
  return [...messages, { role: 'user', content }];
}
