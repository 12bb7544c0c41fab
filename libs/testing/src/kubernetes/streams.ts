// The remote command protocol of exec and attach over WebSocket: every binary message starts
// with a channel byte (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize); v5 adds 255, with
// which a client closes one of its streams (its stdin) without closing the connection.
import type { WebSocket } from 'ws';
import type { StreamSession, StreamSink } from './kubelet';

/** The subprotocols served, most preferred first. */
export const CHANNEL_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

/** Which standard streams a client asked for. */
export interface StreamRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

function statusFor(
  result: { exitCode?: number; error?: string },
  command?: string[],
): Record<string, unknown> {
  if (result.error !== undefined) {
    return {
      metadata: {},
      status: 'Failure',
      message: `Internal error occurred: ${result.error}`,
      reason: 'InternalError',
      details: { causes: [{ message: result.error }] },
      code: 500,
    };
  }
  if (!result.exitCode) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${(command ?? []).join(' ')}], exit code ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  };
}

/**
 * Serves one exec or attach session on an accepted WebSocket. `open` starts the session with
 * the sink that writes to the socket; the socket closes after the final status on the error
 * channel. A client that goes away only detaches: an attached process keeps running.
 */
export function serveChannels(
  ws: WebSocket,
  want: StreamRequest,
  open: (sink: StreamSink) => StreamSession,
  command?: string[],
): void {
  let ended = false;
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
  };
  const sink: StreamSink = {
    output: (channel, data) => {
      if (!ended) send(channel, data);
    },
    end: (result) => {
      if (ended) return;
      ended = true;
      send(ERROR, Buffer.from(JSON.stringify(statusFor(result, command))));
      ws.close(1000);
    },
  };
  // The kubelet writes an empty frame on the lowest writable channel, so the client knows the
  // streams are set up before any output.
  send(want.stdout ? STDOUT : want.stderr ? STDERR : ERROR, Buffer.alloc(0));
  let session: StreamSession;
  try {
    session = open(sink);
  } catch (err) {
    sink.end({ error: (err as Error).message });
    return;
  }
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    const data = isBinary ? raw : Buffer.from(raw.toString('utf8'));
    if (data.length === 0) return;
    const channel = data.readUInt8(0);
    if (channel === STDIN) session.stdin(data.subarray(1));
    else if (channel === CLOSE && data[1] === STDIN) session.closeStdin();
    // Resize (4) has no terminal to act on: no TTY is allocated.
  });
  ws.on('close', () => {
    ended = true;
    session.detach();
  });
  // A broken connection also emits 'close', which ends the session.
  ws.on('error', () => undefined);
}
