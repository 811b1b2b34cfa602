import { Inject, Injectable } from '@nestjs/common';
import type { DurableType, Envelope, Role } from '@orderwire/contracts';
import { ROLES } from '@orderwire/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Link } from '../session/link.js';
import { RUNTIME } from '../session/session.js';
import { Connections } from '../transport/connections.js';

/**
 * The replay hold, whole: while a replay is read and written to a socket, live durable messages
 * for it are queued instead of written (so they can neither overtake the replay nor fall into
 * the gap between the read and the writes), and written after it, less what the replay already
 * carried. Volatile broadcasts pass held sockets by too. At most REPLAY_MAX messages are queued
 * per socket: past that, the socket is flagged and, once its replay is written, disconnected with
 * SLOW_CONSUMER (it cannot take its backlog as fast as messages arrive; it catches up from its
 * cursor on reconnect, so nothing durable is lost).
 */
@Injectable()
export class ReplayHold {
  private readonly holding = new Map<Role, Set<string>>(ROLES.map((r: Role) => [r, new Set<string>()]));

  private readonly maxQueued: number;
  /** Sockets whose queue reached the bound: nothing more is queued for them. */
  private readonly overflowed = new Set<string>();

  constructor(
    private readonly connections: Connections,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxQueued = config.delivery.replayMax;
  }

  /** Socket ids of `role` on hold: broadcasts pass them by (`except`). */
  held(role: Role): ReadonlySet<string> {
    return this.holding.get(role)!;
  }

  /** Puts the connection on hold, before its replay is read. */
  begin(link: Link): void {
    this.holding.get(link.session.role)!.add(link.id);
  }

  /** Queues the message on held sockets of `role` in any of `rooms`. */
  queue(role: Role, rooms: ReadonlySet<string>, envelope: Envelope<DurableType>): void {
    for (const id of this.holding.get(role)!) {
      if (this.overflowed.has(id)) continue;
      const link = this.connections.link(role, id);
      if (!link) continue;
      for (const room of rooms) {
        if (!link.inRoom(room)) continue;
        const queued = (link.session[RUNTIME].held ??= []);
        if (queued.length >= this.maxQueued) this.overflowed.add(id);
        else queued.push(envelope);
        break;
      }
    }
  }

  /**
   * Takes the socket off hold; returns what was queued for it meanwhile and is not in `replayed`
   * (a message published during the replay may also be in it), to be written now in that order,
   * or `overflowed` if the queue reached its bound (then nothing is returned: the socket must
   * catch up from its cursor).
   */
  end(
    link: Link,
    replayed: readonly Envelope<DurableType>[],
  ): { queued: Envelope<DurableType>[]; overflowed: boolean } {
    const runtime = link.session[RUNTIME];
    const queued = runtime.held;
    runtime.held = undefined;
    this.holding.get(link.session.role)!.delete(link.id);
    const overflowed = this.overflowed.delete(link.id);
    if (overflowed || !queued?.length || !link.connected) return { queued: [], overflowed };
    const written = new Set(replayed.map((e) => e.id));
    return { queued: queued.filter((e) => !written.has(e.id)), overflowed };
  }
}
