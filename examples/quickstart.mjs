// The README's worked example: a crew member and a customer connect, the customer places an
// order, and the crew receives it. Run it against a hub started with `npm start`:
//   node examples/quickstart.mjs            (HUB_URL defaults to http://localhost:8080)
import { execFileSync } from 'node:child_process';
import { io } from 'socket.io-client';

const HUB = process.env.HUB_URL ?? 'http://localhost:8080';
const token = (...args) =>
  execFileSync(process.execPath, [new URL('../scripts/mint-token.mjs', import.meta.url).pathname, ...args])
    .toString()
    .trim();

// 1. Tokens: in production your auth service signs these with JWT_SECRET (or a private key).
const crewToken = token('--role', 'crew', '--sub', 'kitchen-1', '--tenant', 'r-1', '--crew-role', 'kitchen');
const customerToken = token('--role', 'customer', '--sub', 'alice', '--tenant', 'r-1');

// 2. Connect each app to its role namespace, with the token in the handshake.
//    A refusal carries the hub's code (err.data.code); no answer at all means no hub is there.
const connect = (ns, t) =>
  new Promise((resolve, reject) => {
    const socket = io(`${HUB}/${ns}`, {
      path: '/ws',
      auth: { token: t },
      transports: ['websocket'],
      reconnection: false,
    });
    socket.once('system.welcome', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(
        new Error(
          err.data?.code
            ? `${ns}: the hub refused the connection: ${err.data.code} (${err.message})`
            : `no hub answers at ${HUB}: is the hub running (npm start)? Set HUB_URL to reach another.`,
        ),
      );
    });
  });
const [crew, customer] = await Promise.all([
  connect('crew', crewToken),
  connect('customer', customerToken),
]).catch((err) => {
  console.error(err.message);
  process.exit(1);
});

// 3. The crew listens for new orders and acknowledges each durable message.
const received = new Promise((resolve) => {
  crew.on('order.created', (envelope, ack) => {
    const { orderNumber, orderId, total, currency } = envelope.data.order;
    console.log(`crew received order ${orderNumber} (${orderId}), total ${total} ${currency}`);
    ack();
    resolve(envelope);
  });
});

// 4. The customer places an order; the ack carries the reply.
const reply = await customer.emitWithAck('order.place', {
  items: [{ sku: 'burger', name: 'Burger', quantity: 2, unitPrice: 850 }],
  currency: 'EUR',
  fulfillment: 'pickup',
});
console.log('customer got', JSON.stringify(reply));
await received;

// 5. The crew accepts it; the customer sees the new status.
const accepted = new Promise((resolve) =>
  customer.on('order.status_updated', (e, ack) => (ack(), resolve(e))),
);
await crew.emitWithAck('order.update_status', {
  orderId: reply.data.orderId,
  status: 'accepted',
  etaMinutes: 15,
});
console.log('customer sees status', (await accepted).data.status);
crew.close();
customer.close();
