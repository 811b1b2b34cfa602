import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SERVICE_BRIDGE } from '../../../src/engine/engine.tokens.js';
import type { ServiceBridge } from '../../../src/engine/service-bridge.js';
import { connect, sampleOrder } from '../../../test/support/client.js';
import { startHub, type TestHub } from '../../../test/support/hub.js';
import { describeRedis, startRedis, type TestRedis } from '../../../test/support/redis.js';
import { OrderLedger } from '../src/order-ledger.js';
import { OrdersServiceModule } from '../src/orders-service.module.js';

describeRedis('apps/orders-service against a redis-engine hub', () => {
  let redis: TestRedis;
  let hub: TestHub;
  let service: INestApplicationContext;
  beforeAll(async () => {
    redis = await startRedis();
    const prefix = redis.prefix();
    hub = await startHub({ REDIS_URL: redis.url, REDIS_PREFIX: prefix });
    service = await NestFactory.createApplicationContext(
      OrdersServiceModule.forRoot({
        redisUrl: redis.url,
        prefix,
        tenants: ['r-1'],
        menuTenants: ['r-1'],
        paymentDelayMs: 20,
        autoAdvance: true,
        autoAdvanceMs: 20,
      }),
      { logger: false },
    );
    await service.init();
    const bridge = hub.app.get<ServiceBridge>(SERVICE_BRIDGE);
    const deadline = Date.now() + 5000;
    while (!bridge.hasSubscribers('order.place') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(async () => {
    await service?.close();
    await hub?.close();
    await redis?.stop();
  });

  it('order.place reaches the service, which confirms payment to the customer and moves the order along', async () => {
    const customer = await connect(hub, 'customer', 'c-1');
    // The service published its menu at start: sent on connect, or live once the hub has it.
    const menu = await customer.waitFor('menu.updated', () => true, 5000);
    expect((menu.data.items as Array<{ sku: string; price: number }>)[0]).toMatchObject({
      sku: 'burger',
      price: 850,
    });
    const { orderId, total } = await customer.ok('order.place', {
      items: [{ sku: 'burger', quantity: 2 }],
      fulfillment: 'pickup',
    });
    expect(total).toBe(1700);
    const paid = await customer.waitFor('payment.confirmed', (e) => e.data.orderId === orderId);
    expect(paid.data).toEqual({ orderId, amount: 1700, currency: 'EUR', method: 'card' });
    expect(paid.sender).toEqual({ id: 'orders-service', type: 'service' });
    expect(service.get(OrderLedger).get('r-1', orderId as string)).toMatchObject({
      customerId: 'c-1',
      total: 1700,
      paid: true,
    });
    const done = await customer.waitFor('order.status_updated', (e) => e.data.status === 'picked_up', 5000);
    expect(done.data).toMatchObject({
      orderId,
      previousStatus: 'ready',
      updatedBy: { id: 'orders-service', type: 'service' },
    });
    expect(customer.of('order.status_updated').map((e) => e.data.status)).toEqual([
      'accepted',
      'preparing',
      'ready',
      'picked_up',
    ]);
    customer.close();
  });

  it('a cancelled paid order gets a refund notice to its customer', async () => {
    const customer = await connect(hub, 'customer', 'c-2');
    const crew = await connect(hub, 'crew', 'k-1');
    const { orderId } = await customer.ok('order.place', sampleOrder());
    await customer.waitFor('payment.confirmed', (e) => e.data.orderId === orderId);
    // A person takes over: the service stops advancing it.
    const accepted = await customer.waitFor('order.status_updated', (e) => e.data.orderId === orderId);
    expect(accepted.data.status).toBe('accepted');
    await crew.ok('order.cancel', { orderId, reason: 'out of stock' });
    const refund = await customer.waitFor(
      'notification',
      (e) => String(e.data.message).includes('refunded'),
      5000,
    );
    expect(refund.data.message).toContain('17.00 EUR');
    const refunded = await customer.waitFor('payment.refunded', (e) => e.data.orderId === orderId);
    expect(refunded.data).toEqual({ orderId, amount: 1700, currency: 'EUR', reason: 'order cancelled' });
    customer.close();
    crew.close();
  });
});
