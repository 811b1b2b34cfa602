import { Nested } from './nested.js';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO4217CurrencyCode,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { Sender } from './roles.js';
import type { OrderItem } from './order.js';
import { hoursProblem } from './hours.js';
import { type TenantSettings, TenantSettingsDto } from './settings.js';
import { STATION_PATTERN } from './patterns.js';

/** Skus and modifier ids: short, printable, no separators that a Redis field or room could mean. */
export const MENU_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** At most this many items in one menu, and modifiers on one item (docs/protocol.md, menu). */
export const MENU_MAX_ITEMS = 500;
export const MENU_MAX_MODIFIERS = 30;
/** The largest price of an item or a modifier, in minor units. */
export const MENU_MAX_PRICE = 100_000_000;

/** An option on an item (extra cheese, large): its price is added to the item's. */
export interface MenuModifier {
  id: string;
  name: string;
  /** Integer minor units, added to the item's price. */
  price: number;
}

export interface MenuItem {
  sku: string;
  name: string;
  /** Integer minor units, in the menu's currency. */
  price: number;
  /** False while the item is "86'd": customers see it, cannot order it. */
  available: boolean;
  category?: string;
  description?: string;
  modifiers?: MenuModifier[];
  /** The kitchen station that makes it (docs/protocol.md section 13): its lines go to that station. */
  station?: string;
}

/** What a service publishes as `menu.updated`: the whole catalog of one tenant. */
export interface MenuContent {
  currency: string;
  items: MenuItem[];
  settings?: TenantSettings;
}

/** The catalog as the hub stores and sends it: `version` grows by one with every change. */
export interface Menu extends MenuContent {
  version: number;
  updatedAt: string;
}

/** `menu.updated`, to clients: the tenant's whole menu (on connect and whenever it changes). */
export type MenuUpdatedData = Menu;

/** `menu.availability_changed`: one item marked (un)available; `version` is the menu's after it. */
export interface MenuAvailabilityData {
  sku: string;
  available: boolean;
  version: number;
  updatedBy: Sender;
}

/**
 * An optional list of modifiers, each validated (menu items, and the order items services
 * publish): the one definition of what a list of modifiers may be.
 */
export function ModifierList(): PropertyDecorator {
  return (target, key) => {
    for (const d of [
      IsOptional(),
      IsArray(),
      ArrayMaxSize(MENU_MAX_MODIFIERS),
      ValidateNested({ each: true }),
      Nested(() => MenuModifierDto),
    ])
      d(target, key);
  };
}

export class MenuModifierDto {
  @IsString() @Matches(MENU_ID_PATTERN, { message: 'id must be 1 to 64 of A-Z a-z 0-9 _ . -' }) id!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @IsInt() @Min(0) @Max(MENU_MAX_PRICE) price!: number;
}

export class MenuItemDto {
  @IsString() @Matches(MENU_ID_PATTERN, { message: 'sku must be 1 to 64 of A-Z a-z 0-9 _ . -' }) sku!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @IsInt() @Min(0) @Max(MENU_MAX_PRICE) price!: number;
  @IsBoolean() available!: boolean;
  @IsOptional() @IsString() @MaxLength(64) category?: string;
  @IsOptional() @IsString() @MaxLength(500) description?: string;
  @ModifierList() modifiers?: MenuModifierDto[];
  @IsOptional()
  @IsString()
  @Matches(STATION_PATTERN, { message: 'station must be 1 to 32 of A-Z a-z 0-9 _ . -' })
  station?: string;
}

/** The data of a published `menu.updated`. */
export class MenuContentDto {
  @IsOptional() @ValidateNested() @Nested(() => TenantSettingsDto) settings?: TenantSettingsDto;
  @IsISO4217CurrencyCode() currency!: string;
  @IsArray()
  @ArrayMinSize(0)
  @ArrayMaxSize(MENU_MAX_ITEMS)
  @ValidateNested({ each: true })
  @Nested(() => MenuItemDto)
  items!: MenuItemDto[];
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * What class-validator cannot say about a menu: duplicate skus, duplicate modifier ids within an
 * item, an unknown time zone. The first one found, as a field path.
 */
export function menuProblem(content: MenuContent): { field: string; message: string } | undefined {
  const zone = content.settings?.timezone;
  if (zone !== undefined && !isTimeZone(zone))
    return { field: 'settings.timezone', message: `${zone} is not an IANA time zone` };
  const hours = content.settings?.hours;
  if (hours && zone === undefined)
    return { field: 'settings.timezone', message: 'opening hours need the time zone they are in' };
  const bad = hours && hoursProblem(hours);
  if (bad) return { field: `settings.hours.${bad.field}`, message: bad.message };
  const skus = new Set<string>();
  for (const [i, item] of content.items.entries()) {
    if (skus.has(item.sku)) return { field: `items.${i}.sku`, message: `sku ${item.sku} appears twice` };
    skus.add(item.sku);
    const ids = new Set<string>();
    for (const [j, m] of (item.modifiers ?? []).entries()) {
      if (ids.has(m.id))
        return { field: `items.${i}.modifiers.${j}.id`, message: `modifier ${m.id} appears twice` };
      ids.add(m.id);
    }
  }
  return undefined;
}

/** One line of `order.place`: what the customer chose. Name and price come from the menu. */
export interface OrderLine {
  sku: string;
  quantity: number;
  modifiers?: string[];
  /** Old clients send these; with a menu, the name is the menu's and a differing price is refused. */
  name?: string;
  unitPrice?: number;
}

/** Why a line cannot be priced, with the line's index in `items` (docs/protocol.md, codes). */
export interface PricingProblem {
  index: number;
  sku: string;
  reason: 'unknown_sku' | 'unknown_modifier' | 'unavailable' | 'price_changed';
  modifier?: string;
  /** With `price_changed`: the menu's price of one unit, modifiers included. */
  unitPrice?: number;
}

export interface PricedOrder {
  items: OrderItem[];
  total: number;
  problems: PricingProblem[];
}

/**
 * Prices order lines from the menu: each unit costs the item's price plus its modifiers'. A line
 * whose sku or modifier the menu does not have, whose item is unavailable, or whose `unitPrice`
 * differs from the menu's is a problem; the order is placed only without any.
 */
export function priceOrder(
  menu: Menu,
  lines: readonly OrderLine[],
  bySku: ReadonlyMap<string, MenuItem> = new Map(menu.items.map((i) => [i.sku, i])),
): PricedOrder {
  const items: OrderItem[] = [];
  const problems: PricingProblem[] = [];
  let total = 0;
  lines.forEach((line, index) => {
    const item = bySku.get(line.sku);
    if (!item) return void problems.push({ index, sku: line.sku, reason: 'unknown_sku' });
    const chosen: MenuModifier[] = [];
    for (const id of line.modifiers ?? []) {
      const m = item.modifiers?.find((x) => x.id === id);
      if (!m) return void problems.push({ index, sku: line.sku, reason: 'unknown_modifier', modifier: id });
      chosen.push({ id: m.id, name: m.name, price: m.price });
    }
    if (!item.available) return void problems.push({ index, sku: line.sku, reason: 'unavailable' });
    const unitPrice = chosen.reduce((sum, m) => sum + m.price, item.price);
    if (line.unitPrice !== undefined && line.unitPrice !== unitPrice)
      problems.push({ index, sku: line.sku, reason: 'price_changed', unitPrice });
    items.push({
      sku: item.sku,
      name: item.name,
      quantity: line.quantity,
      unitPrice,
      ...(chosen.length ? { modifiers: chosen } : {}),
      ...(item.station !== undefined ? { station: item.station } : {}),
    });
    total += unitPrice * line.quantity;
  });
  return { items, total, problems };
}
