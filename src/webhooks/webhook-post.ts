import {
  signWebhook,
  WEBHOOK_DECISION_MAX_BYTES,
  WEBHOOK_HEADERS,
  WEBHOOK_REASON_MAX_CHARS,
  type WebhookDecision,
} from '@orderwire/contracts';

/** The headers of one attempt: JSON, the delivery id, and a signature made afresh for now. */
export function signedHeaders(secret: string, id: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'orderwire-webhooks',
    [WEBHOOK_HEADERS.id]: id,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
  };
}

/** What one POST came to: delivered, or why not and whether trying again may help. */
export type PostOutcome = { ok: true } | { ok: false; retry: boolean; error: string };

/** What a decision's POST came to: the backend's decision, or why there is none. */
export type DecisionOutcome = { ok: true; decision: WebhookDecision } | { ok: false; error: string };

/**
 * One POST, bounded by `timeoutMs`, redirects not followed (a webhook URL is the operator's, not
 * wherever its answer points). 2xx: delivered. 408, 429, 5xx, a timeout or a network error: worth
 * retrying. Any other answer is the backend refusing it: dead-lettered without retries.
 */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const answer = await post(url, headers, body, timeoutMs, async (res) => {
    await res.body?.cancel().catch(() => undefined);
  });
  if ('error' in answer) return { ok: false, retry: true, error: answer.error };
  const { status } = answer;
  await answer.read;
  if (status >= 200 && status < 300) return { ok: true };
  const retry = status === 408 || status === 429 || status >= 500;
  return { ok: false, retry, error: `HTTP ${status}` };
}

/**
 * One POST asking a backend to accept or reject (docs/protocol.md section 12, decisions), bounded
 * by `timeoutMs` in all, body included. Only a 2xx JSON object with a boolean `accept`, at most
 * WEBHOOK_DECISION_MAX_BYTES, is a decision; anything else is a failure (never retried here: the
 * customer is waiting). The reason is cut to what may reach the customer.
 */
export async function postDecision(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<DecisionOutcome> {
  const answer = await post(url, headers, body, timeoutMs, readBounded);
  if ('error' in answer) return { ok: false, error: answer.error };
  const { status, read } = answer;
  if (status < 200 || status >= 300) {
    await read.catch(() => undefined);
    return { ok: false, error: `HTTP ${status}` };
  }
  let text: string | undefined;
  try {
    text = await read;
  } catch (err) {
    return { ok: false, error: failure(err, timeoutMs) };
  }
  if (text === undefined) return { ok: false, error: `answer over ${WEBHOOK_DECISION_MAX_BYTES} bytes` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'answer is not JSON' };
  }
  const accept = (parsed as { accept?: unknown } | null)?.accept;
  if (typeof parsed !== 'object' || Array.isArray(parsed) || typeof accept !== 'boolean') {
    return { ok: false, error: 'answer has no boolean "accept"' };
  }
  if (accept) return { ok: true, decision: { accept: true } };
  const reason = readableReason((parsed as { reason?: unknown }).reason);
  return { ok: true, decision: reason ? { accept: false, reason } : { accept: false } };
}

/** A backend's reason as a customer may see it: text only, no control characters, bounded. */
export function readableReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = reason.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  const cut = Array.from(clean).slice(0, WEBHOOK_REASON_MAX_CHARS).join('').trim();
  return cut || undefined;
}

type Answer<T> = { status: number; read: Promise<T> } | { error: string };

async function post<T>(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  consume: (res: Response) => Promise<T>,
): Promise<Answer<T>> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const read = consume(res);
    read.catch(() => undefined); // read or not, never an unhandled rejection
    return { status: res.status, read };
  } catch (err) {
    return { error: failure(err, timeoutMs) };
  }
}

/** The body as text, or undefined once it passes WEBHOOK_DECISION_MAX_BYTES (the rest unread). */
async function readBounded(res: Response): Promise<string | undefined> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > WEBHOOK_DECISION_MAX_BYTES) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function failure(err: unknown, timeoutMs: number): string {
  const e = err as Error & {
    cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> };
  };
  const cause = e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message;
  return e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? e.message);
}
