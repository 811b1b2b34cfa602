import type { Menu, MenuContent } from '@orderwire/contracts';
import type { MenuStore, MenuStoreBounds } from '../menu-store.js';

/** Menus of every tenant in one process. */
export class MemoryMenuStore implements MenuStore {
  private readonly menus = new Map<string, Menu>();
  constructor(private readonly bounds: MenuStoreBounds) {}

  get(tenantId: string): Promise<Menu | undefined> {
    return Promise.resolve(this.menus.get(tenantId));
  }

  put(tenantId: string, content: MenuContent, at: string): Promise<Menu | undefined> {
    const previous = this.menus.get(tenantId);
    if (!previous && this.menus.size >= this.bounds.maxTenants) return Promise.resolve(undefined);
    const menu: Menu = {
      currency: content.currency,
      items: content.items.map((i) => ({ ...i })),
      ...(content.settings ? { settings: { ...content.settings } } : {}),
      version: (previous?.version ?? 0) + 1,
      updatedAt: at,
    };
    this.menus.set(tenantId, menu);
    return Promise.resolve(menu);
  }

  setAvailability(
    tenantId: string,
    sku: string,
    available: boolean,
    at: string,
  ): Promise<number | undefined> {
    const menu = this.menus.get(tenantId);
    if (!menu) return Promise.resolve(undefined);
    // A new object each time: a reader holding the previous menu keeps a consistent one.
    const next: Menu = {
      ...menu,
      items: menu.items.map((i) => (i.sku === sku ? { ...i, available } : i)),
      version: menu.version + 1,
      updatedAt: at,
    };
    this.menus.set(tenantId, next);
    return Promise.resolve(next.version);
  }

  count(): Promise<number> {
    return Promise.resolve(this.menus.size);
  }
}
