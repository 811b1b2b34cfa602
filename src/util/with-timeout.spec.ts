import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { withTimeout } from './with-timeout.js';

/** Keeps the thread busy for `ms`, as a node at full load does (no timer or socket runs meanwhile). */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('withTimeout', () => {
  // An echo server in another process: its answer reaches this process's socket while this
  // thread is busy, as Redis's PONG does.
  let echo: ChildProcess;
  let port = 0;
  beforeAll(async () => {
    echo = spawn(
      process.execPath,
      [
        '-e',
        "require('net').createServer((s) => s.on('data', (d) => s.write(d))).listen(0, '127.0.0.1', function () { console.log(this.address().port) })",
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    port = Number(
      await new Promise<string>((r) => echo.stdout!.once('data', (d: Buffer) => r(d.toString()))),
    );
  });
  afterAll(() => void echo.kill('SIGKILL'));

  const ask = async (): Promise<{ socket: Socket; answer: Promise<string> }> => {
    const socket = new Socket();
    await new Promise<void>((r) => socket.connect(port, '127.0.0.1', () => r()));
    const answer = new Promise<string>((r) => socket.once('data', (d) => r(d.toString())));
    socket.write('PONG');
    return { socket, answer };
  };

  it('an answer that arrived while the loop was blocked past the deadline wins over the timer', async () => {
    const { socket, answer } = await ask();
    const result = withTimeout(answer, 20, 'too late');
    busy(300); // the echo is back in the socket's buffer long before this ends; the timer is due too
    try {
      await expect(result).resolves.toBe('PONG');
    } finally {
      socket.destroy();
    }
  });

  it('still times out when nothing came', async () => {
    await expect(withTimeout(new Promise<never>(() => undefined), 20, 'too late')).rejects.toThrow(
      'too late',
    );
  });

  it('passes a rejection through, and settles once', async () => {
    await expect(withTimeout(Promise.reject(new Error('refused')), 20)).rejects.toThrow('refused');
    await expect(withTimeout(Promise.reject('text'), 20)).rejects.toThrow('text');
    await expect(withTimeout(Promise.resolve(7), 20)).resolves.toBe(7);
  });
});
