import { getMetadataStorage } from 'class-validator';
import type { AppConfig } from './app-config.js';
import { EnvSchema } from './env.schema.js';

/** Every setting the hub reads. */
export const KNOWN_SETTINGS: ReadonlySet<string> = new Set([
  ...getMetadataStorage()
    .getTargetValidationMetadatas(EnvSchema, '', true, false)
    .map((m) => m.propertyName),
  'ENV_FILE',
  'WS_PORT',
  'WS_HOST',
]);

/** Prefixes of the hub's settings: an unknown variable with one is most likely a typo. */
const OUR_PREFIXES = [
  'ORDERWIRE_',
  'JWT_',
  'CORS_',
  'TLS_',
  'RATE_',
  'SHUTDOWN_',
  'DELIVERY_',
  'MESSAGE_',
  'SESSIONS_',
  'METRICS_',
  'PUBLISH_',
  'ORDER_',
  'IDEMPOTENCY_',
  'PING_',
  'HANDSHAKES_',
  'REPLAY_',
  'MAX_TOKEN',
  'MAX_SERVICE',
  'DATA_ENCRYPTION',
  'WEBHOOK',
  'COMMAND_',
];

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** An unknown variable that looks like one of ours, with the nearest known name. */
export function unknownSettings(
  env: Record<string, string | undefined>,
): Array<{ name: string; near?: string }> {
  const out: Array<{ name: string; near?: string }> = [];
  for (const name of Object.keys(env)) {
    if (KNOWN_SETTINGS.has(name)) continue;
    let near: string | undefined;
    // A typo is one edit in a short name, two in a long one; names without `_` (HOME, PATH) are
    // not ours, whatever they are near.
    let best = !name.includes('_') ? 0 : name.length < 10 ? 2 : 3;
    for (const known of KNOWN_SETTINGS) {
      const d = distance(name, known);
      if (d < best) [best, near] = [d, known];
    }
    if (near || OUR_PREFIXES.some((p) => name.startsWith(p))) out.push({ name, ...(near ? { near } : {}) });
  }
  return out;
}

/** What the boot log must say about a configuration that works but deserves attention. */
export function configWarnings(config: AppConfig, env: Record<string, string | undefined>): string[] {
  const lines = unknownSettings(env).map(
    ({ name, near }) => `unknown setting ${name}${near ? ` (did you mean ${near}?)` : ''}: ignored`,
  );
  if (config.jwt.insecureDevSecret) {
    lines.push(
      'no JWT_SECRET or JWT_PUBLIC_KEY set: using the built-in development secret; never in production',
    );
  }
  for (const { setting, reason } of config.weakSecrets) {
    lines.push(`${setting} is ${reason}: a production hub refuses to start with it`);
  }
  if (config.devTokens) {
    lines.push(
      'DEV_TOKENS is on: POST /dev/token mints tokens of any role for any tenant; never expose this hub',
    );
  }
  if (config.env === 'production' && !config.monitoring.metricsToken) {
    lines.push('METRICS_TOKEN is unset: GET /metrics is not served in production');
  }
  if (config.engine.kind === 'redis' && !config.encryption) {
    lines.push(
      'DATA_ENCRYPTION_KEY is unset: order personal data (addresses, notes) is kept in Redis in clear',
    );
  }
  for (const hook of config.webhooks.hooks) {
    if (config.env === 'production' && hook.url.startsWith('http:')) {
      lines.push(
        `webhook ${hook.id} posts to ${new URL(hook.url).host} over plain http: commands and order data in clear`,
      );
    }
  }
  if (config.webhooks.hooks.length > 0 && config.engine.kind === 'memory') {
    lines.push('webhooks on the memory engine: deliveries not yet sent are lost if this process stops');
  }
  return lines;
}
