import { Inject, Injectable } from '@nestjs/common';
import type {
  Menu,
  MenuContent,
  MenuItem,
  MenuSetAvailabilityDto,
  OrderItem,
  OrderPlaceDto,
  PricingProblem,
  PublishJob,
  StoreSetHoursDto,
  TenantSettings,
} from '@orderwire/contracts';
import { businessDay, menuProblem, priceOrder } from '@orderwire/contracts';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { MENU_STORE } from '../engine/engine.tokens.js';
import type { MenuStore } from '../engine/menu-store.js';
import { actorOf, type Session } from '../session/session.js';
import { HubEvents } from '../util/hub-events.js';
import { tenantOf } from '../session/tenant-scope.js';
import { HubException, invalid, notFound } from '../util/hub.exception.js';

/** What `order.place` is charged: the lines as priced, the total, the currency. */
export interface Priced {
  items: OrderItem[];
  total: number;
  currency: string;
  /** The restaurant's settings, published with its menu. */
  settings?: TenantSettings;
}

/**
 * Per time zone (IANA names are a bounded set, validated where they come in): its formatter, and
 * the day of the last minute asked about. Every zone's offset is a whole number of minutes, so a
 * day never changes within a minute: formatting once a minute is enough (it was 0.7 % of the
 * hub's CPU at 6,000 orders/s when done per order).
 */
const SKU_INDEX = new WeakMap<Menu, ReadonlyMap<string, MenuItem>>();

/**
 * The tenant's menu (docs/protocol.md section 9): stored when a service publishes it, sent to
 * every session on connect and on change, marked (un)available by crew, and the only source of
 * an order's prices.
 */
@Injectable()
export class MenuService {
  constructor(
    @InjectLogger(MenuService.name) private readonly logger: HubLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MENU_STORE) private readonly menus: MenuStore,
    private readonly delivery: DeliveryService,
    private readonly events: HubEvents,
  ) {}

  get(tenantId: string): Promise<Menu | undefined> {
    return this.menus.get(tenantId);
  }

  /** The restaurant's settings (docs/protocol.md section 10); none without a menu. */
  async settings(tenantId: string): Promise<TenantSettings> {
    return (await this.menus.get(tenantId))?.settings ?? {};
  }

  /** The restaurant's time zone: the one it published, else ORDER_NUMBER_TIMEZONE. */
  timezoneOf(settings: TenantSettings | undefined): string {
    return settings?.timezone ?? this.config.orders.timezone;
  }

  /**
   * The business day (YYYY-MM-DD) that `at` falls on for the restaurant: in the time zone it
   * published, else ORDER_NUMBER_TIMEZONE. Order numbers restart with it.
   */
  businessDay(settings: TenantSettings | undefined, at: Date): string {
    return businessDay(at.getTime(), this.timezoneOf(settings));
  }

  /**
   * Whether a service may publish this tenant's menu now: LIMIT_REACHED when it would be a new
   * tenant's menu past MENU_MAX_TENANTS (checked when the publish is accepted; the store checks
   * again when it is applied).
   */
  async admit(tenantId: string): Promise<void> {
    const limit = this.config.menu.maxTenants;
    if ((await this.menus.count()) < limit || (await this.menus.get(tenantId))) return;
    throw new HubException('LIMIT_REACHED', `menus of at most ${limit} tenants are kept`, {
      scope: 'menus',
      limit,
    });
  }

  /**
   * A published `menu.updated`: stored, then sent to every session of the tenant. True when it
   * changed the opening hours or their time zone (the store's status may change with them).
   */
  async apply(job: PublishJob): Promise<boolean> {
    const content = job.data as MenuContent;
    const before = await this.menus.get(job.tenantId);
    const menu = await this.menus.put(job.tenantId, content, new Date(job.publishedAt).toISOString());
    if (!menu) {
      this.logger.warn(
        { tenantId: job.tenantId, limit: this.config.menu.maxTenants, messageId: job.id },
        'a menu was not stored: MENU_MAX_TENANTS tenants have one',
      );
      return false;
    }
    this.delivery.emitVolatile({
      type: 'menu.updated',
      tenantId: job.tenantId,
      data: menu,
      sender: job.sender,
      audience: {},
    });
    void this.events.emit('audit', {
      tenantId: job.tenantId,
      actor: job.sender,
      action: 'menu.updated',
      after: { version: menu.version, items: menu.items.length, currency: menu.currency },
    });
    const schedule = (s?: TenantSettings) => JSON.stringify([s?.hours, s?.hours && s.timezone]);
    return schedule(before?.settings) !== schedule(menu.settings);
  }

  /** menu.set_availability: marks one item, tells the tenant's sessions. */
  async setAvailability(
    session: Session,
    dto: MenuSetAvailabilityDto,
  ): Promise<{ sku: string; available: boolean; version: number }> {
    const tenantId = tenantOf(session, dto.tenantId);
    const menu = await this.menus.get(tenantId);
    if (!menu) throw notFound('menu');
    const item = menu.items.find((i) => i.sku === dto.sku);
    if (!item) {
      throw new HubException('UNKNOWN_ITEM', `the menu has no sku ${dto.sku}`, {
        items: [{ index: 0, sku: dto.sku, reason: 'unknown_sku' }],
      });
    }
    const version = await this.menus.setAvailability(
      tenantId,
      dto.sku,
      dto.available,
      new Date().toISOString(),
    );
    if (version === undefined) throw notFound('menu');
    const updatedBy = { id: session.userId, type: session.role };
    this.delivery.emitVolatile({
      type: 'menu.availability_changed',
      tenantId,
      data: { sku: dto.sku, available: dto.available, version, updatedBy },
      sender: updatedBy,
      audience: {},
    });
    void this.events.emit('audit', {
      tenantId,
      actor: actorOf(session),
      action: 'menu.set_availability',
      before: { available: item.available },
      after: { available: dto.available },
      details: { sku: dto.sku, version },
    });
    return { sku: dto.sku, available: dto.available, version };
  }

  /**
   * `store.set_hours`: the menu again with these hours and zone (its items as they are now,
   * availability marks included), one version later, sent to every session; NOT_FOUND without a
   * menu, VALIDATION_FAILED as a published menu's hours would be.
   */
  async setHours(session: Session, tenantId: string, dto: StoreSetHoursDto): Promise<Menu> {
    const menu = await this.menus.get(tenantId);
    if (!menu) throw notFound('menu');
    // `hours` left out keeps them, `null` removes them.
    const { hours: old, ...rest } = menu.settings ?? {};
    const hours = dto.hours === undefined ? old : (dto.hours ?? undefined);
    const settings: TenantSettings = {
      ...rest,
      ...(dto.timezone !== undefined ? { timezone: dto.timezone } : {}),
      ...(hours ? { hours } : {}),
    };
    const content: MenuContent = { currency: menu.currency, items: menu.items, settings };
    const problem = menuProblem(content);
    if (problem) {
      const field = problem.field.replace(/^settings\./, '');
      throw invalid([{ field, messages: [problem.message] }]);
    }
    const stored = await this.menus.put(tenantId, content, new Date().toISOString());
    if (!stored) throw notFound('menu');
    const by = { id: session.userId, type: session.role };
    this.delivery.emitVolatile({ type: 'menu.updated', tenantId, data: stored, sender: by, audience: {} });
    void this.events.emit('audit', {
      tenantId,
      actor: actorOf(session),
      action: 'store.set_hours',
      before: { hours: menu.settings?.hours ?? null, timezone: menu.settings?.timezone ?? null },
      after: { hours: settings.hours ?? null, timezone: settings.timezone ?? null },
      details: { version: stored.version },
    });
    return stored;
  }

  /**
   * What `order.place` costs, from the tenant's menu. Without a menu: the client's names and
   * prices when CATALOG_REQUIRED is off, UNKNOWN_ITEM when it is on.
   */
  async price(tenantId: string, dto: OrderPlaceDto): Promise<Priced> {
    const menu = await this.menus.get(tenantId);
    if (!menu) return this.unpriced(dto);
    const priced = priceOrder(menu, dto.items, this.skuIndex(menu));
    refuse(priced.problems);
    if (dto.currency !== undefined && dto.currency.toUpperCase() !== menu.currency) {
      throw new HubException('PRICE_CHANGED', `this restaurant charges in ${menu.currency}`, {
        currency: menu.currency,
        items: [],
      });
    }
    return { items: priced.items, total: priced.total, currency: menu.currency, settings: menu.settings };
  }

  /**
   * The menu's items by sku, made once per menu object: the memory engine hands out the same
   * object until the menu changes (a 500-item menu was a 500-entry map per order).
   */
  private skuIndex(menu: Menu): ReadonlyMap<string, MenuItem> {
    let index = SKU_INDEX.get(menu);
    if (!index) SKU_INDEX.set(menu, (index = new Map(menu.items.map((i) => [i.sku, i]))));
    return index;
  }

  private unpriced(dto: OrderPlaceDto): Priced {
    if (this.config.menu.required) {
      throw new HubException('UNKNOWN_ITEM', 'this restaurant has not published its menu yet', {
        reason: 'no_menu',
        items: [],
      });
    }
    const fields = dto.items.flatMap((line, i) => [
      ...(line.name === undefined
        ? [{ field: `items.${i}.name`, messages: ['name is required without a menu'] }]
        : []),
      ...(line.unitPrice === undefined
        ? [{ field: `items.${i}.unitPrice`, messages: ['unitPrice is required without a menu'] }]
        : []),
      ...(line.modifiers?.length
        ? [{ field: `items.${i}.modifiers`, messages: ['modifiers need a menu'] }]
        : []),
    ]);
    if (dto.currency === undefined)
      fields.push({ field: 'currency', messages: ['currency is required without a menu'] });
    if (fields.length) throw invalid(fields);
    const items = dto.items.map(({ sku, name, quantity, unitPrice }) => ({
      sku,
      name: name!,
      quantity,
      unitPrice: unitPrice!,
    }));
    return {
      items,
      total: items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0),
      currency: dto.currency!.toUpperCase(),
    };
  }
}

/** The first code that applies, in the order of docs/protocol.md section 9, with every line at fault. */
function refuse(problems: PricingProblem[]): void {
  if (!problems.length) return;
  const of = (...reasons: PricingProblem['reason'][]) => problems.filter((p) => reasons.includes(p.reason));
  const unknown = of('unknown_sku', 'unknown_modifier');
  if (unknown.length)
    throw new HubException('UNKNOWN_ITEM', 'the menu does not have some items', { items: unknown });
  const unavailable = of('unavailable');
  if (unavailable.length)
    throw new HubException('ITEM_UNAVAILABLE', 'some items are not available now', { items: unavailable });
  throw new HubException('PRICE_CHANGED', 'some prices are not the menu prices', {
    items: of('price_changed'),
  });
}
