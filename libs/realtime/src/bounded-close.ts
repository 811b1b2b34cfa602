/** A connection (or a group of them) to close at shutdown: politely, or by force. */
export interface Closable {
  name: string;
  /** The polite close: finishes what is in flight, says goodbye to the server. */
  close(): Promise<unknown>;
  /** The hard close: drops the sockets at once, whatever state they are in. */
  force(): unknown;
}

/**
 * Closes each in order, all within one budget of `withinMs`: a close still pending when the
 * budget runs out is forced, and so is every one after it. A close must never wait on the
 * dependency that may be the very reason for the shutdown (Redis gone): polite closes that need
 * it (QUIT, BullMQ's worker close) would otherwise wait for it forever. `down` says the
 * dependency is known to be unreachable: then everything is forced at once. Answers the names of
 * what was forced.
 */
export async function closeWithin(
  items: readonly Closable[],
  withinMs: number,
  down = false,
): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  const forced: string[] = [];
  for (const item of items) {
    const left = deadline - Date.now();
    if (down || left <= 0 || !(await settlesWithin(item.close(), left))) {
      forced.push(item.name);
      try {
        await settlesWithin(Promise.resolve(item.force()), Math.max(0, deadline - Date.now()));
      } catch {
        // Forcing is best effort: the process is leaving.
      }
    }
  }
  return forced;
}

/** True when `work` settles (either way) within `ms`; its rejection is swallowed. */
export function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
    work.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    );
  });
}
