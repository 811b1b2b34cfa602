import { createHash } from 'node:crypto';
import type { MenuContent } from '@orderwire/contracts';

/**
 * The example restaurant's menu, which the service publishes for each tenant in MENU_TENANTS at
 * start (docs/protocol.md section 9): the hub prices every order from it. A real service reads
 * it from its own database and publishes again whenever it changes.
 */
export const DEMO_MENU: MenuContent = {
  currency: 'EUR',
  items: [
    {
      sku: 'burger',
      name: 'Burger',
      price: 850,
      available: true,
      category: 'mains',
      modifiers: [
        { id: 'cheese', name: 'Extra cheese', price: 120 },
        { id: 'bacon', name: 'Bacon', price: 200 },
      ],
    },
    { sku: 'veggie', name: 'Veggie burger', price: 900, available: true, category: 'mains' },
    {
      sku: 'fries',
      name: 'Fries',
      price: 300,
      available: true,
      category: 'sides',
      modifiers: [{ id: 'large', name: 'Large', price: 100 }],
    },
    { sku: 'salad', name: 'Side salad', price: 450, available: true, category: 'sides' },
    { sku: 'cola', name: 'Cola', price: 250, available: true, category: 'drinks' },
    { sku: 'shake', name: 'Vanilla shake', price: 480, available: true, category: 'drinks' },
  ],
};

/** A requestId that changes with the menu: the same menu published again is a no-op. */
export function menuRequestId(tenantId: string, menu: MenuContent): string {
  return `menu-${tenantId}-${createHash('sha256').update(JSON.stringify(menu)).digest('hex').slice(0, 16)}`;
}
