import { describe, expect, it } from '@jest/globals';
import { ValidationPipe } from '@nestjs/common';
import {
  COMMAND_TYPES,
  COMMANDS,
  OrderAssignCourierDto,
  OrderPlaceDto,
  OrderPlaceItemDto,
  OrderUpdateStatusDto,
} from '@orderwire/contracts';
import fc from 'fast-check';
import { CompiledValidator } from './compiled-validator.js';
import { WsValidationPipe } from './ws-validation.pipe.js';

/**
 * Cases per command. Raised to 20,000 by hand for a long run: the last, after the @IsObject fix
 * for items, found all 20,000 per command in agreement.
 */
const RUNS = 600;

/** A valid payload per command. */
const VALID: Record<string, Record<string, unknown>> = {
  'order.place': {
    items: [{ sku: 'burger', name: 'Burger', quantity: 2, unitPrice: 850, modifiers: ['cheese', 'bacon'] }],
    currency: 'EUR',
    fulfillment: 'delivery',
    deliveryAddress: { line1: '1 Main St', city: 'Lisbon', lat: 38.7, lng: -9.1 },
    notes: 'no onions',
  },
  'order.place#dine_in': { items: [{ sku: 'burger', quantity: 1 }], fulfillment: 'dine_in', table: 'T4' },
  'order.cancel': { orderId: 'o-1', reason: 'r', tenantId: 't1' },
  'order.update_status': { orderId: 'o-1', status: 'accepted', etaMinutes: 5, note: 'n' },
  'courier.location': { orderId: 'o-1', lat: 1, lng: 2, heading: 90 },
  'order.update_status#delivered': { orderId: 'o-1', status: 'delivered', handoffCode: '0042' },
  'order.assign_courier': { orderId: 'o-1', courierId: 'd-1@fleet', tenantId: 't1' },
  'order.assign_courier#none': { orderId: 'o-1', courierId: null },
  'order.claim': { orderId: 'o-1' },
  'order.item_ready': { orderId: 'o-1', lineIndexes: [0, 2], tenantId: 't1' },
  'menu.set_availability': { sku: 'fries', available: false, tenantId: 't1' },
  'store.set_hours': {
    hours: { weekly: { mon: [{ open: '11:00', close: '14:30' }], sat: [{ open: '18:00', close: '02:00' }] } },
    timezone: 'Europe/Lisbon',
  },
  'store.set_status': {
    status: 'busy',
    extraPrepMinutes: 10,
    until: '2099-01-01T20:00:00+01:00',
    reason: 'r',
  },
  'admin.announce': { audience: ['crew', 'customer'], level: 'info', message: 'm' },
  'admin.disconnect': { userId: 'nobody', reason: 'r', revokeTokens: true },
  'metrics.snapshot': { requestId: 'r-1' },
  'admin.dead_letters': { limit: 5, before: 'x' },
  'admin.replay': { messageId: 'x' },
  'admin.day_report': { day: '2026-12-07', tenantId: 'r-1' },
  'admin.audit': {
    orderId: 'o-1',
    userId: 'k-1',
    action: 'order.place',
    before: '1-0',
    limit: 5,
    tenantId: 't1',
  },
  heartbeat: { clientTime: 1 },
  'auth.refresh': { token: 'x' },
  sync: { cursor: 'x:1' },
};

/** Values near the edges of the decorators in use (lengths, ranges, enums, types). */
const edge = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1,
    1.5,
    90,
    91,
    -181,
    99,
    100,
    1440,
    1441,
    100_000_001,
    '',
    ' ',
    'EUR',
    'eur',
    'XXX',
    'pickup',
    'delivery',
    'dine_in',
    'T4',
    'a'.repeat(16),
    'a'.repeat(17),
    'T4\n',
    'accepted',
    'crew',
    'admin',
    'info',
    'busy',
    'paused',
    240,
    241,
    '2099-01-01T20:00:00Z',
    '2099-01-01',
    '2099-13-01T20:00:00Z',
    'bad id',
    'a'.repeat(64),
    'a'.repeat(65),
    'a'.repeat(201),
    'a'.repeat(501),
    [],
    ['crew', 'crew'],
    ['crew', 'bogus'],
    [{}],
    {},
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid payload with one change: a key set (maybe a nested one), removed or added. */
const mutated = (type: string) => {
  const base = VALID[type];
  const keys = [...Object.keys(base), 'requestId', 'tenantId', 'orderId', 'sessionId', 'extra'];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), edge).map(([k, v]) => ({ ...base, [k]: v })),
    fc.constantFrom(...Object.keys(base)).map((k) => {
      const copy: Record<string, unknown> = { ...base };
      delete copy[k];
      return copy;
    }),
    fc
      .tuple(
        fc.constantFrom('sku', 'name', 'quantity', 'unitPrice', 'line1', 'city', 'lat', 'table', 'other'),
        edge,
      )
      .map(([k, v]) => ({
        ...base,
        items: [{ sku: 's', name: 'n', quantity: 1, unitPrice: 1, [k]: v }],
        deliveryAddress: { line1: 'l', city: 'c', [k]: v },
      })),
    fc.dictionary(fc.constantFrom(...keys), edge, { maxKeys: 5 }),
  );
};

const clone = <T>(v: T): T => structuredClone(v);

describe('CompiledValidator: the same verdicts as class-validator through Nest', () => {
  const pipe = new WsValidationPipe();
  /** Nest's own ValidationPipe path with WsValidationPipe's options (class-validator itself). */
  const reference = (value: unknown, metatype: new () => object) =>
    ValidationPipe.prototype.transform.call(pipe, value, { type: 'body', metatype, data: undefined });

  it('compiles every command DTO and accepts their valid payloads', () => {
    for (const type of COMMAND_TYPES) {
      const compiled = CompiledValidator.for(COMMANDS[type].dto);
      expect(compiled).toBeDefined();
      const parsed = compiled!.parse(clone(VALID[type]));
      expect(parsed).toBeInstanceOf(COMMANDS[type].dto);
    }
    const placed = CompiledValidator.for(OrderPlaceDto)!.parse(clone(VALID['order.place'])) as OrderPlaceDto;
    expect(placed.items[0]).toBeInstanceOf(OrderPlaceItemDto);
  });

  it.each(COMMAND_TYPES)(
    '%s: valid exactly when class-validator says so, to the same instance',
    async (type) => differential(type, COMMANDS[type].dto),
  );

  it('order.place of a dine-in order (table, no address): the same verdicts', () =>
    differential('order.place#dine_in', OrderPlaceDto));

  it('order.update_status to delivered with a hand-over code: the same verdicts', () =>
    differential('order.update_status#delivered', OrderUpdateStatusDto));

  it('order.assign_courier handing an order back (courierId null): the same verdicts', () =>
    differential('order.assign_courier#none', OrderAssignCourierDto));

  async function differential(type: string, dto: new () => object): Promise<void> {
    const compiled = CompiledValidator.for(dto)!;
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(mutated(type), async (payload) => {
        const fast = compiled.parse(clone(payload));
        let expected: unknown;
        let ok = true;
        try {
          expected = await reference(clone(payload), dto);
        } catch {
          ok = false;
        }
        expect(fast !== undefined).toBe(ok);
        if (fast === undefined) return void refused++;
        accepted++;
        expect(Object.getPrototypeOf(fast)).toBe(Object.getPrototypeOf(expected));
        expect(fast).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
    // Both kinds of verdict were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }

  it('an item that is an array: both refuse it (class-validator took it for a list of items until @IsObject each)', async () => {
    const item = { sku: 'burger', quantity: 1 };
    const compiled = CompiledValidator.for(OrderPlaceDto)!;
    for (const items of [[[]], [[item]], [item, [item]]]) {
      const payload = { items, currency: 'EUR', fulfillment: 'pickup' };
      expect(compiled.parse(clone(payload))).toBeUndefined();
      await expect(reference(clone(payload), OrderPlaceDto)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it('leaves unusual values to class-validator (never accepts them itself)', () => {
    const compiled = CompiledValidator.for(OrderPlaceDto)!;
    const base = VALID['order.place'];
    const protoKey = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    expect(compiled.parse({ ...base, ...protoKey })).toBeUndefined();
    expect(compiled.parse({ ...base, items: [Buffer.from('x')] })).toBeUndefined();
    expect(compiled.parse({ ...base, deliveryAddress: new Map() })).toBeUndefined();
    expect(compiled.parse(Object.assign(Object.create({ inherited: 1 }) as object, base))).toBeUndefined();
    expect(compiled.parse([base])).toBeUndefined();
    expect(compiled.parse('x')).toBeUndefined();
  });
});
