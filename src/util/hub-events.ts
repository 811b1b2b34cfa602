import { Injectable, Logger } from '@nestjs/common';
import type {
  AuditEntry,
  DeadLetterItem,
  DurableType,
  Envelope,
  Order,
  StoreStatusData,
} from '@orderwire/contracts';

/** What one part of the hub tells the others, by name, with its payload. */
export interface HubEventMap {
  /** A durable message was moved to the dead letters (delivery). Monitoring raises DELIVERY_FAILED. */
  'delivery.dead_lettered': { letter: DeadLetterItem; envelope: Envelope<DurableType> };
  /**
   * Every dependency answers again after an outage (monitoring). Listeners run in turn and are
   * awaited before the "can be reached again" alert: catch-up steps (re-registering sessions).
   */
  'dependency.recovered': { dependencies: string[]; downForMs: number };
  /**
   * Something changed an order, a menu item or a session, or an alert was raised (any layer).
   * Monitoring's AuditService keeps it in the tenant's audit trail. Emit without awaiting.
   */
  audit: Omit<AuditEntry, 'id' | 'at'>;
  /**
   * A durable message was stored, once, on the node that published it (delivery). Webhooks send
   * it to the backends that asked for its type. Emitted only while someone listens, and not for
   * the hub's reminders (an unseen order's urgent copy).
   */
  'message.published': { envelope: Envelope<DurableType> };
  /**
   * The store's status changed (orders): by a command, a service, or its `until` passing; on the
   * one node that made the change. Webhooks send it to the backends that asked for `store.status`.
   */
  'store.status': { tenantId: string; data: StoreStatusData };
  /**
   * A scheduled order left `scheduled` (orders): fired to `placed`, or cancelled. The scheduled
   * orders' index lets it go, and a fired order's acceptance clock starts.
   */
  'order.unscheduled': { before: Order; after: Order };
  /**
   * An order changed (orders: OrdersService.change, on the node that wrote it): its status, lines,
   * courier, payment or ETA. The kitchen's load follows it.
   */
  'order.changed': { before: Order; after: Order };
  /** A crew session connected to or left this node (gateways): the crew on shift changed. */
  'crew.changed': { tenantId: string };
  /**
   * An order is `placed` and waits for the crew (orders): placed by a customer, published by a
   * service, or a scheduled order fired. Escalation by acknowledgement watches it.
   */
  'order.placed': { order: Order };
  /**
   * A crew socket acknowledged an `order.created` (delivery), on the node it is connected to: the
   * order is seen (docs/protocol.md section 14). Emitted for every such acknowledgement.
   */
  'order.seen': { envelope: Envelope<'order.created'>; userKey: string };
}

type Listener<K extends keyof HubEventMap> = (payload: HubEventMap[K]) => void | Promise<void>;

/**
 * The hub's one event bus: a lower layer announces, higher layers listen, so that no service
 * keeps a registry of callbacks from the layers above it. Listeners run in the order they were
 * added; one that throws or rejects is logged and does not stop the others.
 */
@Injectable()
export class HubEvents {
  private readonly log = new Logger(HubEvents.name);
  private readonly listeners = new Map<keyof HubEventMap, Array<Listener<never>>>();

  on<K extends keyof HubEventMap>(type: K, listener: Listener<K>): void {
    let list = this.listeners.get(type);
    if (!list) this.listeners.set(type, (list = []));
    list.push(listener as Listener<never>);
  }

  /** Whether anyone listens to `type` (so that a hot path emits only when it matters). */
  has(type: keyof HubEventMap): boolean {
    return (this.listeners.get(type)?.length ?? 0) > 0;
  }

  /** Runs every listener of `type`, one after another; resolves when all have. */
  async emit<K extends keyof HubEventMap>(type: K, payload: HubEventMap[K]): Promise<void> {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        await (listener as Listener<K>)(payload);
      } catch (err) {
        this.log.error(`a ${type} listener failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
  }
}
