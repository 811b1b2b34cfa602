import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MovableClock, clockModule } from './support/clock.js';
import { connect, type Envelope, sampleOrder, type TestClient } from './support/client.js';
import { publishEvent } from './support/publish.js';
import { startHub, type TestHub } from './support/hub.js';
import { describeEngines } from './support/redis.js';
import { Receiver, until, WEBHOOK_SECRET } from './support/webhook-receiver.js';

const HOUR = 3_600_000;
/** Tokens that outlive the hours the tests move the hub's clock by (the session guard reads it). */
const LONG = { exp: Math.floor(Date.now() / 1000) + 80_000 };
const as = (hub: TestHub, role: 'customer' | 'crew' | 'admin', sub: string, tenantId = 'r-1', claims = {}) =>
  connect(hub, role, sub, { tenantId, extraClaims: { ...LONG, ...claims } });
const front = (hub: TestHub, sub = 'f-1') => as(hub, 'crew', sub, 'r-1', { crewRole: 'front' });
const statusOf = (e: Envelope) => e.data as { status: string; version: number; [k: string]: unknown };
const at = (clock: MovableClock, ms: number) => new Date(clock.now() + ms).toISOString();

const publishStatus = (hub: TestHub, tenantId: string, data: unknown) =>
  publishEvent(hub, tenantId, 'store.status', data);

/** The store's status (docs/protocol.md section 13) on one hub; `env` chooses the engine. */
function storeSuite(engine: string, env: () => Record<string, string>): void {
  describe(`the store's status (${engine} engine)`, () => {
    const clock = new MovableClock();
    const hooks = new Receiver(WEBHOOK_SECRET);
    let hub: TestHub;
    let customer: TestClient;
    let frontCrew: TestClient;
    let kitchen: TestClient;
    let admin: TestClient;
    beforeAll(async () => {
      await hooks.start();
      const webhook = { id: 'ops', url: hooks.url, secret: WEBHOOK_SECRET, tenants: ['r-1'] };
      hub = await startHub(
        {
          ...env(),
          WEBHOOKS: JSON.stringify([
            { ...webhook, commands: ['store.set_status'], events: ['store.status'] },
          ]),
        },
        { imports: [clockModule(clock)] },
      );
      customer = await as(hub, 'customer', 'c-1');
      frontCrew = await front(hub);
      kitchen = await as(hub, 'crew', 'k-1', 'r-1', { crewRole: 'kitchen' });
      admin = await as(hub, 'admin', 'a-1');
    });
    afterAll(async () => {
      for (const c of [customer, frontCrew, kitchen, admin]) c?.close();
      await hub?.close();
      await hooks.stop();
    });

    it('every session of the tenant gets the status on connect, after its board: open until someone says otherwise', async () => {
      for (const c of [customer, frontCrew, kitchen, admin]) {
        const types = c.received.map((e) => e.type);
        expect(types.indexOf('store.status')).toBeGreaterThan(types.indexOf('order.board'));
        expect((await c.waitFor('store.status')).data).toEqual({
          status: 'open',
          extraPrepMinutes: 0,
          version: 0,
          updatedBy: { id: 'hub', type: 'system' },
        });
      }
    });

    it('paused: every session hears it, order.place is STORE_CLOSED with when it opens, until passes by the clock', async () => {
      const until1h = at(clock, HOUR);
      const heard = [customer, kitchen, admin].map((c) => c.next('store.status'));
      const reply = await frontCrew.ok('store.set_status', {
        status: 'paused',
        until: until1h,
        reason: 'oven broke',
      });
      expect(reply).toEqual({
        status: 'paused',
        extraPrepMinutes: 0,
        until: until1h,
        reason: 'oven broke',
        nextOpenAt: until1h,
        version: 1,
        updatedBy: { id: 'f-1', type: 'crew' },
      });
      for (const e of await Promise.all(heard)) expect(e.data).toEqual(reply);
      const refused = await customer.cmd('order.place', sampleOrder());
      expect(refused.error).toMatchObject({
        code: 'STORE_CLOSED',
        details: { status: 'paused', nextOpenAt: until1h },
      });
      // An hour later by the hub's clock (no one sleeps): open again, for orders and for new sessions.
      clock.advance(HOUR + 1000);
      expect((await customer.ok('order.place', sampleOrder())).status).toBe('placed');
      const late = await as(hub, 'customer', 'c-2');
      expect((await late.waitFor('store.status')).data).toMatchObject({
        status: 'open',
        version: 2,
        updatedBy: { id: 'hub', type: 'system' },
      });
      late.close();
    });

    it('returns to open by itself at until: one store.status to everyone, audited, to the webhook', async () => {
      const reopened = [customer, frontCrew, admin].map((c) =>
        c.next('store.status', (e) => statusOf(e).status === 'open', 8000),
      );
      // A real timer (the job) fires at until: 300 ms from now on the hub's clock.
      const set = await admin.ok('store.set_status', { status: 'closed', until: at(clock, 300) });
      const events = await Promise.all(reopened);
      for (const e of events) {
        expect(e.data).toMatchObject({ status: 'open', version: (set.version as number) + 1 });
        expect(e.sender).toEqual({ id: 'hub', type: 'system' });
      }
      await until(() =>
        hooks.of('event', 'store.status').some((g) => statusOf(g.body.data as Envelope).status === 'open'),
      );
      const audit = async () =>
        (
          (await admin.ok('admin.audit', { action: 'store.status' })).items as Array<Record<string, unknown>>
        )[0];
      await until(async () => (await audit()) !== undefined);
      expect(await audit()).toMatchObject({
        actor: { id: 'hub', type: 'system' },
        before: { status: 'closed' },
        after: { status: 'open', extraPrepMinutes: 0 },
      });
    });

    it('busy adds its minutes to the ETA every new order gets (20 minutes of prep without settings)', async () => {
      const eta = async () => {
        const placed = customer.next('order.created');
        await customer.ok('order.place', sampleOrder());
        return (await placed).data.order as { etaMinutes: number; etaAt: string; createdAt: string };
      };
      const calm = await eta();
      expect(calm.etaMinutes).toBe(20);
      expect(Date.parse(calm.etaAt) - Date.parse(calm.createdAt)).toBe(20 * 60_000);
      await frontCrew.ok('store.set_status', { status: 'busy', extraPrepMinutes: 10 });
      expect((await eta()).etaMinutes).toBe(30);
      // busy without minutes: STORE_BUSY_DEFAULT_MINUTES (15).
      expect((await frontCrew.ok('store.set_status', { status: 'busy' })).extraPrepMinutes).toBe(15);
      expect((await eta()).etaMinutes).toBe(35);
      await frontCrew.ok('store.set_status', { status: 'open' });
      expect((await eta()).etaMinutes).toBe(20);
    });

    it('a retry of an order the store took still gets its answer while closed; a new one does not', async () => {
      const first = await customer.ok('order.place', sampleOrder({ orderId: 'o-retry' }));
      await admin.ok('store.set_status', { status: 'closed', reason: 'end of service' });
      expect(await customer.ok('order.place', sampleOrder({ orderId: 'o-retry' }))).toEqual(first);
      const refused = await customer.cmd('order.place', sampleOrder({ orderId: 'o-new' }));
      // Closed without until: no nextOpenAt to give.
      expect(refused.error).toMatchObject({ code: 'STORE_CLOSED', details: { status: 'closed' } });
      expect(refused.error?.details).not.toHaveProperty('nextOpenAt');
      await admin.ok('store.set_status', { status: 'open' });
    });

    it('who may: front crew and admins of the tenant; kitchen, couriers, customers and other tenants may not', async () => {
      expect((await kitchen.cmd('store.set_status', { status: 'paused' })).error?.code).toBe('FORBIDDEN');
      expect((await customer.cmd('store.set_status', { status: 'paused' })).error?.code).toBe('FORBIDDEN');
      expect(
        (await frontCrew.cmd('store.set_status', { status: 'paused', tenantId: 'r-2' })).error?.code,
      ).toBe('FORBIDDEN');
      const other = await as(hub, 'admin', 'a-2', 'r-2');
      const r1 = customer.next('store.status', () => true, 300).catch(() => 'none');
      expect((await other.cmd('store.set_status', { status: 'paused', tenantId: 'r-1' })).error?.code).toBe(
        'FORBIDDEN',
      );
      // r-2's own change reaches r-2 only.
      await other.ok('store.set_status', { status: 'paused' });
      expect(await r1).toBe('none');
      expect((await customer.ok('order.place', sampleOrder())).status).toBe('placed');
      await other.ok('store.set_status', { status: 'open' });
      other.close();
      // A platform admin names the tenant.
      const platform = await as(hub, 'admin', 'p-1', '*');
      expect((await platform.cmd('store.set_status', { status: 'paused' })).error?.code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await platform.ok('store.set_status', { status: 'busy', tenantId: 'r-1' })).status).toBe(
        'busy',
      );
      await platform.ok('store.set_status', { status: 'open', tenantId: 'r-1' });
      platform.close();
    });

    it('refuses bad input with VALIDATION_FAILED naming the field', async () => {
      const field = async (data: Record<string, unknown>) => {
        const reply = await frontCrew.cmd('store.set_status', data);
        expect(reply.error?.code).toBe('VALIDATION_FAILED');
        return (reply.error?.details?.fields as Array<{ field: string }>)[0].field;
      };
      expect(await field({ status: 'party' })).toBe('status');
      expect(await field({})).toBe('status');
      expect(await field({ status: 'paused', extraPrepMinutes: 10 })).toBe('extraPrepMinutes');
      expect(await field({ status: 'busy', extraPrepMinutes: 241 })).toBe('extraPrepMinutes');
      expect(await field({ status: 'busy', extraPrepMinutes: 2.5 })).toBe('extraPrepMinutes');
      expect(await field({ status: 'paused', until: at(clock, -1000) })).toBe('until');
      expect(await field({ status: 'paused', until: at(clock, 8 * 24 * HOUR) })).toBe('until');
      expect(await field({ status: 'paused', until: 'tomorrow' })).toBe('until');
      expect(await field({ status: 'paused', until: '2026-13-45T99:00:00Z' })).toBe('until');
      expect(await field({ status: 'open', until: at(clock, HOUR) })).toBe('until');
      expect(await field({ status: 'paused', reason: 'x'.repeat(10_000) })).toBe('reason');
      expect(await field({ status: 'paused', surprise: true })).toBe('surprise');
      // Nothing changed: the store is still open.
      expect((await customer.ok('order.place', sampleOrder())).status).toBe('placed');
    });

    it('a service may publish store.status; a bad one is refused at the door', async () => {
      const heard = customer.next('store.status', (e) => statusOf(e).status === 'paused');
      expect((await publishStatus(hub, 'r-1', { status: 'paused', reason: 'private event' })).status).toBe(
        202,
      );
      expect((await heard).data).toMatchObject({
        status: 'paused',
        reason: 'private event',
        updatedBy: { id: 'pos', type: 'service' },
      });
      const bad = await publishStatus(hub, 'r-1', { status: 'paused', until: at(clock, -HOUR) });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.fields[0].field).toBe('data.until');
      const reopened = customer.next('store.status', (e) => statusOf(e).status === 'open');
      expect((await publishStatus(hub, 'r-1', { status: 'open' })).status).toBe(202);
      await reopened;
    });

    describe('opening hours', () => {
      // Lunch 11:00-14:30 every day, and Saturday night 18:00-02:00, in Berlin.
      const lunch = { open: '11:00', close: '14:30' };
      const week = { mon: [lunch], tue: [lunch], wed: [lunch], thu: [lunch], fri: [lunch], sun: [lunch] };
      const hours = { weekly: { ...week, sat: [lunch, { open: '18:00', close: '02:00' }] } };
      const menu = (settings: Record<string, unknown>) => ({
        currency: 'EUR',
        items: [{ sku: 'burger', name: 'Burger', price: 850, available: true }],
        settings,
      });
      const publishMenu = (data: unknown) => publishEvent(hub, 'r-h', 'menu.updated', data);
      const line = { items: [{ sku: 'burger', quantity: 1 }], fulfillment: 'pickup' };

      it('outside the hours the store is closed with nextOpenAt, by itself; across midnight and back', async () => {
        // Saturday 2026-03-28, 15:00 CET: between lunch and the night.
        clock.set(Date.parse('2026-03-28T14:00:00Z'));
        const guest = await as(hub, 'customer', 'g-1', 'r-h');
        const heard = guest.next('store.status', (e) => statusOf(e).status === 'closed');
        expect((await publishMenu(menu({ timezone: 'Europe/Berlin', hours }))).status).toBe(202);
        expect((await heard).data).toMatchObject({
          status: 'closed',
          reason: 'outside opening hours',
          nextOpenAt: '2026-03-28T17:00:00.000Z',
          updatedBy: { id: 'hub', type: 'system' },
        });
        expect((await guest.cmd('order.place', line)).error).toMatchObject({
          code: 'STORE_CLOSED',
          details: { status: 'closed', nextOpenAt: '2026-03-28T17:00:00.000Z' },
        });
        // 01:30 on Sunday (the night range runs past midnight), then 03:00 CEST: the clocks skipped
        // 02:00-03:00, and the night range ended when they did.
        clock.set(Date.parse('2026-03-29T00:30:00Z'));
        expect((await guest.ok('order.place', line)).status).toBe('placed');
        clock.set(Date.parse('2026-03-29T01:00:00Z'));
        expect((await guest.cmd('order.place', line)).error).toMatchObject({
          code: 'STORE_CLOSED',
          details: { nextOpenAt: '2026-03-29T09:00:00.000Z' },
        });
        const late = await as(hub, 'customer', 'g-2', 'r-h');
        expect((await late.waitFor('store.status')).data).toMatchObject({
          status: 'closed',
          nextOpenAt: '2026-03-29T09:00:00.000Z',
        });
        late.close();
        guest.close();
      });

      it('opens by itself at the hour: one store.status to the tenant, from the hub', async () => {
        // 300 ms before Sunday's 11:00 CEST on the hub's clock: the wake job is due then.
        clock.set(Date.parse('2026-03-29T09:00:00Z') - 300);
        const guest = await as(hub, 'customer', 'g-3', 'r-h');
        expect((await guest.waitFor('store.status')).data).toMatchObject({ status: 'closed' });
        // New hours (a holiday added): the hub looks again, and wakes at 11:00.
        const holiday = { ...hours, exceptions: [{ date: '2026-12-25', ranges: [] }] };
        const published = await publishMenu(
          menu({ timezone: 'Europe/Berlin', hours: holiday, prepMinutes: 25 }),
        );
        expect(published.status).toBe(202);
        const opened = await guest.next('store.status', (e) => statusOf(e).status === 'open', 8000);
        expect(opened.sender).toEqual({ id: 'hub', type: 'system' });
        const placed = guest.next('order.created');
        await guest.ok('order.place', line);
        expect(((await placed).data.order as { etaMinutes: number }).etaMinutes).toBe(25);
        guest.close();
      });

      it('people may close it further inside the hours; a busy store is still closed outside them', async () => {
        const frontH = await as(hub, 'crew', 'fh-1', 'r-h', { crewRole: 'front' });
        clock.set(Date.parse('2026-03-30T10:00:00Z')); // Monday 12:00 CEST
        expect((await frontH.ok('store.set_status', { status: 'busy', extraPrepMinutes: 5 })).status).toBe(
          'busy',
        );
        clock.set(Date.parse('2026-03-30T13:00:00Z')); // 15:00: after lunch
        const guest = await as(hub, 'customer', 'g-4', 'r-h');
        expect((await guest.waitFor('store.status')).data).toMatchObject({
          status: 'closed',
          nextOpenAt: '2026-03-31T09:00:00.000Z',
        });
        clock.set(Date.parse('2026-03-31T09:30:00Z'));
        expect((await frontH.ok('store.set_status', { status: 'open' })).status).toBe('open');
        frontH.close();
        guest.close();
      });

      it('an admin sets the hours (store.set_hours): in the menu, the store follows at once; bad ones refused', async () => {
        clock.set(Date.parse('2026-03-30T13:00:00Z')); // Monday 15:00 CEST
        const admin = await as(hub, 'admin', 'ah-1', 'r-h');
        const guest = await as(hub, 'customer', 'g-5', 'r-h');
        const menuHeard = guest.next('menu.updated');
        const dinner = { open: '18:00', close: '23:00' };
        const reply = await admin.ok('store.set_hours', {
          hours: { weekly: { mon: [lunch, { open: '14:45', close: '16:00' }], tue: [dinner] } },
        });
        expect(reply.status).toMatchObject({ status: 'open' });
        expect((await menuHeard).data).toMatchObject({
          settings: { timezone: 'Europe/Berlin', hours: { weekly: { tue: [dinner] } } },
          items: [{ sku: 'burger' }],
        });
        expect(await guest.ok('order.place', line)).toMatchObject({ status: 'placed' });
        // The zone alone keeps the hours; hours: null removes them.
        const zoneOnly = await admin.ok('store.set_hours', { timezone: 'Europe/Lisbon' });
        const kept = await guest.waitFor('menu.updated', (e) => e.data.version === zoneOnly.version);
        expect(kept.data.settings).toMatchObject({
          timezone: 'Europe/Lisbon',
          hours: { weekly: { tue: [dinner] } },
        });
        const removed = await admin.ok('store.set_hours', { hours: null, timezone: 'Europe/Berlin' });
        const gone = await guest.waitFor('menu.updated', (e) => e.data.version === removed.version);
        expect(gone.data.settings).not.toHaveProperty('hours');
        const code = async (data: Record<string, unknown>) => {
          const r = await admin.cmd('store.set_hours', data);
          return [
            r.error?.code,
            (r.error?.details?.fields as Array<{ field: string }> | undefined)?.[0]?.field,
          ];
        };
        expect(await code({ hours: { weekly: { mon: [{ open: '14:00', close: '13:00' }] } } })).toEqual([
          'VALIDATION_FAILED',
          'hours.weekly.mon.0',
        ]);
        expect(await code({ timezone: 'Mars/Olympus' })).toEqual(['VALIDATION_FAILED', 'timezone']);
        const ranges = (n: number) => ({
          hours: { weekly: { mon: Array.from({ length: n }, () => lunch) } },
        });
        expect(await code(ranges(7))).toEqual(['VALIDATION_FAILED', 'hours.weekly.mon']);
        // Past MESSAGE_MAX_BYTES (16 KiB) before anything reads it.
        expect(await code(ranges(600))).toEqual(['PAYLOAD_TOO_LARGE', undefined]);
        const crew = await front(hub, 'fh-2');
        expect((await crew.cmd('store.set_hours', { timezone: 'Europe/Berlin' })).error?.code).toBe(
          'FORBIDDEN',
        );
        const noMenu = await as(hub, 'admin', 'ax-1', 'r-none');
        expect((await noMenu.cmd('store.set_hours', { timezone: 'Europe/Berlin' })).error?.code).toBe(
          'NOT_FOUND',
        );
        for (const c of [admin, guest, crew, noMenu]) c.close();
      });

      it('refuses bad hours naming the field: overlaps, inverted, too many ranges (10,000: PAYLOAD_TOO_LARGE), unknown zones', async () => {
        const field = async (settings: Record<string, unknown>) => {
          const res = await publishMenu(menu(settings));
          expect(res.status).toBe(400);
          return (res.body.error.details.fields as Array<{ field: string }>)[0].field;
        };
        const z = { timezone: 'Europe/Berlin' };
        expect(
          await field({ ...z, hours: { weekly: { mon: [lunch, { open: '12:00', close: '13:00' }] } } }),
        ).toBe('data.settings.hours.weekly.mon.1');
        expect(await field({ ...z, hours: { weekly: { mon: [{ open: '14:00', close: '13:00' }] } } })).toBe(
          'data.settings.hours.weekly.mon.0',
        );
        const seven = Array.from({ length: 7 }, () => lunch);
        expect(await field({ ...z, hours: { weekly: { mon: seven } } })).toBe(
          'data.settings.hours.weekly.mon',
        );
        // 10,000 ranges are past MENU_MAX_BYTES before anything reads them.
        const many = Array.from({ length: 10_000 }, () => lunch);
        const huge = await publishMenu(menu({ ...z, hours: { weekly: { mon: many } } }));
        expect([huge.status, huge.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
        expect(await field({ timezone: 'Mars/Olympus', hours })).toBe('data.settings.timezone');
        expect(await field({ hours })).toBe('data.settings.timezone');
        expect(await field({ ...z, hours: { weekly: { mon: [{ open: '25:00', close: '26:00' }] } } })).toBe(
          'data.settings.hours.weekly.mon.0.open',
        );
        expect(
          await field({ ...z, hours: { weekly: {}, exceptions: [{ date: '2026-02-30', ranges: [] }] } }),
        ).toBe('data.settings.hours.exceptions.0.date');
      });
    });

    it('hands each store.set_status to the webhooks that take it, with its reply', async () => {
      await frontCrew.ok('store.set_status', { status: 'busy', extraPrepMinutes: 5, requestId: 'busy-5' });
      await until(() =>
        hooks.of('command', 'store.set_status').some((g) => JSON.stringify(g.body).includes('busy-5')),
      );
      const got = hooks
        .of('command', 'store.set_status')
        .find((g) => JSON.stringify(g.body).includes('busy-5'))!;
      expect(got.verified).toBe(true);
      expect(got.body.data).toMatchObject({
        type: 'store.set_status',
        data: { status: 'busy', extraPrepMinutes: 5 },
        reply: { status: 'busy', extraPrepMinutes: 5 },
      });
      await frontCrew.ok('store.set_status', { status: 'open' });
    });
  });
}

describeEngines(
  'the store status',
  (engine, env) => storeSuite(engine, env),
  (redis) => {
    describe('the store status across restarts and nodes (redis engine)', () => {
      it('an until that passed while no node ran is swept at start: open, audited once', async () => {
        const clock = new MovableClock();
        const env = { REDIS_URL: redis().url, REDIS_PREFIX: redis().prefix() };
        const first = await startHub(env, { imports: [clockModule(clock)] });
        const admin = await as(first, 'admin', 'a-1');
        await admin.ok('store.set_status', { status: 'paused', until: at(clock, HOUR) });
        admin.close();
        await first.close();
        clock.advance(HOUR + 1000);
        const second = await startHub(env, { imports: [clockModule(clock)] });
        try {
          const auditor = await as(second, 'admin', 'a-1');
          const reopened = async () =>
            (await auditor.ok('admin.audit', { action: 'store.status' })).items as Array<
              Record<string, unknown>
            >;
          await until(async () => (await reopened()).length > 0);
          expect(await reopened()).toHaveLength(1);
          expect((await auditor.waitFor('store.status')).data).toMatchObject({ status: 'open', version: 2 });
          const customer = await as(second, 'customer', 'c-1');
          expect((await customer.ok('order.place', sampleOrder())).status).toBe('placed');
          customer.close();
          auditor.close();
        } finally {
          await second.close();
        }
      });

      it('two nodes: the return to open runs once, and sessions on both nodes hear it once', async () => {
        const clock = new MovableClock();
        const env = { REDIS_URL: redis().url, REDIS_PREFIX: redis().prefix() };
        const a = await startHub(env, { imports: [clockModule(clock)] });
        const b = await startHub(env, { imports: [clockModule(clock)] });
        const onA = await as(a, 'customer', 'c-1');
        const onB = await as(b, 'customer', 'c-2');
        const admin = await as(a, 'admin', 'a-1');
        try {
          const set = await admin.ok('store.set_status', { status: 'paused', until: at(clock, 500) });
          const open = (e: Envelope) => statusOf(e).status === 'open';
          await Promise.all([onA.next('store.status', open, 8000), onB.next('store.status', open, 8000)]);
          expect((await onB.cmd('order.place', sampleOrder())).ok).toBe(true);
          // Time for a second node's announcement, if there were one.
          await admin.ok('heartbeat', { clientTime: 1 });
          await onB.ok('heartbeat', { clientTime: 1 });
          for (const c of [onA, onB]) {
            expect(
              c
                .of('store.status')
                .filter(open)
                .map((e) => e.data.version),
            ).toEqual([0, (set.version as number) + 1]);
          }
          const audit = (await admin.ok('admin.audit', { action: 'store.status' })).items as unknown[];
          expect(audit).toHaveLength(1);
        } finally {
          for (const c of [onA, onB, admin]) c.close();
          await a.close();
          await b.close();
        }
      });
    });
  },
);
