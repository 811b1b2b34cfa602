// baseline-socketio: a plain Socket.IO server with the hub's namespaces, rooms and event names,
// and no auth, validation or durability. It answers commands at once and fans out like the hub.
// With REDIS_URL (baseline-socketio-redis-1 and -2) it is one node of a cluster on the same
// Socket.IO Redis streams adapter the hub uses: what a team would otherwise run on several nodes.
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serveControl } from './control.mjs';

const redisUrl = process.env.REDIS_URL;
const prefix = process.env.BENCH_PREFIX ?? 'bench';
const http = createServer();
const io = new Server(http, {
  path: '/ws',
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  ...(redisUrl
    ? {
        adapter: createAdapter(new Redis(redisUrl), {
          streamName: `${prefix}:socket.io`,
          channelPrefix: `${prefix}:socket.io`,
          maxLen: 100_000,
        }),
      }
    : {}),
});
let seq = 0;
const now = () => new Date().toISOString();

for (const role of ['customer', 'crew', 'admin']) {
  io.of(`/${role}`).on('connection', (socket) => {
    const { tenantId = 't', sub = socket.id } = socket.handshake.auth ?? {};
    socket.join([`t:${tenantId}`, `u:${tenantId}:${sub}`]);
    socket.emit('system.welcome', { type: 'system.welcome', data: { sessionId: socket.id } });
    socket.on('order.place', (data, ack) => {
      const orderId = `o${++seq}`;
      const order = {
        orderId,
        tenantId,
        customerId: sub,
        items: data.items,
        notes: data.notes,
        status: 'placed',
        createdAt: now(),
      };
      const envelope = {
        id: orderId,
        type: 'order.created',
        data: { order },
        timestamp: now(),
        sender: { id: sub, type: role },
        tenantId,
      };
      io.of('/crew').to(`t:${tenantId}`).emit('order.created', envelope);
      ack?.({ ok: true, data: { orderId, status: 'placed' } });
    });
    socket.on('order.update_status', (data, ack) =>
      ack?.({ ok: true, data: { orderId: data.orderId, status: data.status } }),
    );
    socket.on('courier.location', (data, ack) => {
      const envelope = {
        id: `l${++seq}`,
        type: 'courier.location',
        data: { ...data, at: now() },
        timestamp: now(),
        tenantId,
      };
      io.of('/customer').to(`u:${tenantId}:${data.customerId}`).emit('courier.location', envelope);
      ack?.({ ok: true, data: { relayed: true } });
    });
  });
}

serveControl(() => ({ connections: io.of('/crew').sockets.size + io.of('/customer').sockets.size }));
http.listen(0, '127.0.0.1', () => process.send({ type: 'ready', ports: [http.address().port] }));
