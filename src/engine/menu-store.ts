import type { Menu, MenuContent } from '@orderwire/contracts';

/** MENU_MAX_TENANTS: how many tenants' menus the store keeps. */
export interface MenuStoreBounds {
  maxTenants: number;
}

/** One menu per tenant, with its version (docs/protocol.md, the menu). */
export interface MenuStore {
  get(tenantId: string): Promise<Menu | undefined>;
  /**
   * Replaces the tenant's menu: the version grows by one, marks of availability are dropped (the
   * menu's own `available` flags hold). `undefined` when the tenant has no menu yet and
   * MENU_MAX_TENANTS menus are stored.
   */
  put(tenantId: string, content: MenuContent, at: string): Promise<Menu | undefined>;
  /**
   * Marks one item (un)available. Returns the menu's new version, or `undefined` when the tenant
   * has no menu. The caller checks that the sku is on the menu.
   */
  setAvailability(tenantId: string, sku: string, available: boolean, at: string): Promise<number | undefined>;
  /** How many tenants have a menu. */
  count(): Promise<number>;
}
