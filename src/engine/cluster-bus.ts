import type { DurableType, Envelope } from '@orderwire/contracts';
import type { Namespace } from 'socket.io';
import type { Targets } from './message-store.js';

/** A stored durable message on its way to the other nodes, each of which delivers it locally. */
export interface FanoutMessage {
  envelope: Envelope<DurableType>;
  targets: Targets;
  publishedAt: number;
  /** A deliberate re-delivery of a message released before (a retried service job): not ordered. */
  again?: boolean;
}

/** How nodes tell each other about durable messages. */
export interface ClusterBus {
  /** Binds to the namespace the nodes talk through, once it exists. */
  bind(nsp: Namespace, onMessage: (msg: FanoutMessage) => void): void;
  publish(msg: FanoutMessage): void;
}

/** One node: nobody else to tell. */
export class LocalClusterBus implements ClusterBus {
  bind(): void {}
  publish(): void {}
}

const EVENT = 'orderwire:fanout';

/**
 * Through the Socket.IO cluster adapter (`serverSideEmit`): with the Redis streams adapter the
 * messages share one ordered stream, and a node that loses Redis for a while resumes from its
 * offset instead of missing what was published meanwhile.
 */
export class AdapterClusterBus implements ClusterBus {
  private nsp?: Namespace;

  bind(nsp: Namespace, onMessage: (msg: FanoutMessage) => void): void {
    this.nsp = nsp;
    nsp.on(EVENT, (msg: FanoutMessage) => onMessage(msg));
  }

  publish(msg: FanoutMessage): void {
    this.nsp?.serverSideEmit(EVENT, msg);
  }
}
