import { KomputerError } from './errors.js';

/** One Server-Sent Event: its `event` name (`message` by default), `id` and `data`. */
export interface ServerSentEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/** Longest line the parser holds before it gives up on the stream. */
export const MAX_SSE_LINE = 8 * 1024 * 1024;

/**
 * The events of a `text/event-stream` body, as the HTML standard parses them: `id`, `event`
 * and `data` fields (several `data` lines joined by newlines), comments ignored, an event
 * dispatched at each blank line. `onActivity` is called whenever bytes arrive, heartbeats
 * included.
 */
export async function* parseSse(
  body: ReadableStream<Uint8Array>,
  onActivity: () => void = () => undefined,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let event = '';
  let id: string | undefined;
  let data: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onActivity();
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = lineEnd(buffer)) >= 0) {
        const line = buffer.slice(0, end);
        const crlf = buffer[end] === '\r' && buffer[end + 1] === '\n';
        buffer = buffer.slice(end + (crlf ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', id, data: data.join('\n') };
          event = '';
          id = undefined;
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'id' && !value.includes('\0')) id = value;
      }
      if (buffer.length > MAX_SSE_LINE) {
        throw new KomputerError(`An event stream line is longer than ${MAX_SSE_LINE} characters.`);
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Index of the first line terminator in `text`, or -1; a trailing '\r' waits for more. */
function lineEnd(text: string): number {
  const newline = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (cr < 0 || (newline >= 0 && newline < cr)) return newline;
  return cr === text.length - 1 ? -1 : cr;
}
