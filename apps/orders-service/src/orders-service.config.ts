/** The example service's settings, read once from the environment. */
export interface OrdersServiceConfig {
  /** The hub cluster's Redis (its REDIS_URL); unset when the module runs inside the hub. */
  redisUrl?: string;
  /** The hub cluster's REDIS_PREFIX. */
  prefix: string;
  /** The hub cluster's DATA_ENCRYPTION_KEY, when the hubs seal: the queued jobs are sealed too. */
  dataEncryptionKey?: string;
  /** Tenants this service serves; `*` for all. */
  tenants: string[];
  /** Tenants whose menu (menu.ts) it publishes at start (MENU_TENANTS, default none). */
  menuTenants: string[];
  /** How long the simulated card payment takes. */
  paymentDelayMs: number;
  /** Move paid orders through the kitchen by themselves, for demos. */
  autoAdvance: boolean;
  autoAdvanceMs: number;
  /** HEALTH_PORT: where `/health/live` and `/health/ready` answer (for probes); unset: no server. */
  healthPort?: number;
}

export function readOrdersServiceConfig(
  env: Record<string, string | undefined> = process.env,
): OrdersServiceConfig {
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number of milliseconds`);
    return Number(raw);
  };
  return {
    redisUrl: env.REDIS_URL || undefined,
    prefix: env.REDIS_PREFIX || 'orderwire',
    dataEncryptionKey: env.DATA_ENCRYPTION_KEY || undefined,
    tenants: (env.SERVICE_TENANTS || '*').split(',').map((t) => t.trim()),
    menuTenants: (env.MENU_TENANTS || '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    paymentDelayMs: int('PAYMENT_DELAY_MS', 300),
    autoAdvance: env.AUTO_ADVANCE === 'true',
    autoAdvanceMs: int('AUTO_ADVANCE_MS', 3000),
    ...(env.HEALTH_PORT ? { healthPort: int('HEALTH_PORT', 0) } : {}),
  };
}
