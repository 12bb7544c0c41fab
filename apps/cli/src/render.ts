import type { Style } from './terminal';
import { truncate } from './terminal';

/** The fields of an event that rendering reads; every agent event has them. */
export interface RenderableEvent {
  id: string;
  type: string;
  agentName?: string;
  taskId?: string;
  timestamp: string;
  payload?: unknown;
}

/** Options for {@link EventRenderer}. */
export interface EventRendererOptions {
  style: Style;
  /** The terminal's width; long single-line summaries are cut to it. */
  width: number;
  /** Start each event with its time (`logs`). */
  timestamps?: boolean;
}

/** Lines of a tool result shown; the rest is counted. */
const RESULT_LINES = 4;
/** Lines of a thinking block shown. */
const THINKING_LINES = 3;

const TERMINAL_TYPES = new Set(['task_completed', 'task_cancelled', 'error']);

/** Whether the event ends its task. */
export const isTerminal = (event: RenderableEvent): boolean => TERMINAL_TYPES.has(event.type);

const field = (payload: unknown, name: string): unknown =>
  typeof payload === 'object' && payload !== null
    ? (payload as Record<string, unknown>)[name]
    : undefined;
const stringField = (payload: unknown, name: string): string => {
  const value = field(payload, name);
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
};
const numberField = (payload: unknown, name: string): number | undefined => {
  const value = field(payload, name);
  return typeof value === 'number' ? value : undefined;
};

/** `$0.0123`. */
export const formatCost = (usd: number): string => `$${usd.toFixed(4)}`;

/** `850ms`, `3.4s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.floor(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** How long ago `iso` was, coarsely: `12s`, `5m`, `3h`, `2d`. */
export function formatAge(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return '';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** What a tool call does, in one line: a Bash command, a path, or the input as JSON. */
export function summariseToolInput(input: unknown): string {
  for (const key of ['command', 'file_path', 'path', 'pattern', 'url', 'query']) {
    const value = field(input, key);
    if (typeof value === 'string') return value.replace(/\s*\n\s*/g, ' ⏎ ');
  }
  return input === undefined ? '' : JSON.stringify(input);
}

/**
 * What to write for one event of a live stream: `text` where the output stands (the model's
 * words as they come, which may leave the line open), then whole `lines`, which start on a line
 * of their own.
 */
export interface LiveRendering {
  text: string;
  lines: string[];
}

/** Where the lines of an event go under its time (`09:00:00 `) with timestamps. */
const TIME_INDENT = ' '.repeat(9);

/**
 * Turns events into the lines a person reads: the model's text as it is, a tool call and a
 * short result, the end of the task with its cost. One renderer follows one stream, because
 * it remembers the last text, so that a task's result is not shown twice, and the text that
 * `text_delta`s showed, so that the `text` event that follows them is not shown twice either.
 */
export class EventRenderer {
  private lastText: string | undefined;
  /** The text of the block under way that its `text_delta`s showed. */
  private streamed = '';
  /** The streamed text ended a line: the next piece starts under the time (timestamps). */
  private atLineStart = false;

  constructor(private readonly options: EventRendererOptions) {}

  /**
   * What to write for `event` as it comes live: a `text_delta`'s piece at once, on the line
   * being written; the `text` event that ends the block only what its deltas have not shown,
   * and the end of the line; any other event its lines. Should the deltas not match the text
   * (the stream was joined in the middle of a block), the text is shown whole on its own line.
   */
  live(event: RenderableEvent): LiveRendering {
    if (event.type === 'text_delta') {
      const piece = stringField(event.payload, 'content');
      const start = this.streamed === '' && piece !== '' ? this.timePrefix(event) : '';
      this.streamed += piece;
      return { text: start + this.flow(piece), lines: [] };
    }
    const streamed = this.streamed;
    this.streamed = '';
    this.atLineStart = false;
    if (event.type === 'text' && streamed !== '') {
      const content = stringField(event.payload, 'content');
      if (content.startsWith(streamed)) {
        this.lastText = content;
        const rest = this.flow(content.slice(streamed.length));
        this.atLineStart = false;
        return { text: rest.endsWith('\n') ? rest : `${rest}\n`, lines: [] };
      }
    }
    return { text: '', lines: this.render(event) };
  }

  /** A streamed piece, its lines after the first under the time (with timestamps). */
  private flow(piece: string): string {
    if (!this.options.timestamps || piece === '') return piece;
    const indented = `${this.atLineStart ? TIME_INDENT : ''}${piece.replace(/\n(?=[\s\S])/g, `\n${TIME_INDENT}`)}`;
    this.atLineStart = piece.endsWith('\n');
    return indented;
  }

  /** `09:00:00 ` with timestamps; nothing without. */
  private timePrefix(event: RenderableEvent): string {
    return this.options.timestamps ? `${this.options.style.dim(clock(event.timestamp))} ` : '';
  }

  /** The lines of one event; none for events that only a machine needs (`text_delta`). */
  render(event: RenderableEvent): string[] {
    const lines = this.body(event).flatMap((line) => line.split('\n'));
    if (!this.options.timestamps || lines.length === 0) return lines;
    return lines.map((line, i) =>
      i === 0 ? `${this.timePrefix(event)}${line}` : `${TIME_INDENT}${line}`,
    );
  }

  /** What the status line says after this event while the task goes on; none once it ended. */
  statusAfter(event: RenderableEvent): string | undefined {
    if (isTerminal(event)) return undefined;
    if (event.type === 'tool_call') return `running ${stringField(event.payload, 'tool')}…`;
    if (event.type === 'approval_requested') {
      return `waiting for approval: komputer approve ${event.agentName ?? '<agent>'} ${stringField(event.payload, 'approval_id')}`;
    }
    return 'thinking…';
  }

  private body(event: RenderableEvent): string[] {
    const { style } = this.options;
    const p = event.payload;
    switch (event.type) {
      case 'task_started': {
        const task = event.taskId ? ` ${event.taskId.slice(0, 8)}` : '';
        const resuming =
          field(p, 'resuming_session') === true ? ' · continues its conversation' : '';
        return [style.bold(`▶ task${task} started · ${stringField(p, 'model')}${resuming}`)];
      }
      case 'thinking':
        return this.excerpt(stringField(p, 'content'), THINKING_LINES).map((l) =>
          style.dim(`✻ ${l}`),
        );
      case 'text': {
        const content = stringField(p, 'content');
        this.lastText = content;
        return [content];
      }
      case 'text_delta':
        return [];
      case 'tool_call':
        return [
          this.oneLine(
            `${style.cyan('→')} ${style.bold(stringField(p, 'tool'))} `,
            summariseToolInput(field(p, 'input')),
          ),
        ];
      case 'tool_result': {
        const isError = field(p, 'is_error') === true;
        const output = stringField(p, 'output');
        const mark = isError ? style.red('  ✗ ') : style.dim('  │ ');
        if (output.trim() === '') return [`${mark}${style.dim('(no output)')}`];
        return this.excerpt(output, RESULT_LINES).map((l) => this.oneLine(mark, l));
      }
      case 'user_message':
        return [`${style.cyan('»')} ${stringField(p, 'content')}`];
      case 'compaction': {
        const before = numberField(p, 'tokens_before');
        const after = numberField(p, 'tokens_after');
        const sizes =
          before === undefined || after === undefined
            ? ''
            : ` · ${before.toLocaleString('en-US')} → ${after.toLocaleString('en-US')} tokens`;
        return [
          style.dim(
            `⋯ the conversation was summarised (${stringField(p, 'trigger') || 'auto'})${sizes}`,
          ),
        ];
      }
      case 'warning':
        return [style.yellow(`! ${stringField(p, 'message')}`)];
      case 'approval_requested':
        return [
          style.yellow(
            `? ${stringField(p, 'tool')} waits for approval · ${stringField(p, 'approval_id')}`,
          ),
        ];
      case 'approval_resolved': {
        const decision = stringField(p, 'decision');
        const reason = stringField(p, 'reason');
        const mark = decision === 'approved' ? style.cyan('✓') : style.red('✗');
        return [`${mark} ${decision}${reason ? ` · ${reason}` : ''}`];
      }
      case 'task_completed':
        return this.completed(p);
      case 'task_cancelled': {
        const reason = stringField(p, 'reason');
        return [style.yellow(`■ cancelled${reason ? ` · ${reason}` : ''}`)];
      }
      case 'error':
        return [
          style.red(
            `✗ failed · ${stringField(p, 'error')}${field(p, 'retryable') === true ? ' (retryable)' : ''}`,
          ),
        ];
      default:
        return [style.dim(`${event.type} ${JSON.stringify(p ?? {})}`)];
    }
  }

  private completed(p: unknown): string[] {
    const result = stringField(p, 'result');
    const lines = result !== '' && result !== this.lastText ? [result] : [];
    const turns = numberField(p, 'turns');
    const cost = numberField(p, 'cost_usd');
    const duration = numberField(p, 'duration_ms');
    const facts = [
      'completed',
      turns === undefined ? undefined : `${turns} turn${turns === 1 ? '' : 's'}`,
      cost === undefined ? undefined : formatCost(cost),
      duration === undefined ? undefined : formatDuration(duration),
    ].filter((f) => f !== undefined);
    lines.push(this.options.style.green(`✓ ${facts.join(' · ')}`));
    return lines;
  }

  /** The first `max` lines of `text`, then how many more there are. */
  private excerpt(text: string, max: number): string[] {
    const lines = text.replace(/\n+$/, '').split('\n');
    if (lines.length <= max) return lines;
    const more = lines.length - max;
    return [...lines.slice(0, max), `… ${more} more line${more === 1 ? '' : 's'}`];
  }

  /** `prefix` then `text` cut to the terminal's width (the prefix's colour codes not counted). */
  private oneLine(prefix: string, text: string): string {
    // eslint-disable-next-line no-control-regex
    const visible = prefix.replace(/\x1b\[[0-9;]*m/g, '').length;
    return prefix + truncate(text, Math.max(20, this.options.width - visible));
  }
}

/** `09:00:00`, local time. */
function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toTimeString().slice(0, 8);
}

/** Columns padded to the widest cell; `colour` styles a cell after padding. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  style: Style,
  colour: (column: number, cell: string, padded: string) => string = (_c, _cell, padded) => padded,
): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cells: readonly string[], styled: (i: number, cell: string, p: string) => string) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0);
        return styled(i, cell, padded);
      })
      .join('  ')
      .trimEnd();
  return [pad(headers, (_i, _c, p) => style.bold(p)), ...rows.map((r) => pad(r, colour))];
}

/** `key: value` lines, the keys aligned; empty values are left out. */
export function renderFields(
  fields: readonly (readonly [string, string | undefined])[],
  style: Style,
): string[] {
  const shown = fields.filter((f): f is readonly [string, string] => !!f[1]);
  const width = Math.max(...shown.map(([key]) => key.length)) + 1;
  return shown.map(([key, value]) => {
    const [first, ...rest] = value.split('\n');
    return [
      `${style.bold(`${key}:`.padEnd(width))} ${first}`,
      ...rest.map((l) => `${' '.repeat(width)} ${l}`),
    ].join('\n');
  });
}
