/**
 * `work`, or a rejection with `message` after `ms`, whichever comes first. When the timer fires,
 * the answer may already be waiting unread: an event loop blocked past `ms` (a node at full load)
 * runs its timers before it reads its sockets. So the rejection waits one more turn
 * (setImmediate, after the loop's I/O phase), and an answer that had arrived in time wins: a
 * Redis PING is not "down" because this node was busy.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, message = 'timeout'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () => setImmediate(() => settled || ((settled = true), reject(new Error(message)))),
      ms,
    );
    work.then(
      (v) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
