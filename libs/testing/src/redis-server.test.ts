import { createConnection } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { RedisServer, startRedisServer } from './redis-server';

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

  it('with a password, refuses clients without it, and takes it through stdin, not argv', async () => {
    const password = 'p4ssw0rd-for-this-test';
    const server = await startRedisServer({ password });
    try {
      expect(server.url).toBe(`redis://:${password}@127.0.0.1:${server.port}`);
      expect(await redisCommand(server.port, 'PING')).toBe('-NOAUTH Authentication required.\r\n');
      expect(await redisCommand(server.port, `AUTH ${password}`)).toBe('+OK\r\n');
      const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8');
      expect(cmdline).toContain(`--port\0${server.port}\0`);
      expect(cmdline).not.toContain(password);
    } finally {
      await server.stop({ removeData: true });
    }
    expect(() => new RedisServer({ password: 'two words' })).toThrow(/A-Z a-z 0-9/);
  });
});
