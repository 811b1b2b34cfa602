/** What one POST came to: delivered, or why not and whether trying again may help. */
export type PostOutcome = { ok: true } | { ok: false; retry: boolean; error: string };

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
  let status: number;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    await res.body?.cancel().catch(() => undefined);
  } catch (err) {
    const e = err as Error & {
      cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> };
    };
    const cause = e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message;
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? e.message);
    return { ok: false, retry: true, error: why };
  }
  if (status >= 200 && status < 300) return { ok: true };
  const retry = status === 408 || status === 429 || status >= 500;
  return { ok: false, retry, error: `HTTP ${status}` };
}
