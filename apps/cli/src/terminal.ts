/** The part of a writable stream that the CLI uses: a TTY has `isTTY` and `columns`. */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Environment variables the terminal settings depend on. */
export interface TerminalEnv {
  NO_COLOR?: string | undefined;
  FORCE_COLOR?: string | undefined;
  TERM?: string | undefined;
}

/** Whether `stream` is an interactive terminal that understands cursor movement. */
export function isInteractive(stream: OutputStream, env: TerminalEnv): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * Whether to colour what goes to `stream`: never with `--no-color` or `NO_COLOR`
 * (https://no-color.org), always with `FORCE_COLOR` (other than `0`), else only on a terminal.
 */
export function colorEnabled(stream: OutputStream, env: TerminalEnv, noColorFlag = false): boolean {
  if (noColorFlag || (env.NO_COLOR ?? '') !== '') return false;
  if ((env.FORCE_COLOR ?? '') !== '' && env.FORCE_COLOR !== '0') return true;
  return isInteractive(stream, env);
}

/** ANSI styles, or the identity when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

/** The styles to use: ANSI codes when `color`, plain text otherwise. */
export function createStyle(color: boolean): Style {
  if (!color)
    return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return {
    bold: ansi(1, 22),
    dim: ansi(2, 22),
    red: ansi(31, 39),
    green: ansi(32, 39),
    yellow: ansi(33, 39),
    cyan: ansi(36, 39),
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
const CLEAR_LINE = '\r\x1b[2K';

/**
 * Lines of output, with a spinner and a status text under them on a terminal ("thinking… 3s").
 * Off a terminal the status is never drawn, so piped output holds only the lines.
 */
export class LineWriter {
  private status: string | undefined;
  private since = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;
  /** A line is being written piece by piece (streamed text): no status until it ends. */
  private open = false;

  constructor(
    private readonly stream: OutputStream,
    private readonly interactive: boolean,
    private readonly style: Style,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes one line (or several, joined by newlines) above the status. */
  line(text: string): void {
    this.clear();
    this.endLine();
    this.stream.write(`${text}\n`);
    this.draw();
  }

  /**
   * Writes `text` where the output stands, leaving the line open for more (text as the model
   * writes it). The status line stays hidden until the line ends.
   */
  write(text: string): void {
    if (text === '') return;
    this.clear();
    this.stream.write(text);
    this.open = !text.endsWith('\n');
  }

  /** Ends a line that {@link write} left open; nothing when none is. */
  endLine(): void {
    if (!this.open) return;
    this.stream.write('\n');
    this.open = false;
  }

  /** Shows `text` with a spinner until the next `setStatus` or `stop`; a no-op off a terminal. */
  setStatus(text: string): void {
    if (!this.interactive) return;
    if (text !== this.status) this.since = this.now();
    this.status = text;
    if (!this.timer) {
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % FRAMES.length;
        this.draw();
      }, FRAME_MS);
      this.timer.unref();
    }
    this.draw();
  }

  /** Removes the status line and stops the spinner. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    this.endLine();
    this.status = undefined;
  }

  private draw(): void {
    if (this.status === undefined || this.open) return;
    const seconds = Math.floor((this.now() - this.since) / 1000);
    const text = `${FRAMES[this.frame]} ${this.status}${seconds > 0 ? ` ${seconds}s` : ''}`;
    // A terminal that does not know its size says 0 columns.
    const width = this.stream.columns || 80;
    this.stream.write(`${CLEAR_LINE}${this.style.cyan(truncate(text, width - 1))}`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.stream.write(CLEAR_LINE);
    this.drawn = false;
  }
}

/** `text` cut to at most `width` characters, with an ellipsis when cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}
