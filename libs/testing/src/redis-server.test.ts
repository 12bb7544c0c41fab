import { createConnection } from 'node:net';
import { existsSync } from 'node:fs';
import { startRedisServer } from './redis-server';

function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () =>
      socket.write(`${command}\r\n`),
    );
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString());
    });
    socket.once('error', reject);
  });
}

describe('RedisServer', () => {
  it('starts on a free port, keeps append-only data across a restart, and stops', async () => {
    const server = await startRedisServer({ appendOnly: true });
    try {
      expect(await redisCommand(server.port, 'SET k v')).toBe('+OK\r\n');
      const port = server.port;
      await server.stop();
      await expect(redisCommand(port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
      await server.start();
      expect(server.port).toBe(port);
      expect(await redisCommand(server.port, 'GET k')).toBe('$1\r\nv\r\n');
    } finally {
      await server.stop({ removeData: true });
    }
    expect(existsSync(server.dir)).toBe(false);
  });

  it('runs two servers side by side', async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(await redisCommand(a.port, 'PING')).toBe('+PONG\r\n');
      expect(await redisCommand(b.port, 'PING')).toBe('+PONG\r\n');
    } finally {
      await Promise.all([a.stop({ removeData: true }), b.stop({ removeData: true })]);
    }
  });
});
