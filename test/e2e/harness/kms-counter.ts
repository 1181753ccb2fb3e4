import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Forwards every request to the emulator unchanged and counts the KMS operations it saw (by
 * X-Amz-Target), so a test can tell how often the station asked KMS for something.
 */
export async function kmsCounter(
  target: string,
): Promise<{ url: string; seen(operation: string): number; close(): Promise<void> }> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '');
    counts.set(op, (counts.get(op) ?? 0) + 1);
    const up = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: (operation) => counts.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
