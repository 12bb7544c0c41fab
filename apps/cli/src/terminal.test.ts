import type { OutputStream } from './terminal';
import { colorEnabled, createStyle, isInteractive, LineWriter, truncate } from './terminal';

/** A stream that keeps what is written, as a terminal or a pipe. */
function stream(isTTY: boolean, columns = 40): OutputStream & { text: string } {
  const s = {
    text: '',
    isTTY,
    columns,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

describe('terminal detection', () => {
  it('colours only a terminal, never with NO_COLOR or --no-color, always with FORCE_COLOR', () => {
    expect(colorEnabled(stream(true), {})).toBe(true);
    expect(colorEnabled(stream(false), {})).toBe(false);
    expect(colorEnabled(stream(true), { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(stream(true), { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled(stream(true), {}, true)).toBe(false);
    expect(colorEnabled(stream(false), { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(stream(false), { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled(stream(true), { TERM: 'dumb' })).toBe(false);
    expect(isInteractive(stream(true), { TERM: 'dumb' })).toBe(false);
  });

  it('styles with ANSI codes only when colour is on', () => {
    expect(createStyle(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(createStyle(false).red('x')).toBe('x');
  });

  it('truncates with an ellipsis, counting characters rather than UTF-16 units', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('😀😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('LineWriter', () => {
  it('writes only the lines off a terminal: no status, no escape codes', () => {
    const out = stream(false);
    const writer = new LineWriter(out, false, createStyle(false));
    writer.setStatus('thinking…');
    writer.line('hello');
    writer.stop();
    expect(out.text).toBe('hello\n');
  });

  it('on a terminal, draws the status under the lines and clears it before each line', () => {
    const out = stream(true);
    let now = 0;
    const writer = new LineWriter(out, true, createStyle(false), () => now);
    writer.setStatus('thinking…');
    expect(out.text).toBe('\r\x1b[2K⠋ thinking…');
    now = 3_500;
    writer.line('hello');
    expect(out.text.endsWith('\r\x1b[2Khello\n\r\x1b[2K⠋ thinking… 3s')).toBe(true);
    writer.stop();
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
    const before = out.text;
    writer.line('bye');
    expect(out.text.slice(before.length)).toBe('bye\n');
  });

  it('fits the status to 80 columns on a terminal that does not know its width', () => {
    const out = stream(true, 0);
    new LineWriter(out, true, createStyle(false)).setStatus('x'.repeat(100));
    expect(out.text).toBe(`\r\x1b[2K⠋ ${'x'.repeat(76)}…`);
  });

  it('writes streamed text on an open line, and hides the status until the line ends', () => {
    const out = stream(true);
    const writer = new LineWriter(out, true, createStyle(false), () => 0);
    writer.setStatus('thinking…');
    writer.write('Hel');
    writer.setStatus('thinking…');
    writer.write('lo');
    // The status was cleared once, before the text, and not drawn over the open line.
    expect(out.text).toBe('\r\x1b[2K⠋ thinking…\r\x1b[2KHello');
    writer.line('→ Bash ls');
    expect(out.text.endsWith('Hello\n→ Bash ls\n\r\x1b[2K⠋ thinking…')).toBe(true);
    writer.write('Done.');
    writer.stop();
    expect(out.text.endsWith('Done.\n')).toBe(true);
  });
});
