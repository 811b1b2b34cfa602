import { watchLifecycle } from './lifecycle.js';
import type { ConnectionStatus, OfflineInfo } from './manager-options.js';

/** What auto-resume needs of the manager. */
export interface Resumable {
  status: ConnectionStatus;
  offlineReason: OfflineInfo | undefined;
  resume(): void;
}

/**
 * In browsers, `resume()` when the network returns (`online`) and when the page is visible again
 * after `hiddenCheckAfterMs` or while offline (`visibilitychange`); after the backoff's first delay
 * (jittered), so that a restaurant's devices do not all reconnect in the same instant. A refusal
 * that a retry cannot fix (forbidden, or a refused token that cannot be renewed) waits for an
 * explicit `connect()`.
 */
export class AutoResume {
  private stopWatching?: () => void;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly manager: Resumable,
    private readonly hiddenCheckAfterMs: number,
    private readonly firstDelay: () => number,
    private readonly tokenRenewable: boolean,
  ) {}

  /** Listens (once, until `stop()`). */
  watch(): void {
    if (this.stopWatching) return;
    this.stopWatching = watchLifecycle({
      online: () => this.soon(),
      visible: (hiddenForMs) => {
        if (this.manager.status === 'offline' || hiddenForMs >= this.hiddenCheckAfterMs) this.soon();
      },
    });
  }

  /** A resume about to happen is not needed any more. */
  cancel(): void {
    clearTimeout(this.timer);
  }

  stop(): void {
    this.cancel();
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  private soon(): void {
    const why = this.manager.offlineReason;
    if (
      why &&
      why.reason !== 'attempts_exhausted' &&
      !(why.reason === 'token_refused' && this.tokenRenewable)
    )
      return;
    this.cancel();
    this.timer = setTimeout(() => this.manager.resume(), this.firstDelay());
  }
}
