import type { PresenceCounts } from '@orderwire/contracts';
import type { RegisterResult, SessionEntry, SessionRegistry } from '../session-registry.js';

interface TenantCounts extends PresenceCounts {
  total: number;
}

/** Sessions, caps and revocations of one process. */
export class MemorySessionRegistry implements SessionRegistry {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly perUser = new Map<string, number>();
  private readonly perTenant = new Map<string, TenantCounts>();
  private readonly revoked = new Map<string, { at: number; expiresAt: number }>();

  register(entry: SessionEntry, caps: { perUser: number; perTenant: number }): Promise<RegisterResult> {
    if (this.sessions.has(entry.sessionId)) return Promise.resolve({ ok: true });
    const userCount = this.perUser.get(entry.userKey) ?? 0;
    if (userCount >= caps.perUser) return Promise.resolve({ ok: false, reason: 'user' });
    const tenant = this.counts(entry.tenantId);
    if (tenant.total >= caps.perTenant) return Promise.resolve({ ok: false, reason: 'tenant' });
    this.sessions.set(entry.sessionId, entry);
    this.perUser.set(entry.userKey, userCount + 1);
    tenant.total++;
    tenant[entry.role]++;
    return Promise.resolve({ ok: true });
  }

  unregister(entry: SessionEntry): Promise<boolean> {
    if (!this.sessions.delete(entry.sessionId)) return Promise.resolve(false);
    const userCount = (this.perUser.get(entry.userKey) ?? 1) - 1;
    if (userCount <= 0) this.perUser.delete(entry.userKey);
    else this.perUser.set(entry.userKey, userCount);
    const tenant = this.counts(entry.tenantId);
    tenant.total--;
    tenant[entry.role]--;
    if (tenant.total === 0) this.perTenant.delete(entry.tenantId);
    return Promise.resolve(true);
  }

  presence(tenantId: string): Promise<PresenceCounts> {
    const c = this.perTenant.get(tenantId);
    return Promise.resolve({ customer: c?.customer ?? 0, crew: c?.crew ?? 0, admin: c?.admin ?? 0 });
  }

  revoke(userKey: string, at: number, ttlMs: number): Promise<void> {
    this.revoked.set(userKey, { at, expiresAt: at + ttlMs });
    return Promise.resolve();
  }

  revokedAt(userKey: string): Promise<number | undefined> {
    const r = this.revoked.get(userKey);
    if (r && r.expiresAt <= Date.now()) {
      this.revoked.delete(userKey);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(r?.at);
  }

  private counts(tenantId: string): TenantCounts {
    let c = this.perTenant.get(tenantId);
    if (!c) this.perTenant.set(tenantId, (c = { customer: 0, crew: 0, admin: 0, total: 0 }));
    return c;
  }
}
