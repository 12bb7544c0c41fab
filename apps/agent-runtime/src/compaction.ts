import { APIError } from '@anthropic-ai/sdk';
import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { appendUserText, blocksOf } from './session';
import type { Session } from './session';
import type { TokenUsage } from './pricing';

/** What a compaction asks the model for; the caller's guidance, if any, follows it. */
const SUMMARY_PROMPT = [
  'Your conversation so far is about to be replaced by a summary, because it is growing too',
  'long for your context window. Write that summary now. It is all you will have of the',
  'conversation from now on, so it must let you carry on without losing anything that matters:',
  '- the task you are working on, as the user gave it, and every later instruction;',
  '- what you have done so far, and what you found out (files, commands, results, errors);',
  '- decisions you made and why;',
  '- what is left to do, and the next step.',
  'Write only the summary, as plain text, in the first person. Do not call tools.',
].join('\n');

/** How the summary opens the conversation that it replaces. */
const SUMMARY_HEADER =
  'This conversation continues an earlier one, which was compacted to fit the context window. ' +
  'Summary of the earlier conversation:';

/** How often a summary whose request is itself too long is tried again with fewer turns. */
const MAX_TRIMS = 3;

/** Options for {@link summarise}. */
export interface SummariseOptions {
  client: Anthropic;
  model: string;
  system: string;
  /** The agent's tools: a transcript that uses tools needs their definitions. */
  tools: Tool[];
  messages: MessageParam[];
  /** Guidance from whoever asked for the compaction. */
  instructions?: string;
  maxOutputTokens: number;
  signal: AbortSignal;
}

/** A conversation's summary, and what the model call that wrote it used. */
export interface Summary {
  text: string;
  usage: TokenUsage;
  /** The conversation's size before, in input tokens, as the model counted them. */
  tokensBefore: number;
  /** The summary's size, in tokens, as the model counted them. */
  tokensAfter: number;
}

/**
 * Has the model summarise `messages`. When even that request is too long for the context
 * window, the oldest turns are left out of it, a half at a time: the summary then covers the
 * more recent part, which is what the task needs to go on.
 */
export async function summarise(options: SummariseOptions): Promise<Summary> {
  let messages = withoutThinking(options.messages);
  let usage: TokenUsage | undefined;
  for (let trims = 0; ; trims += 1) {
    const prompt = options.instructions
      ? `${SUMMARY_PROMPT}\n\nWhat the summary must pay attention to:\n${options.instructions}`
      : SUMMARY_PROMPT;
    try {
      const message = await options.client.messages.create(
        {
          model: options.model,
          max_tokens: options.maxOutputTokens,
          system: options.system,
          ...(options.tools.length > 0
            ? { tools: options.tools, tool_choice: { type: 'none' as const } }
            : {}),
          messages: appendUserText(messages, prompt),
        },
        { signal: options.signal },
      );
      const text = message.content
        .flatMap((block) => (block.type === 'text' ? [block.text] : []))
        .join('\n')
        .trim();
      if (!text) throw new Error('the model wrote no summary');
      usage = {
        input_tokens: message.usage.input_tokens,
        output_tokens: message.usage.output_tokens,
        cache_creation_input_tokens: message.usage.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: message.usage.cache_read_input_tokens ?? 0,
      };
      return {
        text,
        usage,
        tokensBefore:
          usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens,
        tokensAfter: usage.output_tokens,
      };
    } catch (err) {
      const shorter = trims < MAX_TRIMS && isPromptTooLong(err) ? dropOldestHalf(messages) : [];
      if (shorter.length === 0) throw err;
      messages = shorter;
    }
  }
}

/** The conversation that a summary leaves: one user turn that holds it. */
export function compactedTranscript(summary: string): MessageParam[] {
  return [{ role: 'user', content: [{ type: 'text', text: `${SUMMARY_HEADER}\n\n${summary}` }] }];
}

/**
 * Whether the API refused a request for being longer than the model's context window: a 400
 * `invalid_request_error` whose message says so ("prompt is too long: 210000 tokens > 200000
 * maximum"), or a 413 for a request body too large to take at all.
 */
export function isPromptTooLong(err: unknown): boolean {
  if (!(err instanceof APIError)) return false;
  if (err.status === 413) return true;
  return err.status === 400 && /prompt is too long|context (window|length)/i.test(err.message);
}

/** Characters per token, to estimate what no usage count covers yet. */
const CHARS_PER_TOKEN = 4;

/**
 * The input tokens of a request that sends `session`'s conversation: the count of the last
 * model response (its input and output tokens: everything up to its answer) plus an estimate,
 * four characters a token, of what was added since (tool results, steers, new instructions).
 * A conversation that no response has counted yet is estimated whole.
 */
export function estimateContextTokens(session: Session): number {
  const { context, messages } = session;
  const counted = context && context.messages <= messages.length ? context : undefined;
  const rest = messages.slice(counted?.messages ?? 0);
  const chars = rest.length > 0 ? JSON.stringify(rest).length : 0;
  return (counted?.tokens ?? 0) + Math.ceil(chars / CHARS_PER_TOKEN);
}

/**
 * The input tokens past which the next model request compacts first: `thresholdPercent` of the
 * context window, and less when the answer's `maxTokens` would not fit beside that, but never
 * under a quarter of the window (a summary must leave room to work).
 */
export function compactionLimit(
  contextWindow: number,
  thresholdPercent: number,
  maxTokens: number,
): number {
  const share = Math.floor((contextWindow * thresholdPercent) / 100);
  return Math.max(Math.floor(contextWindow / 4), Math.min(share, contextWindow - maxTokens));
}

/**
 * The transcript less its thinking blocks: a summary needs no thinking of its own, and a request
 * without thinking has no use for the earlier turns' reasoning.
 */
function withoutThinking(messages: MessageParam[]): MessageParam[] {
  return messages.map((message) => {
    if (message.role !== 'assistant' || typeof message.content === 'string') return message;
    const content = message.content.filter(
      (block) => block.type !== 'thinking' && block.type !== 'redacted_thinking',
    );
    return {
      role: 'assistant',
      content: content.length > 0 ? content : [{ type: 'text', text: '(thinking only)' }],
    };
  });
}

/**
 * `messages` less their older half, starting again at a user turn, whose tool results become
 * plain text (their tool calls are gone); empty when no user turn is left past the half.
 */
function dropOldestHalf(messages: MessageParam[]): MessageParam[] {
  for (let i = Math.max(1, Math.floor(messages.length / 2)); i < messages.length; i += 1) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    const content = blocksOf(message.content).map((block): ContentBlockParam =>
      block.type === 'tool_result'
        ? {
            type: 'text',
            text: `(result of an earlier tool call) ${
              typeof block.content === 'string' ? block.content : JSON.stringify(block.content)
            }`,
          }
        : block,
    );
    return [{ role: 'user', content }, ...messages.slice(i + 1)];
  }
  return [];
}
