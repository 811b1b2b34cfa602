import { GlobalWebSocketManager, type ConnectionStatus } from '@orderwire/client';
import type { Role } from '@orderwire/contracts/protocol';
import { useEffect, useState } from 'preact/hooks';
import { type ConsoleConfig, type Problem, SignInNeeded, tokenOptions, type View } from './session.js';

const TOKEN_CODES = new Set(['UNAUTHORIZED', 'TOKEN_EXPIRED']);
const LATER_CODES = new Set(['TOO_MANY_CONNECTIONS', 'RATE_LIMITED']);
/** How long reconnecting without a word from the hub before the page says it cannot be reached. */
const UNREACHABLE_AFTER_MS = 3000;

/**
 * What is wrong with the connection, in words for the page, or undefined while it is fine.
 * `since`: when the manager last left `open`.
 */
export function problemOf(m: GlobalWebSocketManager, view: View, since: number): Problem | undefined {
  const offline = m.offlineReason;
  if (m.status === 'offline' && offline) {
    const vars = { code: offline.code ?? '—', message: offline.message ?? '', view };
    if (offline.reason === 'token_refused') return { key: 'problem.token_refused', vars, signIn: true };
    if (offline.reason === 'forbidden') return { key: 'problem.forbidden', vars, signIn: true };
    if (offline.reason === 'refused') return { key: 'problem.refused', vars };
    return { key: 'problem.attempts_exhausted', vars };
  }
  if (m.status !== 'reconnecting' && m.status !== 'connecting') return undefined;
  const refusal = m.refusal;
  if (refusal && TOKEN_CODES.has(refusal.code))
    return { key: 'problem.token_refused', vars: { code: refusal.code } };
  if (refusal && LATER_CODES.has(refusal.code)) return { key: 'problem.busy', vars: { code: refusal.code } };
  if (refusal) return { key: 'problem.refused', vars: { code: refusal.code, message: refusal.message } };
  if (Date.now() - since > UNREACHABLE_AFTER_MS) return { key: 'problem.unreachable' };
  return undefined;
}

export interface Hub {
  manager: GlobalWebSocketManager;
  status: ConnectionStatus;
  problem?: Problem;
}

/**
 * One manager for the view's role, for as long as the component lives: its status and what is
 * wrong, re-read every second (a refusal does not change the status). `onSignIn` is called when
 * only a new sign-in helps (a token refused for good, a token source that failed).
 *
 * The manager is returned unconnected: the caller connects it with `useConnect` once the view's
 * subscriptions are made, or the first `order.board` and `menu.updated` could come before them.
 */
export function useHub(view: View, config: ConsoleConfig, onSignIn: (p: Problem) => void): Hub | undefined {
  const [hub, setHub] = useState<Hub>();
  useEffect(() => {
    let tokens: ReturnType<typeof tokenOptions>;
    try {
      tokens = tokenOptions(view, config);
    } catch (err) {
      if (err instanceof SignInNeeded) onSignIn(err.problem);
      return;
    }
    let sourceProblem: Problem | undefined;
    const options =
      'getToken' in tokens
        ? {
            getToken: () =>
              tokens.getToken().catch((err: unknown) => {
                if (err instanceof SignInNeeded) sourceProblem = err.problem;
                throw err;
              }),
          }
        : tokens;
    const manager = new GlobalWebSocketManager({
      url: location.origin,
      userType: view as Role,
      ...options,
      reconnectAttempts: Infinity,
      backoff: { minMs: 500, maxMs: 5000 },
      storageKey: `orderwire:console:${view}`,
    });
    // The view's connection, for support engineers in the browser's console (and the tests):
    // `__orderwire.manager.status`, `.queued`. It holds nothing the page's own scripts could not reach.
    (window as unknown as { __orderwire?: { manager: GlobalWebSocketManager } }).__orderwire = { manager };
    let since = Date.now();
    const update = (): void => {
      if (manager.status === 'open') {
        since = Date.now();
        sourceProblem = undefined;
      }
      const problem = sourceProblem ?? problemOf(manager, view, since);
      if (problem?.signIn && manager.status === 'offline') {
        manager.disconnect();
        onSignIn(problem);
        return;
      }
      if (sourceProblem?.signIn) {
        manager.disconnect();
        onSignIn(sourceProblem);
        return;
      }
      setHub({ manager, status: manager.status, problem });
    };
    const stop = manager.onStatus(update);
    const timer = setInterval(update, 1000);
    update();
    return () => {
      stop();
      clearInterval(timer);
      manager.disconnect();
    };
  }, [view, config]);
  return hub;
}

/**
 * Connects the hub's manager once the view that uses it has subscribed. Call it in the component
 * that renders the view: effects run children first, so the view's `m.on(...)` calls (made in its
 * own effects, in the same commit) are in place before the socket opens. Connecting earlier lost
 * the first `order.board` whenever effects ran late (a busy or background tab: frames paused,
 * timers throttled), and the view then never marked a ticket as new.
 */
export function useConnect(hub: Hub | undefined): void {
  const manager = hub?.manager;
  useEffect(() => {
    manager?.connect();
  }, [manager]);
}
