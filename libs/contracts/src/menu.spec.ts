import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { menuProblem, priceOrder, type Menu } from './menu.js';
import { validatePublishRequest } from './publish.js';

const menu: Menu = {
  currency: 'EUR',
  version: 3,
  updatedAt: '2026-01-01T00:00:00.000Z',
  items: [
    {
      sku: 'burger',
      name: 'Burger',
      price: 850,
      available: true,
      modifiers: [
        { id: 'cheese', name: 'Cheese', price: 120 },
        { id: 'bacon', name: 'Bacon', price: 200 },
      ],
    },
    { sku: 'shake', name: 'Shake', price: 450, available: false },
  ],
};

describe('priceOrder', () => {
  it('charges each unit the item’s price plus its modifiers’, with the menu’s names', () => {
    const priced = priceOrder(menu, [
      { sku: 'burger', quantity: 3, modifiers: ['bacon'], name: 'Free', unitPrice: 1050 },
      { sku: 'burger', quantity: 1 },
    ]);
    expect(priced.problems).toEqual([]);
    expect(priced.total).toBe(3 * 1050 + 850);
    expect(priced.items).toEqual([
      {
        sku: 'burger',
        name: 'Burger',
        quantity: 3,
        unitPrice: 1050,
        modifiers: [{ id: 'bacon', name: 'Bacon', price: 200 }],
      },
      { sku: 'burger', name: 'Burger', quantity: 1, unitPrice: 850 },
    ]);
  });

  it('names every line at fault: unknown sku or modifier, unavailable, a price that is not the menu’s', () => {
    const { problems } = priceOrder(menu, [
      { sku: 'caviar', quantity: 1 },
      { sku: 'burger', quantity: 1, modifiers: ['cheese', 'gold'] },
      { sku: 'shake', quantity: 1 },
      { sku: 'burger', quantity: 1, unitPrice: 1 },
    ]);
    expect(problems).toEqual([
      { index: 0, sku: 'caviar', reason: 'unknown_sku' },
      { index: 1, sku: 'burger', reason: 'unknown_modifier', modifier: 'gold' },
      { index: 2, sku: 'shake', reason: 'unavailable' },
      { index: 3, sku: 'burger', reason: 'price_changed', unitPrice: 850 },
    ]);
  });
});

describe('a published menu', () => {
  const publish = (data: unknown, menuBytes?: number) =>
    validatePublishRequest(
      { type: 'menu.updated', tenantId: 'r-1', data },
      menuBytes ? { menuBytes } : undefined,
    );
  const content = { currency: 'EUR', items: menu.items };

  it('is accepted with unique skus and modifier ids, within its byte bound', () => {
    expect(publish(content).ok).toBe(true);
    expect(menuProblem(content)).toBeUndefined();
    const small = publish(content, 100);
    expect(small.ok).toBe(false);
    expect(!small.ok && small.fields[0].field).toBe('data.items');
  });

  it('refuses duplicates, bad prices, unknown fields and skus that could name a key', () => {
    const twice = publish({ currency: 'EUR', items: [menu.items[1], menu.items[1]] });
    expect(!twice.ok && twice.fields[0]).toEqual({
      field: 'data.items.1.sku',
      messages: ['sku shake appears twice'],
    });
    const mods = publish({
      currency: 'EUR',
      items: [{ ...menu.items[0], modifiers: [menu.items[0].modifiers![0], menu.items[0].modifiers![0]] }],
    });
    expect(!mods.ok && mods.fields[0].field).toBe('data.items.0.modifiers.1.id');
    for (const bad of [
      { ...menu.items[1], price: -1 },
      { ...menu.items[1], price: 1.5 },
      { ...menu.items[1], sku: 'a:b' },
      { ...menu.items[1], sku: 'a b' },
      { ...menu.items[1], available: 'yes' },
      { ...menu.items[1], secret: true },
    ]) {
      expect(publish({ currency: 'EUR', items: [bad] }).ok).toBe(false);
    }
    expect(publish({ currency: 'EURO', items: [] }).ok).toBe(false);
  });
});
