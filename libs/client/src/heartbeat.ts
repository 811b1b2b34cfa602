import type { Socket } from 'socket.io-client';

/** How long a liveness check (after the page slept) waits for the heartbeat's reply. */
const PROBE_TIMEOUT_MS = 5000;

/** The open session's heartbeat, every `heartbeatIntervalMs` of the welcome: it measures the round trip. */
export class Heartbeat {
  private timer?: ReturnType<typeof setInterval>;
  private last?: number;

  constructor(private readonly beat: (clientTime: number) => Promise<unknown>) {}

  /** The last round trip measured, in ms. */
  get rtt(): number | undefined {
    return this.last;
  }

  start(intervalMs: number): void {
    this.stop();
    const run = async (): Promise<void> => {
      const started = Date.now();
      try {
        await this.beat(started);
        this.last = Date.now() - started;
      } catch {
        // Measured next time.
      }
    };
    void run();
    this.timer = setInterval(() => void run(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Whether the socket answers a heartbeat in time: a transport may have died while the device slept. */
export async function answers(socket: Socket): Promise<boolean> {
  try {
    await socket.timeout(PROBE_TIMEOUT_MS).emitWithAck('heartbeat', { clientTime: Date.now() });
    return true;
  } catch {
    return false;
  }
}
