import { request } from 'node:http';

/**
 * Asks `url` for a WebSocket upgrade and resolves with the HTTP status of a refusal; rejects
 * if the server upgrades.
 */
export function refusedUpgradeStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error(`${url} upgraded`));
    });
    req.on('error', reject);
    req.end();
  });
}
