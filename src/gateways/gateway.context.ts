import { Injectable } from '@nestjs/common';
import { CommandLane } from '../commands/command-lane.js';
import { HandshakeMiddleware } from '../auth/handshake.middleware.js';
import { SessionControlService } from '../auth/session-control.service.js';
import { DeadLetterService } from '../delivery/dead-letter.service.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { HubServer } from '../transport/hub-server.js';
import { ReplayService } from '../delivery/replay.service.js';
import { AdminFeedService } from '../monitoring/admin-feed.service.js';
import { AuditService } from '../monitoring/audit.service.js';
import { HubEvents } from '../util/hub-events.js';
import { MenuService } from '../orders/menu.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { ConnectionService } from './connection.service.js';

/** The services the role gateways call, injected once and shared by the three of them. */
@Injectable()
export class GatewayContext {
  constructor(
    readonly handshake: HandshakeMiddleware,
    readonly server: HubServer,
    readonly connections: ConnectionService,
    readonly replays: ReplayService,
    readonly orders: OrdersService,
    readonly menus: MenuService,
    readonly delivery: DeliveryService,
    readonly feed: AdminFeedService,
    readonly deadLetters: DeadLetterService,
    readonly sessionControl: SessionControlService,
    readonly audit: AuditService,
    readonly events: HubEvents,
    readonly webhooks: WebhooksService,
    readonly lane: CommandLane,
  ) {}
}
