import type { DayBookStore } from '../../src/engine/day-book.js';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { DurableType, Envelope, Order } from '@orderwire/contracts';
import { formatOrderNumber, toDayOrder } from '@orderwire/contracts';
import { formatCursor, parseCursor } from '../../src/engine/cursor.js';
import type { IdempotencyStore } from '../../src/engine/idempotency-store.js';
import type { JobScheduler } from '../../src/engine/job-scheduler.js';
import type { MessageStore, StoredMessage, Targets } from '../../src/engine/message-store.js';
import type { AuditStore } from '../../src/engine/audit-store.js';
import type { MenuStore } from '../../src/engine/menu-store.js';
import type { StoreStatusStore, StoreStatusWrite } from '../../src/engine/store-status-store.js';
import type { ScheduledOrderIndex } from '../../src/engine/scheduled-order-index.js';
import type { OrderStore } from '../../src/engine/order-store.js';
import type { SessionRegistry } from '../../src/engine/session-registry.js';
import type { WebhookAttempt, WebhookJob, WebhookQueue } from '../../src/engine/webhook-queue.js';

/** What one engine provides behind the seams. */
export interface EngineUnderTest {
  messages: MessageStore;
  orders: OrderStore;
  menus: MenuStore;
  storeStatuses: StoreStatusStore;
  scheduled: ScheduledOrderIndex;
  dayBook: DayBookStore;
  audit: AuditStore;
  idempotency: IdempotencyStore;
  sessions: SessionRegistry;
  jobs: JobScheduler;
  webhooks: WebhookQueue;
  close(): Promise<void>;
}

/** Settings every engine under test is built with (the redis engine through its env, see ENV). */
export const CONTRACT_SETTINGS = {
  messages: {
    ttlMs: 60_000,
    retentionMax: 100,
    retentionMaxBytes: 256 * 1024,
    deadLetters: { ttlMs: 60_000, perTenant: 10, max: 15 },
    maxTenants: 1000,
  },
  orders: { retentionMs: 60_000, retentionMax: 100, maxTenants: 1000 },
  idempotency: { perUser: 10, max: 100 },
  menu: { maxTenants: 3 },
  audit: { retentionMs: 3_600_000, maxPerTenant: 100, scanMax: 50 },
  webhooks: { maxAttempts: 3, backoffMs: 20, queueMax: 3 },
} as const;

/** The same settings as environment variables. */
export const CONTRACT_ENV: Record<string, string> = {
  MESSAGE_TTL_SECONDS: '60',
  MESSAGE_RETENTION_MAX: '100',
  MESSAGE_RETENTION_MAX_BYTES: String(256 * 1024),
  DEAD_LETTER_TTL_SECONDS: '60',
  DEAD_LETTERS_PER_TENANT: '10',
  DEAD_LETTERS_MAX: '15',
  ORDER_RETENTION_SECONDS: '60',
  ORDER_RETENTION_MAX: '100',
  IDEMPOTENCY_KEYS_PER_USER: '10',
  IDEMPOTENCY_KEYS_MAX: '100',
  MENU_MAX_TENANTS: '3',
  AUDIT_MAX_PER_TENANT: '100',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_BACKOFF_MS: '20',
  WEBHOOK_QUEUE_MAX: '3',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const crewA = { role: 'crew', tenantId: 'A', rooms: ['t:A'] } as const;

let seq = 0;
function envelope(tenantId: string, type: DurableType = 'order.created'): Envelope<DurableType> {
  seq++;
  return {
    id: `01TEST${String(seq).padStart(20, '0')}`,
    type,
    data: { order: { orderId: `o-${seq}` } } as never,
    timestamp: new Date().toISOString(),
    sender: { id: 'orderwire', type: 'system' },
    tenantId,
  };
}

/** An order as the contract stores it (exported for engine-specific suites). */
export function order(
  tenantId: string,
  orderId: string,
  customerId = 'c-1',
  createdAt = new Date().toISOString(),
): Order {
  return {
    orderId,
    tenantId,
    customerId,
    items: [{ sku: 's', name: 'n', quantity: 1, unitPrice: 1 }],
    total: 1,
    currency: 'EUR',
    fulfillment: 'pickup',
    status: 'placed',
    createdAt,
    updatedAt: createdAt,
    statusTimes: { placed: createdAt },
  };
}

const letter = (messageId: string, tenantId: string) => ({
  messageId,
  type: 'order.created',
  tenantId,
  recipients: ['k'],
  userKeys: ['crew|A|k'],
  attempts: 5,
  lastError: 'no ack',
  at: new Date().toISOString(),
});

/** An order's order.created, not stored yet (what OrderStore.place stores with it). */
export function created(o: Order): StoredMessage<'order.created'> {
  const env = envelope(o.tenantId) as Envelope<'order.created'>;
  env.data = { order: o };
  return { envelope: env, targets: { crew: [`t:${o.tenantId}`] }, publishedAt: Date.now() };
}

/** A status message of one order, marked with the revision it announces. */
function statusMessage(tenantId: string, orderId: string, revision: number): StoredMessage {
  const env = envelope(tenantId, 'order.status_updated');
  env.data = { orderId, revision } as never;
  return { envelope: env, targets: { crew: [`t:${tenantId}`] }, publishedAt: Date.now() };
}

const LIMITS = { perCustomer: 100, perTenant: 100 };
const crewP = { role: 'crew', tenantId: 'P', rooms: ['t:P'] } as const;

/** The business day the contract's orders are numbered on. */
const DAY = '2026-12-02';

const crewOf = (t: string): Targets => ({ crew: [`t:${t}`], admin: [`t:${t}`, 't:*'] });

/**
 * The contract every engine passes: the memory engine here, the redis engine (issue #3) with the
 * same suite. It speaks only through the interfaces.
 */
export function describeEngineContract(name: string, make: () => Promise<EngineUnderTest>): void {
  describe(`engine contract: ${name}`, () => {
    let engine: EngineUnderTest;
    beforeEach(async () => {
      engine = await make();
    });
    afterEach(() => engine.close());

    describe('MessageStore', () => {
      it('assigns increasing cursors per tenant and replays what a reader was addressed, in order', async () => {
        const start = (await engine.messages.head('A'))!;
        const startB = (await engine.messages.head('B'))!;
        const a = envelope('A');
        const b = envelope('B');
        const c = envelope('A');
        const cursors = [
          await engine.messages.append(a, crewOf('A'), Date.now()),
          await engine.messages.append(b, crewOf('B'), Date.now()),
          await engine.messages.append(c, crewOf('A'), Date.now()),
        ];
        expect(new Set(cursors).size).toBe(3);
        expect(a.cursor).toBe(cursors[0]);
        // Each tenant's log has its own seqs: A's two messages are one apart, B's follows B's head.
        expect(parseCursor(cursors[2])!.seq - parseCursor(cursors[0])!.seq).toBe(1);
        expect(parseCursor(cursors[1])!.seq).toBe(parseCursor(startB)!.seq + 1);
        const crewA = await engine.messages.readAfter(
          start,
          { role: 'crew', tenantId: 'A', rooms: ['t:A', 'u:A:k'] },
          100,
        );
        expect(crewA.recovered).toBe(true);
        expect(crewA.messages.map((m) => m.envelope.id)).toEqual([a.id, c.id]);
        // A platform admin reads every tenant: one tenant's cursor cannot resume them all.
        const platform = await engine.messages.readAfter(
          start,
          { role: 'admin', tenantId: '*', rooms: ['t:*'] },
          100,
        );
        expect(platform).toEqual({ messages: [], recovered: false });
        expect(await engine.messages.head('*')).toBeUndefined();
        // Another tenant's cursor is not this tenant's.
        const crossed = await engine.messages.readAfter(
          startB,
          { role: 'crew', tenantId: 'A', rooms: ['t:A'] },
          100,
        );
        expect(crossed.recovered).toBe(false);
        const customer = await engine.messages.readAfter(
          start,
          { role: 'customer', tenantId: 'A', rooms: ['t:A'] },
          100,
        );
        expect(customer.messages).toEqual([]);
        const afterFirst = await engine.messages.readAfter(
          cursors[0],
          { role: 'crew', tenantId: 'A', rooms: ['t:A'] },
          100,
        );
        expect(afterFirst.messages.map((m) => m.envelope.id)).toEqual([c.id]);
        expect((await engine.messages.get('B', b.id))?.envelope.tenantId).toBe('B');
        expect(await engine.messages.get('A', b.id)).toBeUndefined();
        expect(await engine.messages.head('A')).toBe(cursors[2]);
        expect(await engine.messages.head('B')).toBe(cursors[1]);
      });

      it('reads a range of a tenant’s seqs, whoever it was addressed to, and nothing from another epoch', async () => {
        const sent = [envelope('A'), envelope('B'), envelope('A'), envelope('A')];
        for (const e of sent) await engine.messages.append(e, crewOf(e.tenantId), Date.now());
        const [first, last] = [parseCursor(sent[0].cursor!)!, parseCursor(sent[3].cursor!)!];
        const all = await engine.messages.readRange('A', first.epoch, first.seq, last.seq, 10);
        const ofA = [sent[0], sent[2], sent[3]];
        expect(all.map((m) => [m.envelope.id, m.envelope.cursor])).toEqual(ofA.map((e) => [e.id, e.cursor]));
        expect(all[1].targets).toEqual(crewOf('A'));
        const tail = await engine.messages.readRange('A', first.epoch, first.seq + 1, last.seq + 5, 1);
        expect(tail.map((m) => m.envelope.id)).toEqual([sent[2].id]);
        expect(await engine.messages.readRange('A', 'another-epoch', first.seq, last.seq, 10)).toEqual([]);
        const b = parseCursor(sent[1].cursor!)!;
        expect(
          (await engine.messages.readRange('B', b.epoch, b.seq, b.seq, 10)).map((m) => m.envelope.id),
        ).toEqual([sent[1].id]);
      });

      it('says recovered: false for unknown cursors, past retention, and past the replay limit', async () => {
        expect(
          (await engine.messages.readAfter('nope', { role: 'crew', tenantId: 'A', rooms: ['t:A'] }, 10))
            .recovered,
        ).toBe(false);
        const start = (await engine.messages.head('A'))!;
        const c1 = await engine.messages.append(envelope('A'), crewOf('A'), Date.now() - 120_000);
        await engine.messages.append(envelope('A'), crewOf('A'), Date.now());
        await engine.messages.append(envelope('A'), crewOf('A'), Date.now());
        expect(await engine.messages.prune(Date.now())).toBe(1);
        const pruned = await engine.messages.readAfter(
          start,
          { role: 'crew', tenantId: 'A', rooms: ['t:A'] },
          10,
        );
        expect(pruned.recovered).toBe(false);
        expect(pruned.messages).toHaveLength(2);
        const whole = await engine.messages.readAfter(
          c1,
          { role: 'crew', tenantId: 'A', rooms: ['t:A'] },
          10,
        );
        expect(whole.recovered).toBe(true);
        expect(whole.messages).toHaveLength(2);
        const limited = await engine.messages.readAfter(
          c1,
          { role: 'crew', tenantId: 'A', rooms: ['t:A'] },
          1,
        );
        expect(limited.recovered).toBe(false);
        expect(limited.messages).toHaveLength(1);
      });

      it('keeps dead letters per tenant, newest first, and hands each out once', async () => {
        await engine.messages.addDeadLetter(letter('01A', 'A'));
        await engine.messages.addDeadLetter(letter('01B', 'B'));
        await engine.messages.addDeadLetter(letter('01C', 'A'));
        expect((await engine.messages.listDeadLetters('A', 10)).map((l) => l.messageId)).toEqual([
          '01C',
          '01A',
        ]);
        expect((await engine.messages.listDeadLetters('A', 10, '01C')).map((l) => l.messageId)).toEqual([
          '01A',
        ]);
        expect((await engine.messages.listDeadLetters('*', 2)).map((l) => l.messageId)).toEqual([
          '01C',
          '01B',
        ]);
        expect(await engine.messages.countDeadLetters('A')).toBe(2);
        expect(await engine.messages.takeDeadLetter('B', '01A')).toBeUndefined();
        expect((await engine.messages.takeDeadLetter('A', '01A'))?.userKeys).toEqual(['crew|A|k']);
        expect(await engine.messages.takeDeadLetter('A', '01A')).toBeUndefined();
        expect(await engine.messages.countDeadLetters('*')).toBe(2);
        // A platform admin names only the id: the letter is found in its tenant, once.
        expect((await engine.messages.takeDeadLetter('*', '01B'))?.tenantId).toBe('B');
        expect(await engine.messages.takeDeadLetter('*', '01B')).toBeUndefined();
        expect(await engine.messages.countDeadLetters('*')).toBe(1);
        expect((await engine.messages.listDeadLetters('*', 10)).map((l) => l.messageId)).toEqual(['01C']);
      });
      it('drops the oldest messages past the byte bound, and a replay from before them is not recovered', async () => {
        const start = (await engine.messages.head('A'))!;
        const big = (): Envelope<DurableType> => {
          const e = envelope('A');
          (e.data as unknown as { pad: string }).pad = 'x'.repeat(100_000);
          return e;
        };
        const sent = [big(), big(), big(), big()];
        for (const e of sent) await engine.messages.append(e, crewOf('A'), Date.now());
        expect(await engine.messages.get('A', sent[0].id)).toBeUndefined();
        expect(await engine.messages.get('A', sent[1].id)).toBeUndefined();
        const replay = await engine.messages.readAfter(start, crewA, 10);
        expect(replay.recovered).toBe(false);
        expect(replay.messages.map((m) => m.envelope.id)).toEqual([sent[2].id, sent[3].id]);
        const since = await engine.messages.readAfter(sent[1].cursor!, crewA, 10);
        expect(since.recovered).toBe(true);
        expect(since.messages).toHaveLength(2);
        // A small message after them fits beside the newest big one.
        const small = envelope('A');
        await engine.messages.append(small, crewOf('A'), Date.now());
        expect((await engine.messages.readAfter(sent[2].cursor!, crewA, 10)).messages).toHaveLength(2);
      });

      it('drops the oldest messages past the count bound', async () => {
        const first = envelope('B');
        await engine.messages.append(first, crewOf('B'), Date.now());
        for (let i = 0; i < CONTRACT_SETTINGS.messages.retentionMax; i++) {
          await engine.messages.append(envelope('B'), crewOf('B'), Date.now());
        }
        expect(await engine.messages.get('B', first.id)).toBeUndefined();
        const replay = await engine.messages.readAfter(
          first.cursor!,
          { ...crewA, tenantId: 'B', rooms: ['t:B'] },
          1000,
        );
        expect(replay.recovered).toBe(true);
        expect(replay.messages).toHaveLength(CONTRACT_SETTINGS.messages.retentionMax);
      });

      it('bounds dead letters per tenant and in all, oldest first, and forgets them after their TTL', async () => {
        const numbered = (n: number, tenantId: string) =>
          letter(`01L${String(n).padStart(4, '0')}`, tenantId);
        for (let n = 0; n < 12; n++) await engine.messages.addDeadLetter(numbered(n, 'A'));
        expect(await engine.messages.countDeadLetters('A')).toBe(10);
        const a = await engine.messages.listDeadLetters('A', 20);
        expect(a.map((l) => l.messageId).at(-1)).toBe('01L0002');
        for (let n = 12; n < 18; n++) await engine.messages.addDeadLetter(numbered(n, 'B'));
        expect(await engine.messages.countDeadLetters('*')).toBe(15);
        expect(await engine.messages.countDeadLetters('A')).toBe(9);
        expect(await engine.messages.countDeadLetters('B')).toBe(6);
        expect(await engine.messages.takeDeadLetter('A', '01L0002')).toBeUndefined();
        await engine.messages.prune(Date.now() + CONTRACT_SETTINGS.messages.deadLetters.ttlMs + 1000);
        expect(await engine.messages.countDeadLetters('*')).toBe(0);
        expect(await engine.messages.listDeadLetters('B', 20)).toEqual([]);
      });
    });

    describe('OrderStore', () => {
      it('creates once per tenant and id, and compares-and-sets on update', async () => {
        // update replaces the order: callers pass one read from the store (its number with it).
        const o = (await engine.orders.create(order('A', 'o-1'), DAY)) as Order;
        expect(o).toMatchObject({ orderId: 'o-1', orderNumber: 'A-001' });
        expect(await engine.orders.create(order('A', 'o-1', 'c-2'), DAY)).toBeUndefined();
        expect(await engine.orders.create(order('B', 'o-1'), DAY)).toMatchObject({ orderNumber: 'A-001' });
        expect(await engine.orders.update({ ...o, status: 'accepted', revision: 1 }, 0)).toBe(true);
        expect(await engine.orders.update({ ...o, status: 'rejected', revision: 1 }, 0)).toBe(false);
        expect(await engine.orders.update({ ...o, status: 'preparing', revision: 2 }, 1)).toBe(true);
        expect(await engine.orders.get('A', 'o-1')).toMatchObject({
          status: 'preparing',
          revision: 2,
          orderNumber: 'A-001',
        });
        expect((await engine.orders.get('B', 'o-1'))?.status).toBe('placed');
        expect(await engine.orders.get('C', 'o-1')).toBeUndefined();
      });

      it('lists active orders by tenant and customer, oldest first, and drops final ones', async () => {
        await engine.orders.create(order('A', 'late', 'c-1', '2026-01-02T00:00:00.000Z'), DAY);
        await engine.orders.create(order('A', 'early', 'c-2', '2026-01-01T00:00:00.000Z'), DAY);
        await engine.orders.create(order('B', 'other', 'c-1', '2026-01-03T00:00:00.000Z'), DAY);
        expect((await engine.orders.listActive('A', 10)).map((o) => o.orderId)).toEqual(['early', 'late']);
        expect((await engine.orders.listActive('*', 10)).map((o) => o.orderId)).toEqual([
          'early',
          'late',
          'other',
        ]);
        expect((await engine.orders.listForCustomer('A', 'c-1', 10)).map((o) => o.orderId)).toEqual(['late']);
        expect(await engine.orders.countActive('A', 'c-1')).toEqual({ tenant: 2, customer: 1 });
        expect(await engine.orders.countActive('C', 'c-1')).toEqual({ tenant: 0, customer: 0 });
        const day1 = Date.parse('2026-01-01T00:00:00.000Z');
        const between = await engine.orders.listActiveCreatedBetween(
          day1,
          Date.parse('2026-01-03T00:00:00.000Z'),
          10,
        );
        expect(between.map((o) => o.orderId)).toEqual(['late', 'other']);
        const late = (await engine.orders.get('A', 'late'))!;
        const done = {
          ...late,
          status: 'rejected' as const,
          updatedAt: '2026-01-02T00:00:00.000Z',
          revision: 1,
        };
        expect(await engine.orders.update(done, 0)).toBe(true);
        expect((await engine.orders.listActive('A', 10)).map((o) => o.orderId)).toEqual(['early']);
        expect(await engine.orders.countActive('A', 'c-1')).toEqual({ tenant: 1, customer: 0 });
        expect((await engine.orders.get('A', 'late'))?.status).toBe('rejected');
        expect(await engine.orders.prune(Date.parse('2026-06-01T00:00:00.000Z'))).toBe(1);
        expect(await engine.orders.get('A', 'late')).toBeUndefined();
      });

      it('numbers orders per tenant and business day: unique and gap-free under concurrency, A-999 then B-001', async () => {
        const many = await Promise.all(
          Array.from({ length: 50 }, (_, i) => engine.orders.create(order('N', `n-${i}`), DAY)),
        );
        // A retry of an order that exists takes no number: no gap.
        expect(await engine.orders.create(order('N', 'n-0'), DAY)).toBeUndefined();
        const numbers = many.map((o) => (o as Order).orderNumber!).sort();
        expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => formatOrderNumber(i + 1)));
        expect((await engine.orders.get('N', 'n-7'))?.orderNumber).toBe((many[7] as Order).orderNumber);
        expect(
          ((await engine.orders.create(order('N', 'next'), DAY)) as Order | undefined)?.orderNumber,
        ).toBe('A-051');
        expect(
          ((await engine.orders.create(order('N', 'tomorrow'), '2026-12-03')) as Order | undefined)
            ?.orderNumber,
        ).toBe('A-001');
        expect(
          ((await engine.orders.create(order('M', 'other'), DAY)) as Order | undefined)?.orderNumber,
        ).toBe('A-001');
        for (let i = 52; i <= 999; i++) await engine.orders.create(order('N', `m-${i}`), DAY);
        expect((await engine.orders.get('N', 'm-999'))?.orderNumber).toBe('A-999');
        expect(
          ((await engine.orders.create(order('N', 'm-1000'), DAY)) as Order | undefined)?.orderNumber,
        ).toBe('B-001');
      }, 30_000);

      it('keeps at most ORDER_RETENTION_MAX final orders, forgetting the oldest first', async () => {
        const max = CONTRACT_SETTINGS.orders.retentionMax;
        const active = order('A', 'still-active');
        await engine.orders.create(active, DAY);
        for (let i = 0; i <= max; i++) {
          const o = order('A', `done-${i}`);
          await engine.orders.create(o, DAY);
          await engine.orders.update({ ...o, status: 'cancelled', revision: 1 }, 0);
        }
        expect(await engine.orders.get('A', 'done-0')).toBeUndefined();
        expect((await engine.orders.get('A', 'done-1'))?.status).toBe('cancelled');
        expect((await engine.orders.get('A', `done-${max}`))?.status).toBe('cancelled');
        expect((await engine.orders.get('A', 'still-active'))?.status).toBe('placed');
      });

      it('places an order and its order.created in one step: numbered in the log, cursor set', async () => {
        const before = parseCursor((await engine.messages.head('P'))!)!;
        const message = created(order('P', 'p-1'));
        const result = await engine.orders.place(order('P', 'p-1'), DAY, LIMITS, message);
        expect(result).toEqual({ placed: expect.objectContaining({ orderId: 'p-1', orderNumber: 'A-001' }) });
        // The envelope carries the stored order (its number) and has its place in the log.
        expect(message.envelope.data.order.orderNumber).toBe('A-001');
        expect(parseCursor(message.envelope.cursor!)!.seq).toBe(before.seq + 1);
        const stored = await engine.messages.get('P', message.envelope.id);
        expect(stored?.envelope.cursor).toBe(message.envelope.cursor);
        expect((stored?.envelope.data as { order: Order }).order).toMatchObject({
          orderId: 'p-1',
          orderNumber: 'A-001',
          customerId: 'c-1',
        });
        const range = await engine.messages.readRange('P', before.epoch, before.seq + 1, before.seq + 1, 10);
        expect((range[0]?.envelope.data as { order: Order }).order.orderNumber).toBe('A-001');
        const replay = await engine.messages.readAfter(formatCursor(before.epoch, before.seq), crewP, 10);
        expect(replay.messages.map((m) => (m.envelope.data as { order: Order }).order.orderNumber)).toEqual([
          'A-001',
        ]);
        // The same id again: nothing written, no number taken, nothing appended.
        const again = created(order('P', 'p-1', 'c-2'));
        expect(await engine.orders.place(order('P', 'p-1', 'c-2'), DAY, LIMITS, again)).toEqual({
          exists: true,
        });
        expect(again.envelope.cursor).toBeUndefined();
        expect(await engine.messages.get('P', again.envelope.id)).toBeUndefined();
        expect(parseCursor((await engine.messages.head('P'))!)!.seq).toBe(before.seq + 1);
        expect((await engine.orders.get('P', 'p-1'))?.customerId).toBe('c-1');
        const next = await engine.orders.place(order('P', 'p-2'), DAY, LIMITS, created(order('P', 'p-2')));
        expect(next).toEqual({ placed: expect.objectContaining({ orderNumber: 'A-002' }) });
      });

      it('refuses a placement at the active-order limits, exactly, with nothing written', async () => {
        const limits = { perCustomer: 2, perTenant: 3 };
        const head = async () => parseCursor((await engine.messages.head('L'))!)!.seq;
        const place = (id: string, customer: string) =>
          engine.orders.place(order('L', id, customer), DAY, limits, created(order('L', id, customer)));
        expect(await place('l-1', 'c-1')).toHaveProperty('placed');
        expect(await place('l-2', 'c-1')).toHaveProperty('placed');
        const at = await head();
        expect(await place('l-3', 'c-1')).toEqual({ limit: 'customer' });
        expect(await head()).toBe(at);
        expect(await engine.orders.get('L', 'l-3')).toBeUndefined();
        // Concurrent placements by other customers: exactly one fits under the tenant's limit.
        const results = await Promise.all(['c-2', 'c-3', 'c-4', 'c-5'].map((c, i) => place(`m-${i}`, c)));
        expect(results.filter((r) => 'placed' in r)).toHaveLength(1);
        expect(results.filter((r) => 'limit' in r && r.limit === 'tenant')).toHaveLength(3);
        expect(await head()).toBe(at + 1);
        expect(await engine.orders.countActive('L', 'c-1')).toEqual({ tenant: 3, customer: 2 });
        // No number was taken by a refused placement: the next one is the fourth.
        const l1 = (await engine.orders.get('L', 'l-1'))!;
        await engine.orders.update({ ...l1, status: 'cancelled', revision: 1 }, 0);
        expect(await place('l-4', 'c-1')).toEqual({
          placed: expect.objectContaining({ orderNumber: 'A-004' }),
        });
      });

      it('appends an update’s message only when the compare-and-set wins, in the board’s order', async () => {
        const o = (await engine.orders.create(order('U', 'u-1'), DAY)) as Order;
        const head = async () => parseCursor((await engine.messages.head('U'))!)!.seq;
        const at = await head();
        const lost = statusMessage('U', 'u-1', 1);
        expect(await engine.orders.update({ ...o, revision: 1 }, 5, lost)).toBe(false);
        expect(lost.envelope.cursor).toBeUndefined();
        expect(await head()).toBe(at);
        // Writers racing on one order, each reading, changing and retrying on a lost CAS (as
        // OrdersService.change does): every revision is in the log once, in revision order.
        const writer = async () => {
          for (let done = 0; done < 10;) {
            const current = (await engine.orders.get('U', 'u-1'))!;
            const revision = current.revision ?? 0;
            const message = statusMessage('U', 'u-1', revision + 1);
            if (await engine.orders.update({ ...current, revision: revision + 1 }, revision, message)) {
              expect(message.envelope.cursor).toBeDefined();
              done++;
            }
          }
        };
        await Promise.all([writer(), writer(), writer()]);
        expect((await engine.orders.get('U', 'u-1'))?.revision).toBe(30);
        const { epoch } = parseCursor((await engine.messages.head('U'))!)!;
        const log = await engine.messages.readRange('U', epoch, at + 1, at + 100, 100);
        expect(log.map((m) => (m.envelope.data as unknown as { revision: number }).revision)).toEqual(
          Array.from({ length: 30 }, (_, i) => i + 1),
        );
      });
    });

    describe('MenuStore', () => {
      const content = {
        currency: 'EUR',
        items: [
          { sku: 'burger', name: 'Burger', price: 850, available: true, modifiers: [] },
          {
            sku: 'fries',
            name: 'Fries',
            price: 300,
            available: false,
            category: 'sides',
            modifiers: [{ id: 'large', name: 'Large', price: 100 }],
          },
        ],
      };

      it('stores one menu per tenant with a version that grows with every change', async () => {
        expect(await engine.menus.get('A')).toBeUndefined();
        const first = await engine.menus.put('A', content, '2026-01-01T00:00:00.000Z');
        expect(first).toEqual({ ...content, version: 1, updatedAt: '2026-01-01T00:00:00.000Z' });
        expect(await engine.menus.get('A')).toEqual(first);
        expect(await engine.menus.get('B')).toBeUndefined();

        expect(await engine.menus.setAvailability('A', 'burger', false, '2026-01-01T00:01:00.000Z')).toBe(2);
        expect(await engine.menus.setAvailability('A', 'fries', true, '2026-01-01T00:02:00.000Z')).toBe(3);
        const marked = (await engine.menus.get('A'))!;
        expect(marked.version).toBe(3);
        expect(marked.updatedAt).toBe('2026-01-01T00:02:00.000Z');
        expect(marked.items.map((i) => [i.sku, i.available])).toEqual([
          ['burger', false],
          ['fries', true],
        ]);
        expect(marked.items[1].modifiers).toEqual([{ id: 'large', name: 'Large', price: 100 }]);
        expect(marked.items[0].modifiers).toEqual([]);

        // A new menu replaces everything, the marks included; the version still grows.
        const second = await engine.menus.put('A', content, '2026-01-02T00:00:00.000Z');
        expect(second?.version).toBe(4);
        expect((await engine.menus.get('A'))!.items.map((i) => i.available)).toEqual([true, false]);
        expect(
          await engine.menus.setAvailability('B', 'burger', false, '2026-01-02T00:00:00.000Z'),
        ).toBeUndefined();
      });

      it('keeps menus of at most MENU_MAX_TENANTS tenants; those that have one may still replace it', async () => {
        const max = CONTRACT_SETTINGS.menu.maxTenants;
        for (let i = 0; i < max; i++) expect(await engine.menus.put(`m-${i}`, content, 'now')).toBeDefined();
        expect(await engine.menus.count()).toBe(max);
        expect(await engine.menus.put('one-too-many', content, 'now')).toBeUndefined();
        expect(await engine.menus.get('one-too-many')).toBeUndefined();
        expect((await engine.menus.put('m-0', content, 'later'))?.version).toBe(2);
        expect(await engine.menus.count()).toBe(max);
      });
    });

    describe('StoreStatusStore', () => {
      const by = { id: 'f-1', type: 'crew' } as const;
      const status = (s: Partial<StoreStatusWrite> = {}): StoreStatusWrite => ({
        status: 'paused',
        extraPrepMinutes: 0,
        updatedBy: by,
        updatedAt: '2026-01-01T00:00:00.000Z',
        ...s,
      });

      it('keeps one status per tenant, versioned; `expected` refuses a change made meanwhile', async () => {
        expect(await engine.storeStatuses.get('A')).toBeUndefined();
        const first = await engine.storeStatuses.set('A', status({ reason: 'oven' }));
        expect(first).toEqual({ ...status({ reason: 'oven' }), version: 1 });
        expect(await engine.storeStatuses.get('A', { fresh: true })).toEqual(first);
        expect(await engine.storeStatuses.get('A')).toEqual(first);
        expect(await engine.storeStatuses.set('A', status({ status: 'open' }), 5)).toBe('changed');
        expect(await engine.storeStatuses.get('A')).toEqual(first);
        expect(await engine.storeStatuses.set('A', status({ status: 'open' }), 1)).toMatchObject({
          status: 'open',
          version: 2,
        });
        expect(await engine.storeStatuses.get('B')).toBeUndefined();
      });

      it('lists the tenants whose wakeAt has passed, and forgets a wakeAt once the status changes', async () => {
        await engine.storeStatuses.set('A', status({ wakeAt: '2026-01-01T10:00:00.000Z' }));
        await engine.storeStatuses.set('B', status({ wakeAt: '2026-01-01T12:00:00.000Z' }));
        await engine.storeStatuses.set('C', status({ status: 'busy', extraPrepMinutes: 10 }));
        const at = (iso: string) => Date.parse(iso);
        expect(await engine.storeStatuses.due(at('2026-01-01T09:59:59.999Z'), 10)).toEqual([]);
        expect(await engine.storeStatuses.due(at('2026-01-01T10:00:00.000Z'), 10)).toEqual(['A']);
        expect((await engine.storeStatuses.due(at('2026-01-02T00:00:00.000Z'), 10)).sort()).toEqual([
          'A',
          'B',
        ]);
        expect(await engine.storeStatuses.due(at('2026-01-02T00:00:00.000Z'), 1)).toHaveLength(1);
        await engine.storeStatuses.set('A', status({ status: 'open' }));
        expect(await engine.storeStatuses.due(at('2026-01-02T00:00:00.000Z'), 10)).toEqual(['B']);
      });

      it('keeps statuses of at most MENU_MAX_TENANTS tenants; those that have one may still change it', async () => {
        const max = CONTRACT_SETTINGS.menu.maxTenants;
        for (let i = 0; i < max; i++)
          expect(await engine.storeStatuses.set(`s-${i}`, status())).not.toBe('full');
        expect(await engine.storeStatuses.count()).toBe(max);
        expect(await engine.storeStatuses.set('one-too-many', status())).toBe('full');
        expect(await engine.storeStatuses.get('one-too-many')).toBeUndefined();
        expect(await engine.storeStatuses.set('s-0', status({ status: 'open' }))).toMatchObject({
          version: 2,
        });
      });
    });

    describe('ScheduledOrderIndex', () => {
      it('holds a bounded number per tenant, idempotently; lists the due ones earliest first; forgets released ones', async () => {
        const entry = (tenantId: string, orderId: string, fireAt: number) => ({ tenantId, orderId, fireAt });
        expect(await engine.scheduled.reserve(entry('A', 'o-1', 3000), 2)).toBe(true);
        expect(await engine.scheduled.reserve(entry('A', 'o-1', 3000), 2)).toBe(true);
        expect(await engine.scheduled.reserve(entry('A', 'o-2', 1000), 2)).toBe(true);
        expect(await engine.scheduled.reserve(entry('A', 'o-3', 2000), 2)).toBe(false);
        expect(await engine.scheduled.reserve(entry('B', 'o-3', 2000), 2)).toBe(true);
        expect(await engine.scheduled.count('A')).toBe(2);
        expect(await engine.scheduled.due(999, 10)).toEqual([]);
        expect(await engine.scheduled.due(2500, 10)).toEqual([
          entry('A', 'o-2', 1000),
          entry('B', 'o-3', 2000),
        ]);
        expect(await engine.scheduled.due(5000, 1)).toEqual([entry('A', 'o-2', 1000)]);
        await engine.scheduled.release('A', 'o-2');
        await engine.scheduled.release('A', 'o-never');
        expect(await engine.scheduled.count('A')).toBe(1);
        expect(await engine.scheduled.due(5000, 10)).toEqual([
          entry('B', 'o-3', 2000),
          entry('A', 'o-1', 3000),
        ]);
        expect(await engine.scheduled.reserve(entry('A', 'o-3', 2000), 2)).toBe(true);
      });
    });

    describe('DayBookStore', () => {
      const entry = (orderId: string, total = 100) => ({
        ...toDayOrder({ ...order('A', orderId, 'c-1', '2026-12-02T12:00:00.000Z'), status: 'delivered' }),
        total,
      });
      it('keeps one entry per order and day, a later write over the earlier; tenants and days apart', async () => {
        expect(await engine.dayBook.put('A', DAY, entry('o-1'), 3)).toBe(true);
        expect(await engine.dayBook.put('A', DAY, entry('o-1', 250), 3)).toBe(true);
        expect(await engine.dayBook.put('A', '2026-12-03', entry('o-2'), 3)).toBe(true);
        expect(await engine.dayBook.put('B', DAY, entry('o-3'), 3)).toBe(true);
        const a = await engine.dayBook.read('A', DAY);
        expect(a).toEqual({ orders: [entry('o-1', 250)], complete: true });
        expect((await engine.dayBook.read('B', DAY)).orders.map((o) => o.orderId)).toEqual(['o-3']);
        expect(await engine.dayBook.read('A', '2026-11-30')).toEqual({ orders: [], complete: true });
      });

      it('refuses a new order on a full day and says the day is incomplete; the orders in it still change', async () => {
        for (const id of ['o-1', 'o-2']) expect(await engine.dayBook.put('A', DAY, entry(id), 2)).toBe(true);
        expect(await engine.dayBook.put('A', DAY, entry('o-3'), 2)).toBe(false);
        expect(await engine.dayBook.put('A', DAY, entry('o-2', 999), 2)).toBe(true);
        const day = await engine.dayBook.read('A', DAY);
        expect(day.complete).toBe(false);
        expect(day.orders.map((o) => [o.orderId, o.total]).sort()).toEqual([
          ['o-1', 100],
          ['o-2', 999],
        ]);
        expect((await engine.dayBook.read('A', '2026-12-03')).complete).toBe(true);
      });
    });

    describe('AuditStore', () => {
      const entry = (tenantId: string, n: number, extra: Record<string, unknown> = {}) => ({
        tenantId,
        at: new Date().toISOString(),
        actor: { id: n % 2 ? 'k-1' : 'k-2', type: 'crew' as const },
        action: n % 3 ? 'order.update_status' : 'order.place',
        orderId: `o-${n % 4}`,
        after: { n },
        ...extra,
      });

      it('pages a tenant’s trail newest first, with filters by order, user (actor or subject) and action', async () => {
        for (let n = 0; n < 12; n++) await engine.audit.append(entry('A', n));
        await engine.audit.append(
          entry('A', 12, {
            actor: { id: 'a-1', type: 'admin' },
            action: 'admin.disconnect',
            subjectUserId: 'k-2',
          }),
        );
        await engine.audit.append(entry('B', 99));
        const first = await engine.audit.page('A', { limit: 5 });
        expect(first.items.map((e) => e.after?.n)).toEqual([12, 11, 10, 9, 8]);
        expect(first.items[0]).toMatchObject({
          tenantId: 'A',
          action: 'admin.disconnect',
          id: expect.stringMatching(/^\d+-\d+$/),
        });
        const second = await engine.audit.page('A', { limit: 5, before: first.next });
        expect(second.items.map((e) => e.after?.n)).toEqual([7, 6, 5, 4, 3]);
        const last = await engine.audit.page('A', { limit: 5, before: second.next });
        expect(last.items.map((e) => e.after?.n)).toEqual([2, 1, 0]);
        expect(last.next).toBeUndefined();
        expect(
          (await engine.audit.page('A', { limit: 50, orderId: 'o-1' })).items.map((e) => e.after?.n),
        ).toEqual([9, 5, 1]);
        expect(
          (await engine.audit.page('A', { limit: 50, userId: 'k-2' })).items.map((e) => e.after?.n),
        ).toEqual([12, 10, 8, 6, 4, 2, 0]);
        expect(
          (await engine.audit.page('A', { limit: 50, action: 'order.place' })).items.map((e) => e.after?.n),
        ).toEqual([9, 6, 3, 0]);
        expect((await engine.audit.page('B', { limit: 50 })).items.map((e) => e.after?.n)).toEqual([99]);
        expect((await engine.audit.page('C', { limit: 50 })).items).toEqual([]);
      });

      it('reads a bounded number of entries per page, then says where to go on', async () => {
        await engine.audit.append(entry('A', 0, { orderId: 'needle' }));
        for (let n = 1; n <= 70; n++) await engine.audit.append(entry('A', n, { orderId: 'hay' }));
        const first = await engine.audit.page('A', { limit: 10, orderId: 'needle' });
        expect(first.items).toEqual([]);
        expect(first.next).toBeDefined();
        const second = await engine.audit.page('A', { limit: 10, orderId: 'needle', before: first.next });
        expect(second.items.map((e) => e.orderId)).toEqual(['needle']);
      });

      it('keeps about AUDIT_MAX_PER_TENANT entries per tenant, the oldest leaving first', async () => {
        const max = CONTRACT_SETTINGS.audit.maxPerTenant;
        for (let n = 0; n < max * 3; n++) await engine.audit.append(entry('A', n));
        const all: number[] = [];
        let next: string | undefined;
        do {
          const page = await engine.audit.page('A', { limit: 100, before: next });
          all.push(...page.items.map((e) => Number(e.after?.n)));
          next = page.next;
        } while (next);
        // Redis trims whole stream nodes (MAXLEN ~): at least the bound, at most a node (100) more.
        expect(all.length).toBeGreaterThanOrEqual(max);
        expect(all.length).toBeLessThanOrEqual(max + 100);
        expect(all[0]).toBe(max * 3 - 1);
        expect(all).not.toContain(0);
      }, 30_000);
    });

    describe('IdempotencyStore', () => {
      it('keeps the first result until its TTL', async () => {
        expect(await engine.idempotency.get('A', 'u', 'k')).toBeUndefined();
        expect(await engine.idempotency.setIfAbsent('A', 'u', 'k', { reply: 1 }, 10_000)).toEqual({
          reply: 1,
        });
        expect(await engine.idempotency.setIfAbsent('A', 'u', 'k', { reply: 2 }, 10_000)).toEqual({
          reply: 1,
        });
        expect(await engine.idempotency.get('A', 'u', 'k')).toEqual({ reply: 1 });
        expect(await engine.idempotency.get('A', 'other', 'k')).toBeUndefined();
        await engine.idempotency.setIfAbsent('A', 'u', 'short', { reply: 3 }, 20);
        await sleep(40);
        expect(await engine.idempotency.get('A', 'u', 'short')).toBeUndefined();
      });

      it('forgets the least recently used result past the per-user and the per-tenant cap', async () => {
        const { perUser, max } = CONTRACT_SETTINGS.idempotency;
        for (let i = 0; i < perUser; i++) {
          await engine.idempotency.setIfAbsent('A', 'hog', `r${i}`, { reply: i }, 10_000);
          await sleep(2); // distinct milliseconds: Redis orders its index by time
        }
        expect(await engine.idempotency.get('A', 'hog', 'r0')).toEqual({ reply: 0 }); // a use
        await sleep(2);
        await engine.idempotency.setIfAbsent('A', 'hog', 'r-new', { reply: 'new' }, 10_000);
        expect(await engine.idempotency.get('A', 'hog', 'r1')).toBeUndefined();
        expect(await engine.idempotency.get('A', 'hog', 'r0')).toEqual({ reply: 0 });
        expect(await engine.idempotency.get('A', 'hog', 'r-new')).toEqual({ reply: 'new' });

        await engine.idempotency.setIfAbsent('A', 'first', 'r', { reply: 'first' }, 10_000);
        await sleep(2);
        for (let i = 0; i < max; i++)
          await engine.idempotency.setIfAbsent('A', `user-${i}`, 'r', { reply: i }, 10_000);
        expect(await engine.idempotency.get('A', 'first', 'r')).toBeUndefined();
        expect(await engine.idempotency.get('A', `user-${max - 1}`, 'r')).toEqual({ reply: max - 1 });
      });
    });

    describe('SessionRegistry', () => {
      const entry = (sessionId: string, userKey = 'crew|A|k', role: 'crew' | 'admin' = 'crew') => ({
        sessionId,
        userKey,
        tenantId: 'A',
        role,
      });
      it('enforces the per-user and per-tenant caps and counts presence', async () => {
        const caps = { perUser: 2, perTenant: 3 };
        expect(await engine.sessions.register(entry('s1'), caps)).toEqual({ ok: true });
        expect(await engine.sessions.register(entry('s2'), caps)).toEqual({ ok: true });
        expect(await engine.sessions.register(entry('s3'), caps)).toEqual({ ok: false, reason: 'user' });
        expect(await engine.sessions.register(entry('s4', 'admin|A|a', 'admin'), caps)).toEqual({ ok: true });
        expect(await engine.sessions.register(entry('s5', 'crew|A|z'), caps)).toEqual({
          ok: false,
          reason: 'tenant',
        });
        expect(await engine.sessions.presence('A')).toEqual({ customer: 0, crew: 2, admin: 1 });
        expect(await engine.sessions.unregister(entry('s1'))).toBe(true);
        expect(await engine.sessions.unregister(entry('s1'))).toBe(false);
        expect(await engine.sessions.presence('A')).toEqual({ customer: 0, crew: 1, admin: 1 });
        expect(await engine.sessions.presence('B')).toEqual({ customer: 0, crew: 0, admin: 0 });
      });

      it('remembers revocations', async () => {
        expect(await engine.sessions.revokedAt('crew|A|k')).toBeUndefined();
        const at = Date.now();
        await engine.sessions.revoke('crew|A|k', at, 60_000);
        expect(await engine.sessions.revokedAt('crew|A|k')).toBe(at);
        expect(await engine.sessions.revokedAt('crew|A|other')).toBeUndefined();
      });
    });

    describe('JobScheduler', () => {
      it('runs a job once per key after its delay, and not after cancel', async () => {
        const ran: string[] = [];
        engine.jobs.handle('redelivery', (key) => {
          ran.push(key);
        });
        // Long enough that the job is still waiting when depth() is read on a slow machine
        // (at 20 ms a CI run saw it already taken).
        await engine.jobs.schedule('redelivery', 'a', 300);
        await engine.jobs.schedule('redelivery', 'a', 300);
        await engine.jobs.schedule('redelivery', 'b', 300);
        await engine.jobs.cancel('redelivery', 'b');
        expect(await engine.jobs.depth()).toBe(1);
        const deadline = Date.now() + 3000;
        while (ran.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, 60));
        expect(ran).toEqual(['a']);
        expect(await engine.jobs.depth()).toBe(0);
      });
    });

    describe('WebhookQueue', () => {
      const job = (id: string, webhookId = 'hook-a'): WebhookJob => ({
        deliveryId: `${webhookId}.${id}`,
        queueId: `${webhookId}.${id}`,
        webhookId,
        tenantId: 'A',
        type: 'order.place',
        body: `{"id":"${id}"}`,
      });

      it('sends each delivery once, retries what throws with the attempt number, and says which is the last', async () => {
        const attempts: Array<[string, WebhookAttempt]> = [];
        engine.webhooks.process(['hook-a'], (j, attempt) => {
          attempts.push([j.deliveryId, attempt]);
          if (j.deliveryId === 'hook-a.flaky' && attempt.attempt < 3) throw new Error('HTTP 503');
          return Promise.resolve();
        });
        expect(await engine.webhooks.add(job('ok'))).toBe('queued');
        expect(await engine.webhooks.add(job('ok'))).toBe('queued'); // the same delivery: once
        expect(await engine.webhooks.add(job('flaky'))).toBe('queued');
        const deadline = Date.now() + 5000;
        while (attempts.length < 4 && Date.now() < deadline) await sleep(10);
        await sleep(100);
        expect(attempts.filter(([id]) => id === 'hook-a.ok')).toEqual([
          ['hook-a.ok', { attempt: 1, last: false }],
        ]);
        expect(attempts.filter(([id]) => id === 'hook-a.flaky')).toEqual([
          ['hook-a.flaky', { attempt: 1, last: false }],
          ['hook-a.flaky', { attempt: 2, last: false }],
          ['hook-a.flaky', { attempt: 3, last: true }],
        ]);
        // Done within the last ten minutes: a repeat is still a no-op.
        expect(await engine.webhooks.add(job('ok'))).toBe('queued');
        await sleep(100);
        expect(attempts).toHaveLength(4);
      });

      it('refuses past its bound per webhook (full), whatever waits for other webhooks', async () => {
        // Nobody sends for hook-b: its deliveries wait.
        for (const id of ['1', '2', '3']) expect(await engine.webhooks.add(job(id, 'hook-b'))).toBe('queued');
        expect(await engine.webhooks.add(job('4', 'hook-b'))).toBe('full');
        expect(await engine.webhooks.add(job('1', 'hook-c'))).toBe('queued');
      });
    });
  });
}
