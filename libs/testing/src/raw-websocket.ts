import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { operations } from '@komputer/contracts';
import { HANDSHAKE_HEADERS } from './upgrade';

/** One WebSocket frame, built by hand, bits and all. */
interface FrameOptions {
  opcode: number;
  payload?: Buffer | string;
  /** Default true: the last frame of its message. */
  fin?: boolean;
  /** RSV1, RSV2 and RSV3 as the bits 0b100, 0b010 and 0b001. */
  rsv?: number;
  /** Default true: a client masks every frame it sends. */
  masked?: boolean;
  /** A length to announce in the 64-bit length field instead of the payload's own. */
  announcedLength?: bigint;
}

/** The bytes of one frame, whatever RFC 6455 thinks of it. */
function wsFrame(options: FrameOptions): Buffer {
  const { opcode, fin = true, rsv = 0, masked = true, announcedLength } = options;
  const data = Buffer.from(options.payload ?? '');
  const length = announcedLength ?? BigInt(data.length);
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (announcedLength === undefined && data.length < 126) {
    header = Buffer.from([0, maskBit | data.length]);
  } else if (announcedLength === undefined && data.length < 0x10000) {
    header = Buffer.alloc(4);
    header[1] = maskBit | 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(length, 2);
  }
  header[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  if (!masked) return Buffer.concat([header, data]);
  const mask = randomBytes(4);
  return Buffer.concat([header, mask, data.map((byte, i) => byte ^ (mask[i % 4] ?? 0))]);
}

/** A close frame's payload: a code, and a reason given as bytes so that it may be bad UTF-8. */
function closePayload(code: number, reason: Buffer = Buffer.alloc(0)): Buffer {
  const payload = Buffer.alloc(2 + reason.length);
  payload.writeUInt16BE(code, 0);
  reason.copy(payload, 2);
  return payload;
}

/** Bytes that break RFC 6455 on a socket, and the close code that a server must answer with. */
export interface MalformedFrame {
  title: string;
  bytes: Buffer;
  closeCode: 1002 | 1007 | 1009;
}

const INVALID_UTF8 = Buffer.from([0x61, 0xc3, 0x28, 0xff]);

/**
 * Every kind of malformed client frame, for a server that takes messages of at most
 * `maxPayload` bytes and negotiates no extension.
 */
export function malformedFrames(maxPayload: number): MalformedFrame[] {
  const text = (payload: Buffer | string, more: Partial<FrameOptions> = {}) =>
    wsFrame({ opcode: 1, payload, ...more });
  const close = (code: number): MalformedFrame => ({
    title: `a close frame with code ${code}`,
    bytes: wsFrame({ opcode: 8, payload: closePayload(code) }),
    closeCode: 1002,
  });
  const reserved = (opcode: number): MalformedFrame => ({
    title: `reserved opcode 0x${opcode.toString(16)}`,
    bytes: wsFrame({ opcode, payload: 'x' }),
    closeCode: 1002,
  });
  const half = Math.ceil((maxPayload + 1) / 2);
  return [
    ...[999, 1004, 1005, 1006, 1015, 2999, 5000].map(close),
    {
      title: 'a close frame with a one-byte payload',
      bytes: wsFrame({ opcode: 8, payload: Buffer.from([3]) }),
      closeCode: 1002,
    },
    {
      title: 'a close reason that is not UTF-8',
      bytes: wsFrame({ opcode: 8, payload: closePayload(1000, INVALID_UTF8) }),
      closeCode: 1007,
    },
    ...([1, 2, 3] as const).map((n): MalformedFrame => ({
      title: `RSV${n} set`,
      bytes: text('x', { rsv: 0b1000 >> n }),
      closeCode: 1002,
    })),
    ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map(reserved),
    { title: 'an unmasked client frame', bytes: text('x', { masked: false }), closeCode: 1002 },
    {
      title: 'a fragmented control frame',
      bytes: wsFrame({ opcode: 9, payload: 'x', fin: false }),
      closeCode: 1002,
    },
    {
      title: 'a control frame over 125 bytes',
      bytes: wsFrame({ opcode: 9, payload: Buffer.alloc(126) }),
      closeCode: 1002,
    },
    {
      title: 'a continuation frame with nothing to continue',
      bytes: wsFrame({ opcode: 0, payload: 'x' }),
      closeCode: 1002,
    },
    {
      title: 'a new message inside a fragmented one',
      bytes: Buffer.concat([text('a', { fin: false }), text('b')]),
      closeCode: 1002,
    },
    { title: 'a text frame that is not UTF-8', bytes: text(INVALID_UTF8), closeCode: 1007 },
    {
      title: 'a fragmented text message that is not UTF-8',
      bytes: Buffer.concat([
        text(INVALID_UTF8.subarray(0, 2), { fin: false }),
        wsFrame({ opcode: 0, payload: INVALID_UTF8.subarray(2) }),
      ]),
      closeCode: 1007,
    },
    {
      title: 'a 64-bit length with the top bit set',
      bytes: wsFrame({ opcode: 2, announcedLength: 1n << 63n }),
      closeCode: 1009,
    },
    {
      title: `a frame over ${maxPayload} bytes`,
      bytes: text(Buffer.alloc(maxPayload + 1, 0x61)),
      closeCode: 1009,
    },
    {
      title: `a fragmented message over ${maxPayload} bytes`,
      bytes: Buffer.concat([
        text(Buffer.alloc(half, 0x61), { fin: false }),
        wsFrame({ opcode: 0, payload: Buffer.alloc(half, 0x61) }),
      ]),
      closeCode: 1009,
    },
  ];
}

/** How a raw socket ended: the code of the server's close frame, if it sent one. */
interface RawClose {
  code: number | undefined;
  reason: string;
}

/**
 * A WebSocket client made by hand over TCP, so that a test can send what no real client would.
 * It keeps the text messages the server sends, and ends the connection once the server's close
 * frame arrives, as a client's closing handshake does.
 */
export class RawWebSocket {
  /** The text messages received, in order. */
  readonly messages: string[] = [];
  /** Resolves once the connection has ended. */
  readonly closed: Promise<RawClose>;
  private received = Buffer.alloc(0);
  private closeFrame: RawClose | undefined;
  private waiters: (() => void)[] = [];
  private ended = false;

  private constructor(private readonly socket: Socket) {
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.ended = true;
        resolve(this.closeFrame ?? { code: undefined, reason: '' });
        this.notify();
      });
    });
  }

  /** Completes a valid handshake at `url` (`ws://`); rejects unless the server answers 101. */
  static open(url: string, timeoutMs = 5_000): Promise<RawWebSocket> {
    const { hostname, port, pathname, search } = new URL(url);
    const socket = connect(Number(port), hostname);
    const head = Object.entries({ Host: `${hostname}:${port}`, ...HANDSHAKE_HEADERS })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`GET ${pathname}${search} HTTP/1.1\r\n${head}\r\n`);
    return new Promise((resolve, reject) => {
      let answer = Buffer.alloc(0);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no handshake answer from ${url}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        answer = Buffer.concat([answer, chunk]);
        const end = answer.indexOf('\r\n\r\n');
        if (end < 0) return;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', fail);
        const status = answer.subarray(0, answer.indexOf('\r\n')).toString();
        if (!status.startsWith('HTTP/1.1 101 ')) {
          fail(new Error(`${url} answered ${status}`));
          return;
        }
        const client = new RawWebSocket(socket);
        client.read(answer.subarray(end + 4));
        resolve(client);
      };
      socket.on('data', onData);
      socket.once('error', fail);
    });
  }

  /** Sends raw bytes. */
  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits until `n` messages arrived; rejects on timeout, or when the connection ended first. */
  count(n: number, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.messages.length >= n) resolve();
        else if (this.ended) reject(new Error(`ended after ${this.messages.length} messages`));
        else return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out with ${this.messages.length} messages`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Resolves with how the connection ended; rejects if it is still open after `timeoutMs`. */
  whenClosed(timeoutMs = 5_000): Promise<RawClose> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.closed,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the server did not close')), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Drops the connection. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Takes the server's frames (unmasked, as a server's are) out of what arrived. */
  private read(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    for (;;) {
      const frame = this.received;
      if (frame.length < 2) return;
      const opcode = (frame[0] ?? 0) & 0x0f;
      const short = (frame[1] ?? 0) & 0x7f;
      const start = short === 126 ? 4 : short === 127 ? 10 : 2;
      if (frame.length < start) return;
      const length =
        short === 126
          ? frame.readUInt16BE(2)
          : short === 127
            ? Number(frame.readBigUInt64BE(2))
            : short;
      if (frame.length < start + length) return;
      const payload = frame.subarray(start, start + length);
      this.received = frame.subarray(start + length);
      if (opcode === 1) this.messages.push(payload.toString());
      if (opcode === 8) {
        this.closeFrame = {
          code: payload.length >= 2 ? payload.readUInt16BE(0) : undefined,
          reason: payload.subarray(2).toString(),
        };
        this.socket.end();
      }
      this.notify();
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * The path of every WebSocket operation, opened on agent `name`: in the path where it takes a
 * name, else in `agents=`.
 */
export function socketPaths(name: string): string[] {
  return Object.values(operations)
    .filter((op) => op.success.status === 101)
    .map((op) =>
      op.path.includes('{name}') ? op.path.replace('{name}', name) : `${op.path}?agents=${name}`,
    );
}

/**
 * Opens a socket at `url` with a valid handshake, sends `bytes`, and resolves with the code of
 * the close frame that the server answered with.
 */
export async function closeCodeAfter(url: string, bytes: Buffer): Promise<number | undefined> {
  const socket = await RawWebSocket.open(url);
  socket.send(bytes);
  return (await socket.whenClosed()).code;
}
