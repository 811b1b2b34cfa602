import { createServer } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (for child processes that cannot listen(0) for us). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A free port for a server the tests kill and start again on the same port (Redis): outside the
 * kernel's ephemeral range (32768-60999 here), where listen(0) and outgoing connections take
 * theirs, and in a band of its own per Jest worker, so that no other suite's server or
 * connection can take it while the server is down.
 */
export async function restartablePort(): Promise<number> {
  const band = 20_000 + (Number(process.env.JEST_WORKER_ID ?? 0) % 10) * 1000;
  for (let i = 0; i < 50; i++) {
    const port = band + Math.floor(Math.random() * 1000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return freePort();
}
