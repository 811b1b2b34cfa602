// baseline-ws: raw `ws` doing the same fan-out, the practical ceiling for Node. Frames are JSON
// `{ e, d, a? }`; replies `{ a, r }`. Rooms are a Map of Sets; a broadcast is serialized once.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { serveControl } from './control.mjs';

const http = createServer();
const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });
const rooms = new Map();
let seq = 0;
const now = () => new Date().toISOString();
const join = (room, ws) => (rooms.get(room) ?? rooms.set(room, new Set()).get(room)).add(ws);
const broadcast = (room, frame) => {
  const members = rooms.get(room);
  if (!members) return;
  const text = JSON.stringify(frame);
  for (const ws of members) ws.send(text);
};

wss.on('connection', (ws, req) => {
  const q = new URL(req.url, 'http://x').searchParams;
  const role = q.get('role') ?? 'crew';
  const tenantId = q.get('tenant') ?? 't';
  const sub = q.get('sub') ?? String(++seq);
  const mine = [`${role}:t:${tenantId}`, `${role}:u:${tenantId}:${sub}`];
  for (const r of mine) join(r, ws);
  ws.on('close', () => mine.forEach((r) => rooms.get(r)?.delete(ws)));
  ws.send(JSON.stringify({ e: 'system.welcome', d: { type: 'system.welcome', data: {} } }));
  ws.on('message', (raw) => {
    const { e, d, a } = JSON.parse(raw);
    let reply = { ok: true };
    if (e === 'order.place') {
      const orderId = `o${++seq}`;
      const order = {
        orderId,
        tenantId,
        customerId: sub,
        items: d.items,
        notes: d.notes,
        status: 'placed',
        createdAt: now(),
      };
      broadcast(`crew:t:${tenantId}`, {
        e: 'order.created',
        d: { id: orderId, type: 'order.created', data: { order }, timestamp: now(), tenantId },
      });
      reply = { ok: true, data: { orderId, status: 'placed' } };
    } else if (e === 'order.update_status') {
      reply = { ok: true, data: { orderId: d.orderId, status: d.status } };
    } else if (e === 'courier.location') {
      broadcast(`customer:u:${tenantId}:${d.customerId}`, {
        e: 'courier.location',
        d: {
          id: `l${++seq}`,
          type: 'courier.location',
          data: { ...d, at: now() },
          timestamp: now(),
          tenantId,
        },
      });
      reply = { ok: true, data: { relayed: true } };
    }
    if (a !== undefined) ws.send(JSON.stringify({ a, r: reply }));
  });
});

serveControl(() => ({ connections: wss.clients.size }));
http.listen(0, '127.0.0.1', () => process.send({ type: 'ready', ports: [http.address().port] }));
