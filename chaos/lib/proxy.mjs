// A TCP load balancer on loopback, standing in for the one in front of a hub cluster: each new
// connection goes to the next backend that accepts it (round-robin, skipping the dead). It can
// also cut connections, which is how the chaos cases drop client transports.
import { connect, createServer } from 'node:net';

export function startProxy(backends) {
  const pairs = new Set();
  let next = 0;
  const server = createServer((client) => {
    client.pause();
    const tryBackend = (left) => {
      if (left === 0) return client.destroy();
      const port = backends[next++ % backends.length];
      const upstream = connect({ host: '127.0.0.1', port });
      upstream.once('error', () => {
        upstream.destroy();
        if (!pair.connected) tryBackend(left - 1);
        else client.destroy();
      });
      const pair = { client, upstream, connected: false };
      upstream.once('connect', () => {
        pair.connected = true;
        pairs.add(pair);
        client.pipe(upstream).pipe(client);
        client.resume();
        const drop = () => {
          pairs.delete(pair);
          client.destroy();
          upstream.destroy();
        };
        client.once('close', drop);
        upstream.once('close', drop);
        client.on('error', drop);
      });
    };
    tryBackend(backends.length);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        get connections() {
          return pairs.size;
        },
        /** Cuts `n` connections chosen at random (all of them with no `n`), as a network would. */
        cut(n = Infinity) {
          const all = [...pairs];
          for (let i = all.length - 1; i > 0; i--) {
            const j = Math.floor(Math.random() * (i + 1));
            [all[i], all[j]] = [all[j], all[i]];
          }
          const cut = all.slice(0, Math.min(n, all.length));
          for (const p of cut) {
            p.client.destroy();
            p.upstream.destroy();
          }
          return cut.length;
        },
        close: () =>
          new Promise((ok) => {
            for (const p of pairs) {
              p.client.destroy();
              p.upstream.destroy();
            }
            server.close(() => ok());
          }),
      });
    });
  });
}
