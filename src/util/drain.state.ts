import { Injectable } from '@nestjs/common';

/** Whether this node is draining (after SIGTERM): it then refuses new sessions and work. */
@Injectable()
export class DrainState {
  draining = false;
  private inFlight = 0;
  private idle: Array<() => void> = [];

  /** Counts a command in flight; the returned function ends it. */
  begin(): () => void {
    this.inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    };
  }

  /** Resolves once no command is in flight, or after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
