// One client API over the three contenders: Socket.IO (hub and baseline-socketio) or raw ws.
import { createHmac, randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

// A secret of this run's (the processes it starts inherit it through BENCH_SECRET): a value
// the repository shipped would be one a production hub refuses (src/config/known-secrets.ts).
export const BENCH_SECRET = (process.env.BENCH_SECRET ??= randomBytes(32).toString('hex'));
export const clock = () => performance.timeOrigin + performance.now();

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
export function token(claims) {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iat: now, exp: now + 3600, ...claims })}`;
  return `${head}.${createHmac('sha256', BENCH_SECRET).update(head).digest('base64url')}`;
}

/** Connects and resolves once the server's welcome arrived: `{ client, ms }`. */
export function open(kind, url, { role, sub, tenant, cursor, crewRole, onEvent, localAddress, acks }) {
  const started = clock();
  return new Promise((resolve, reject) => {
    if (kind === 'ws') {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/ws?role=${role}&tenant=${tenant}&sub=${sub}`, {
        perMessageDeflate: false,
        localAddress,
      });
      const acks = new Map();
      let next = 0;
      const client = {
        send: (e, d) =>
          new Promise((res) => {
            const a = ++next;
            acks.set(a, res);
            ws.send(JSON.stringify({ e, d, a }));
          }),
        close: () => ws.close(),
      };
      ws.on('message', (raw) => {
        const frame = JSON.parse(raw);
        if (frame.a !== undefined) {
          acks.get(frame.a)?.(frame.r);
          acks.delete(frame.a);
        } else if (frame.e === 'system.welcome') resolve({ client, ms: clock() - started });
        else onEvent?.(frame.e, frame.d);
      });
      ws.on('error', reject);
      return;
    }
    const auth =
      kind === 'hub'
        ? {
            token: token({ sub, role, tenantId: tenant, ...(crewRole ? { crewRole } : {}) }),
            ...(cursor ? { cursor } : {}),
            ...(acks === 'cumulative' ? { acks } : {}),
          }
        : { sub, tenantId: tenant };
    const socket = io(`${url}/${role}`, {
      path: '/ws',
      transports: ['websocket'],
      auth,
      forceNew: true,
      reconnection: false,
      // The source address (engine.io-client hands it to ws): several spread S1's ports.
      ...(localAddress ? { localAddress } : {}),
    });
    batchWrites(socket.io.engine);
    const client = {
      socket,
      welcome: undefined,
      send: (e, d) =>
        socket
          .timeout(30_000)
          .emitWithAck(e, d)
          .catch(() => ({ ok: false, error: { code: 'TIMEOUT' } })),
      close: () => socket.disconnect(),
    };
    socket.onAny((type, envelope, ack) => {
      if (type === 'system.welcome') {
        client.welcome = envelope.data;
        resolve({ client, ms: clock() - started });
        return;
      }
      onEvent?.(type, envelope);
      if (typeof ack === 'function')
        ack(); // SDK-style: acknowledged once handled
      else if (envelope?.requiresAck && envelope.cursor) ackLater(envelope.cursor);
    });
    // Protocol 1.1 (when the welcome granted it): one `ack` for what was handled, the next turn
    // but at most one per 20 ms, as the SDK sends them.
    let highest;
    let highestSeq = -1;
    let sentAt = 0;
    const ackLater = (cursor) => {
      const seq = Number(cursor.slice(cursor.lastIndexOf(':') + 1));
      if (seq > highestSeq) [highest, highestSeq] = [cursor, seq];
      if (client.ackDue) return;
      client.ackDue = setTimeout(
        () => {
          client.ackDue = undefined;
          sentAt = clock();
          socket.emit('ack', { cursor: highest });
        },
        Math.max(0, sentAt + 20 - clock()),
      );
    };
    socket.once('connect_error', (err) =>
      reject(new Error(`${role} ${sub}: ${err.data?.code ?? err.message}`)),
    );
  });
}

/**
 * The generator's own efficiency, the same for every Socket.IO contender: engine.io-client sends
 * the packets queued during one tick (acks above all) as one batch, a frame each; corking the TCP
 * socket for the batch makes it one write instead of one system call per frame, so that the
 * clients' acks do not eat the CPU the server under test shares with them.
 */
function batchWrites(engine) {
  const cork = (transport) => {
    const tcp = transport?.ws?._socket;
    if (transport?.name !== 'websocket' || typeof tcp?.cork !== 'function') return;
    const write = transport.write.bind(transport);
    transport.write = (packets) => {
      if (packets.length < 2) return write(packets);
      tcp.cork();
      try {
        write(packets);
      } finally {
        tcp.uncork();
      }
    };
  };
  engine.once('open', () => cork(engine.transport));
}
