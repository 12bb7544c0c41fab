import { randomBytes } from 'node:crypto';
import type {
  ContentBlock,
  Message,
  MessageCreateParamsBase,
  RawContentBlockDelta,
  RawMessageStreamEvent,
  TextBlock,
  ThinkingBlock,
  ToolUseBlock,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
import type { ScriptedBlock, ScriptedReply } from './turns';

/** Made-up signature for thinking blocks scripted without one. */
const SCRIPTED_SIGNATURE = Buffer.from('scripted-anthropic-signature').toString('base64');

/** `prefix` followed by 24 random hex digits, like `msg_…`, `toolu_…`, `req_…`. */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** A rough token count: about four characters a token, at least one. */
function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** The Anthropic error body: `{ type: 'error', error: { type, message } }`. */
export function errorBody(type: string, message: string) {
  return { type: 'error', error: { type, message } } as const;
}

/** The wire form of a scripted block. */
type WireBlock = TextBlock | ThinkingBlock | ToolUseBlock;

/** A `Message` made of scripted blocks. */
export interface ScriptedMessage extends Message {
  content: WireBlock[];
}

/** The complete wire blocks of a reply, with ids and signatures filled in. */
function wireBlocks(content: ScriptedBlock[]): WireBlock[] {
  return content.map((block): WireBlock => {
    switch (block.type) {
      case 'text':
        return { type: 'text', text: block.text, citations: null };
      case 'thinking':
        return {
          type: 'thinking',
          thinking: block.thinking,
          signature: block.signature ?? SCRIPTED_SIGNATURE,
        };
      case 'tool_use':
        return {
          type: 'tool_use',
          id: block.id ?? newId('toolu_'),
          name: block.name,
          input: block.input,
          caller: { type: 'direct' },
        };
    }
  });
}

function usageOf(inputTokens: number, outputTokens: number): Usage {
  return {
    cache_creation: null,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    inference_geo: null,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
}

/**
 * The input tokens of a request, as the server counts them: about four characters a token of
 * its system prompt, messages and tools. Its answers' `usage` and its context window use it.
 */
export function inputTokensOf(body: MessageCreateParamsBase): number {
  return estimateTokens(
    JSON.stringify([body.system ?? '', body.messages, body.tools ?? []]).length,
  );
}

/** The `Message` a reply stands for, as a non-streamed response returns it. */
export function buildMessage(body: MessageCreateParamsBase, reply: ScriptedReply): ScriptedMessage {
  const content = wireBlocks(reply.content);
  const outputChars = content
    .map((block) => {
      if (block.type === 'text') return block.text.length;
      if (block.type === 'thinking') return block.thinking.length;
      return JSON.stringify(block).length;
    })
    .reduce((sum, n) => sum + n, 0);
  const hasToolUse = content.some((block) => block.type === 'tool_use');
  return {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    container: null,
    diagnostics: null,
    stop_reason: reply.stopReason ?? (hasToolUse ? 'tool_use' : 'end_turn'),
    stop_details: null,
    stop_sequence: null,
    usage: usageOf(
      reply.usage?.inputTokens ?? inputTokensOf(body),
      reply.usage?.outputTokens ?? estimateTokens(outputChars),
    ),
  };
}

/** Splits `value` into pieces of `size` characters (code points), at least one piece. */
function chunks(value: string, size: number): string[] {
  const chars = Array.from(value);
  const step = Math.max(1, Math.floor(size));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += step) pieces.push(chars.slice(i, i + step).join(''));
  return pieces.length > 0 ? pieces : [''];
}

/** The empty block `content_block_start` announces, and the deltas that fill it. */
function streamBlock(block: WireBlock, size: number): [ContentBlock, RawContentBlockDelta[]] {
  switch (block.type) {
    case 'text':
      return [
        { ...block, text: '' },
        chunks(block.text, size).map((text) => ({ type: 'text_delta', text })),
      ];
    case 'thinking':
      return [
        { ...block, thinking: '', signature: '' },
        [
          ...chunks(block.thinking, size).map((thinking): RawContentBlockDelta => ({
            type: 'thinking_delta',
            thinking,
          })),
          { type: 'signature_delta', signature: block.signature },
        ],
      ];
    case 'tool_use':
      return [
        { ...block, input: {} },
        chunks(JSON.stringify(block.input), size).map((partial_json) => ({
          type: 'input_json_delta',
          partial_json,
        })),
      ];
  }
}

/** A named SSE event. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * The SSE events that stream `message`: `message_start`, `ping`, per block
 * `content_block_start` / `content_block_delta`… / `content_block_stop`, `message_delta`,
 * `message_stop`.
 */
export function streamEvents(message: ScriptedMessage, chunkSize = 8): SseEvent[] {
  const events: RawMessageStreamEvent[] = [];
  const start: Message = {
    ...message,
    content: [],
    stop_reason: null,
    usage: { ...message.usage, output_tokens: 1 },
  };
  events.push({ type: 'message_start', message: start });
  message.content.forEach((block, index) => {
    const [empty, deltas] = streamBlock(block, chunkSize);
    events.push({ type: 'content_block_start', index, content_block: empty });
    for (const delta of deltas) events.push({ type: 'content_block_delta', index, delta });
    events.push({ type: 'content_block_stop', index });
  });
  events.push({
    type: 'message_delta',
    delta: {
      container: null,
      stop_details: null,
      stop_reason: message.stop_reason,
      stop_sequence: null,
    },
    usage: {
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      input_tokens: message.usage.input_tokens,
      output_tokens: message.usage.output_tokens,
      output_tokens_details: null,
      server_tool_use: null,
    },
  });
  events.push({ type: 'message_stop' });
  const sse = events.map((data): SseEvent => ({ event: data.type, data }));
  // The API sends a keep-alive ping right after message_start.
  sse.splice(1, 0, { event: 'ping', data: { type: 'ping' } });
  return sse;
}

/** One SSE event in wire form. */
export function formatSse({ event, data }: SseEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
