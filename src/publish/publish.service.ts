import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type {
  ClientCommand,
  CommandType,
  DurableType,
  PublishJob,
  PublishRequest,
  Role,
  Sender,
  StoreStatusChange,
} from '@orderwire/contracts';
import { newUlid, ROLES, validatePublishRequest } from '@orderwire/contracts';
import type { InProcessHub } from '@orderwire/realtime';
import { DeliveryService } from '../delivery/delivery.service.js';
import { withTimeout } from '../util/with-timeout.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ENGINE_HEALTH, type EngineHealth, SERVICE_BRIDGE } from '../engine/engine.tokens.js';
import type { ServiceBridge } from '../engine/service-bridge.js';
import { MenuService } from '../orders/menu.service.js';
import { StoreStatusService } from '../orders/store-status.service.js';
import { stationsOf } from '../orders/orders.service.js';
import { ServiceEventsService } from '../orders/service-events.service.js';

export class PublishRefused extends Error {
  constructor(
    readonly code: 'VALIDATION_FAILED' | 'FORBIDDEN',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * Messages from services (PROTOCOL section 7): accepted from `POST /api/v1/events` and from
 * `Broadcaster` (through the `publish` queue, or in-process), then delivered like the hub's own.
 * Also what a RealtimeModule inside the hub process talks to.
 */
@Injectable()
export class PublishService implements OnModuleInit, InProcessHub {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ENGINE_HEALTH) private readonly health: EngineHealth,
    @Inject(SERVICE_BRIDGE) private readonly bridge: ServiceBridge,
    private readonly delivery: DeliveryService,
    private readonly serviceEvents: ServiceEventsService,
    private readonly menus: MenuService,
    private readonly store: StoreStatusService,
  ) {}

  onModuleInit(): void {
    this.bridge.consumePublishes((job) => this.deliver(job));
  }

  /**
   * A validated request from an authenticated service: queued, then `{ id }` once durable. Fails
   * at once while the engine cannot reach its storage, and after PUBLISH_TIMEOUT_MS at most (a
   * queue client waiting for Redis to return would otherwise hold the caller for as long).
   */
  async accept(request: PublishRequest, sender: Sender): Promise<{ id: string }> {
    if (!this.health.connected()) throw new Error('the engine cannot reach its storage');
    await this.admit(request);
    return withTimeout(
      this.bridge.enqueuePublish({ ...request, id: newUlid(), sender, publishedAt: Date.now() }),
      this.config.publish.timeoutMs,
      `the publish queue did not answer within ${this.config.publish.timeoutMs} ms`,
    );
  }

  /** InProcessHub: what Broadcaster sends from inside this process (validated again here). */
  async publish(job: PublishJob): Promise<{ id: string }> {
    const { id, sender, publishedAt, ...request } = job;
    const checked = validatePublishRequest(request, { menuBytes: this.config.menu.maxBytes });
    if (!checked.ok) {
      throw new PublishRefused('VALIDATION_FAILED', 'invalid publish', { fields: checked.fields });
    }
    await this.admit(checked.value);
    return this.bridge.enqueuePublish({ ...checked.value, id, sender, publishedAt });
  }

  /** LIMIT_REACHED for a new tenant's menu or store status past MENU_MAX_TENANTS. */
  private async admit(request: PublishRequest): Promise<void> {
    if (request.type === 'menu.updated') await this.menus.admit(request.tenantId);
    if (request.type === 'store.status')
      await this.store.admit(request.tenantId, request.data as unknown as StoreStatusChange);
  }

  /** InProcessHub: a command subscription from inside this process. */
  subscribe(type: CommandType, handler: (command: ClientCommand) => Promise<void>, service: string): void {
    this.bridge.subscribe(type, handler, service);
  }

  /**
   * Takes a queued publish to the clients: a menu or a store status is stored and sent (state, not logged);
   * anything else keeps the board in step, then is delivered durably.
   */
  async deliver(job: PublishJob): Promise<void> {
    if (job.type === 'menu.updated') {
      if (await this.menus.apply(job)) await this.store.refresh(job.tenantId);
      return;
    }
    if (job.type === 'store.status') return this.store.apply(job);
    const { order, data, userIds } = await this.serviceEvents.apply(job);
    const roles: Role[] | undefined =
      job.to?.roles ?? (job.type === 'notification' && !job.to?.userIds ? [...ROLES] : undefined);
    await this.delivery.publish({
      type: job.type as DurableType,
      tenantId: job.tenantId,
      data: (data ?? job.data) as PublishJob<Exclude<DurableType, 'order.eta_updated'>>['data'],
      sender: job.sender,
      id: job.id,
      publishedAt: job.publishedAt,
      audience: {
        customerId: order?.customerId,
        userIds: userIds ? [...(job.to?.userIds ?? []), ...userIds] : job.to?.userIds,
        roles,
        ...(order ? { order: stationsOf(order) } : {}),
      },
    });
  }
}
