import type { PresenceCounts, Role } from '@orderwire/contracts';

export interface SessionEntry {
  sessionId: string;
  userKey: string;
  tenantId: string;
  role: Role;
}

export type RegisterResult = { ok: true } | { ok: false; reason: 'user' | 'tenant' };

/** Who is connected, the session caps, and token revocation. Cluster-wide in the redis engine. */
export interface SessionRegistry {
  /** Adds the session unless the user or the tenant is at its cap. */
  register(entry: SessionEntry, caps: { perUser: number; perTenant: number }): Promise<RegisterResult>;
  /** Idempotent: false if the session was not registered. */
  unregister(entry: SessionEntry): Promise<boolean>;
  presence(tenantId: string): Promise<PresenceCounts>;
  /** Tokens of `userKey` issued before `at` (epoch ms) are refused from now on. */
  revoke(userKey: string, at: number, ttlMs: number): Promise<void>;
  revokedAt(userKey: string): Promise<number | undefined>;
}
