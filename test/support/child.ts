import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/** A Node process of ours (the built hub, the orders service, a fixture), with its output kept. */
export interface Child {
  proc: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with its exit code, and how long after `since` (ms since epoch) it came. */
  exited: Promise<{ code: number | null; at: number }>;
}

/** Starts `node script` with `env` over the inherited environment; resolves once it prints `ready`. */
export async function startChild(
  script: string,
  env: Record<string, string>,
  ready: string,
  timeoutMs = 15_000,
): Promise<Child> {
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    proc.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${text}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      text += d.toString();
      if (text.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${text}`));
    });
  });
  return { proc, output: () => text, exited };
}

/** Waits until `check` holds, polling every 50 ms, at most `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Until `check` holds, polling every 100 ms; a check that throws (a server still starting) counts as not yet. */
export async function settle(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGKILLs every process of `children` that still runs, and resolves once each has exited. */
export function killAll(children: ReadonlyArray<ChildProcess>): Promise<void> {
  return Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  ).then(() => undefined);
}
