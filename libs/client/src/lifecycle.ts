/** What the browser tells the manager: the network came back, or the page is visible again. */
export interface LifecycleHandlers {
  online(): void;
  /** The page is visible again after `hiddenForMs` hidden (a sleeping tab's transport may be dead). */
  visible(hiddenForMs: number): void;
}

interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Listens for `online` on window and `visibilitychange` on document, where they exist (browsers);
 * elsewhere (Node, React Native) it does nothing, and the app calls `resume()` from its own
 * signals. Returns the function that stops listening.
 */
export function watchLifecycle(handlers: LifecycleHandlers): () => void {
  const g = globalThis as { addEventListener?: unknown; document?: EventSource & { hidden?: boolean } };
  if (typeof g.addEventListener !== 'function') return () => undefined;
  const win = globalThis as unknown as EventSource;
  const doc = g.document && typeof g.document.addEventListener === 'function' ? g.document : undefined;
  let hiddenAt = doc?.hidden ? Date.now() : undefined;
  const onOnline = (): void => handlers.online();
  const onVisibility = (): void => {
    if (doc?.hidden) {
      hiddenAt ??= Date.now();
      return;
    }
    if (hiddenAt === undefined) return;
    const hiddenForMs = Date.now() - hiddenAt;
    hiddenAt = undefined;
    handlers.visible(hiddenForMs);
  };
  win.addEventListener('online', onOnline);
  doc?.addEventListener('visibilitychange', onVisibility);
  return () => {
    win.removeEventListener('online', onOnline);
    doc?.removeEventListener('visibilitychange', onVisibility);
  };
}
