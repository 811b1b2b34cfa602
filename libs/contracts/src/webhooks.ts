import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhooks (docs/protocol.md section 12): how the hub signs what it POSTs to a backend, and how
 * the backend checks it. The signature is HMAC-SHA256, keyed with the webhook's secret, over
 * `<timestamp>.<raw body>`, sent as `v1=<hex>`; the timestamp (Unix seconds) is its own header.
 */
export const WEBHOOK_HEADERS = {
  /** The delivery's id: the same on every retry of it (deduplicate on it). */
  id: 'orderwire-webhook-id',
  timestamp: 'orderwire-timestamp',
  signature: 'orderwire-signature',
} as const;

/** How old a signed timestamp may be before a receiver refuses it (a replayed request). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** What the hub POSTs: a client command or a durable event, for one tenant. */
export interface WebhookBody {
  /** The delivery id (also the `orderwire-webhook-id` header). */
  id: string;
  /** `decision`: the hub waits for the answer (a `WebhookDecision`) before it goes on. */
  kind: 'command' | 'event' | 'decision';
  /** The command or event type. */
  type: string;
  tenantId: string;
  /** The ClientCommand (kind command), the envelope (kind event) or `{ order }` (kind decision). */
  data: unknown;
  /** When the hub first queued it (ISO 8601). */
  createdAt: string;
}

/**
 * A deciding webhook's answer (docs/protocol.md section 12, decisions): status 2xx with this JSON.
 * `reason` (first 200 characters) reaches the customer in the `REJECTED` reply.
 */
export type WebhookDecision = { accept: true } | { accept: false; reason?: string };

/** The largest decision answer the hub reads; a bigger one counts as a failure. */
export const WEBHOOK_DECISION_MAX_BYTES = 4096;
/** How much of a rejection's reason reaches the customer. */
export const WEBHOOK_REASON_MAX_CHARS = 200;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * A receiver's check: the signature matches the raw body and the timestamp is recent. Compare
 * in constant time; parse the body only after this returns true.
 */
export function verifyWebhook(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now?: number;
  toleranceSeconds?: number;
}): boolean {
  const { secret, body, timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const age = Math.abs((input.now ?? Date.now()) / 1000 - Number(timestamp));
  if (age > (input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
