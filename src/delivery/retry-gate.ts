import type { Role } from '@orderwire/contracts';
import type { DurableWriter } from '../transport/socket-writer.js';
import { type AckTime, ackWait } from './ack-time.js';

/** What the gate reads of a message waiting for acknowledgements (DeliveryPolicy's Pending). */
export interface RetryCandidate {
  /** User keys that have not acknowledged it. */
  waiting: ReadonlySet<string>;
  /** Its packets so far, per namespace, in write order. */
  packets: ReadonlyArray<[Role, number]>;
  /** When this node first wrote it (this node's clock). */
  sentAt: number;
}

/**
 * The sockets a retry of `p` skips, because their copy is most likely still on its way: a second
 * would only be a duplicate (TCP loses nothing on a live connection). Behind: it still owes an ack
 * for something written before its first copy (it has not got this far), or acked something
 * within the backoff but nothing written after its last copy (working through its backlog), or
 * the message is younger than it usually takes to ack (ack-time.ts: a slow network, a busy
 * client). One that acked later messages (its handler failed on this one) or was quiet that long
 * with this message first in line gets it again. **A socket in its replay** (`held`) is behind by
 * definition: its replay, or the hold for what came after the replay's read, brings the message,
 * paced; retries written past that pacing (a burst of them after a reconnect, one per message its
 * user left unacknowledged) could trip the slow-consumer bound and cut the socket mid-replay. A
 * skipped retry still counts as an attempt: a socket that never catches up ends in the dead
 * letters as before.
 */
export function behind(
  p: RetryCandidate,
  writer: DurableWriter,
  held: (role: Role) => ReadonlySet<string>,
  backoffMs: number,
  nodeAckTime: AckTime,
): Set<string> {
  const out = new Set<string>();
  const now = Date.now();
  for (const key of p.waiting) {
    const { role, ids } = writer.socketsOf(key);
    const replaying = held(role);
    for (const id of ids ?? []) {
      if (replaying.has(id)) {
        out.add(id);
        continue;
      }
      const owed = writer.owedAcks(role, id);
      const tracking = writer.ackTracking(role, id);
      if (!owed || !tracking) continue;
      // This socket's copies are the packets of this message it still owes an ack for, in write order.
      let first = -1;
      let last = -1;
      for (const [packetRole, packetId] of p.packets) {
        if (packetRole !== role || !owed.has(packetId)) continue;
        if (first < 0) first = packetId;
        last = packetId;
      }
      if (first < 0 || (tracking.lastAckId ?? -1) > last) continue;
      const oldest = owed.keys().next().value as number;
      if (oldest < first || now - (tracking.lastAckAt ?? 0) < backoffMs) out.add(id);
      // A socket not measured yet (its first messages) is taken to be as slow as the node's.
      else if (now - p.sentAt < (ackWait(tracking) || ackWait(nodeAckTime))) out.add(id);
    }
  }
  return out;
}
