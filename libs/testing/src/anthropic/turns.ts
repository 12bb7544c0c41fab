import type { IncomingHttpHeaders } from 'node:http';
import type { MessageCreateParamsBase, StopReason } from '@anthropic-ai/sdk/resources/messages';

/** One content block of a scripted reply; the server fills in the remaining wire fields. */
export type ScriptedBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> };

/** How a streamed reply breaks off before `message_stop`. */
export interface StreamFailure {
  /** How many SSE events (`ping` included) to send before failing. */
  afterEvents: number;
  /** The SSE `error` event to send. Default: `overloaded_error` "Overloaded"; `null` sends none. */
  error?: { type: string; message: string } | null;
  /** Destroy the socket instead of ending the response. Default false. */
  destroySocket?: boolean;
}

/** A successful model answer. */
export interface ScriptedReply {
  content: ScriptedBlock[];
  /** Default: `tool_use` when the content has a tool_use block, else `end_turn`. */
  stopReason?: StopReason;
  /** Overrides the estimated token counts (about four characters a token). */
  usage?: { inputTokens?: number; outputTokens?: number };
  /** Pause between SSE events, or before a non-streamed response. Default 0. */
  delayMs?: number;
  /** Characters per text, thinking or input JSON delta. Default 8. */
  chunkSize?: number;
  /**
   * Break a streamed reply off. A non-streamed request gets the error as an HTTP error, or a
   * destroyed socket when `destroySocket` is set or `error` is `null`.
   */
  streamFailure?: StreamFailure;
}

/** An HTTP error answer, e.g. 429 `rate_limit_error` or 529 `overloaded_error`. */
export interface ScriptedError {
  error: { status: number; type: string; message: string };
  /** Extra response headers, e.g. `{ 'retry-after': '0' }`. */
  headers?: Record<string, string>;
}

/** A request to `POST /v1/messages` as the server received it. */
export interface ScriptedRequest {
  /** The JSON body; only `model`, `max_tokens` and `messages` are checked. */
  body: MessageCreateParamsBase;
  /** Lower-cased header names, as node parses them. */
  headers: IncomingHttpHeaders;
  receivedAt: Date;
}

/** Decides the answer from the request. */
export type TurnFunction = (request: ScriptedRequest) => ScriptedTurn | Promise<ScriptedTurn>;

/** One entry of the script: each request consumes the next one. */
export type ScriptedTurn = ScriptedReply | ScriptedError | TurnFunction;

/** A text block. */
export function text(value: string): ScriptedBlock {
  return { type: 'text', text: value };
}

/** A thinking block; the server makes up a signature unless one is given. */
export function thinking(value: string, signature?: string): ScriptedBlock {
  return signature === undefined
    ? { type: 'thinking', thinking: value }
    : { type: 'thinking', thinking: value, signature };
}

/** A tool_use block; the server makes up a `toolu_` id unless one is given. */
export function toolUse(name: string, input: Record<string, unknown>, id?: string): ScriptedBlock {
  return id === undefined
    ? { type: 'tool_use', name, input }
    : { type: 'tool_use', id, name, input };
}

/** The HTTP status the Messages API uses for each error type. */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The HTTP status for an Anthropic error type (500 for unknown types). */
export function statusForErrorType(type: string): number {
  return STATUS_BY_ERROR_TYPE[type] ?? 500;
}

/**
 * An error answer with the status that goes with `type`, e.g.
 * `apiError('rate_limit_error', 'Slow down', { 'retry-after': '0' })`.
 */
export function apiError(
  type: string,
  message = type,
  headers?: Record<string, string>,
): ScriptedError {
  const error = { status: statusForErrorType(type), type, message };
  return headers ? { error, headers } : { error };
}

/** The text of the last user message, its text blocks joined by newlines ('' when none). */
export function lastUserText(request: ScriptedRequest): string {
  const last = request.body.messages.findLast((message) => message.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return last.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
}

/** An offline responder that answers every request with `echo: <last user text>`. */
export function echoLastUserText(request: ScriptedRequest): ScriptedReply {
  return { content: [text(`echo: ${lastUserText(request)}`)] };
}
