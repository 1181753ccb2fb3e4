import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Forwards to the emulator, but drops the connection instead of answering the first ImportKeyMaterial
 * (`before: true`: drops it before it reaches the emulator, so that import never happens).
 */
export async function lossyProxy(
  target: string,
  o: { before?: boolean } = {},
): Promise<{ url: string; importsSeen(): number; importBodies(): string[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const bodies: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isImport = req.headers['x-amz-target'] === 'TrentService.ImportKeyMaterial';
      if (isImport) bodies.push(createHash('sha256').update(body).digest('hex'));
      if (isImport && o.before && bodies.length === 1) {
        req.socket.destroy();
        return;
      }
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (upRes) => {
          const out: Buffer[] = [];
          upRes.on('data', (c: Buffer) => out.push(c));
          upRes.on('end', () => {
            if (isImport && bodies.length === 1) {
              req.socket.destroy();
              return;
            }
            res.writeHead(upRes.statusCode ?? 500, upRes.headers);
            res.end(Buffer.concat(out));
          });
        },
      );
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    importsSeen: () => bodies.length,
    importBodies: () => bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
