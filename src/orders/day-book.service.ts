import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import {
  DAY_BOOK_DAYS,
  type DayReport,
  FINAL_STATUSES,
  type Order,
  placedAt,
  toDayOrder,
} from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DAY_BOOK } from '../engine/engine.tokens.js';
import type { DayBookStore } from '../engine/day-book.js';
import { invalid } from '../util/hub.exception.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { CLOCK, type Clock, systemClock } from '../util/clock.js';
import { HubEvents } from '../util/hub-events.js';
import { type HubLogger, InjectLogger } from '../util/logging.js';
import { MenuService } from './menu.service.js';

/** Days a "day is full" warning is remembered for, per tenant (one warning per tenant and day). */
const WARNED_MAX = 10_000;
const DAY_MS = 86_400_000;

/**
 * The day book (docs/protocol.md section 15): writes each order that finishes, on the node that
 * changed it, to its tenant's book for the business day it was placed on, and reads a day back
 * for `admin.day_report`.
 */
@Injectable()
export class DayBookService implements OnModuleInit {
  private readonly warned = new Set<string>();
  /** DAY_BOOK_MAX_ORDERS. */
  private readonly max: number;

  constructor(
    @InjectLogger(DayBookService.name) private readonly logger: HubLogger,
    @Inject(DAY_BOOK) private readonly book: DayBookStore,
    private readonly menus: MenuService,
    private readonly metrics: MetricsService,
    private readonly events: HubEvents,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.max = config.orders.dayBookMax;
  }

  onModuleInit(): void {
    this.events.on('order.changed', ({ after }) => this.finished(after));
  }

  /** The finished orders of `day` (today's when left out), oldest placed first. */
  async report(tenantId: string, day: string | undefined): Promise<DayReport> {
    const settings = await this.menus.settings(tenantId);
    const now = new Date(this.clock.now());
    const today = this.menus.businessDay(settings, now);
    const asked = day ?? today;
    const at = Date.parse(`${asked}T12:00:00Z`);
    if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== asked)
      throw invalid([{ field: 'day', messages: ['day is not a calendar date'] }], 'day is not a date');
    if (Date.parse(`${today}T12:00:00Z`) - at >= DAY_BOOK_DAYS * DAY_MS)
      throw invalid(
        [{ field: 'day', messages: [`the day book keeps ${DAY_BOOK_DAYS} days`] }],
        `day is older than the ${DAY_BOOK_DAYS} days kept`,
      );
    const { orders, complete } = await this.book.read(tenantId, asked);
    orders.sort((a, b) => placedAt(a).localeCompare(placedAt(b)) || a.orderId.localeCompare(b.orderId));
    return { day: asked, timezone: this.menus.timezoneOf(settings), orders, complete };
  }

  private async finished(order: Order): Promise<void> {
    if (!FINAL_STATUSES.has(order.status)) return;
    const day = this.menus.businessDay(
      await this.menus.settings(order.tenantId),
      new Date(Date.parse(placedAt(order))),
    );
    try {
      if (await this.book.put(order.tenantId, day, toDayOrder(order), this.max)) return;
      this.metrics.dayBookRefused.inc({ reason: 'full' });
      this.warnOnce(order.tenantId, day);
    } catch (err) {
      this.metrics.dayBookRefused.inc({ reason: 'error' });
      this.logger.warn(
        { err, tenantId: order.tenantId, orderId: order.orderId },
        'a finished order was not written to the day book',
      );
    }
  }

  private warnOnce(tenantId: string, day: string): void {
    const key = `${tenantId}|${day}`;
    if (this.warned.has(key)) return;
    if (this.warned.size >= WARNED_MAX) this.warned.clear();
    this.warned.add(key);
    this.logger.warn(
      { tenantId, day, max: this.max },
      'the day book is full for this day: later finished orders are left out of its report',
    );
  }
}
