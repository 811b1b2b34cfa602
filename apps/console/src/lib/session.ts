import type { MessageKey } from './i18n.js';

export type View = 'customer' | 'crew' | 'admin';

/** What the hub tells its console (GET /console/config.json). */
export interface ConsoleConfig {
  /** POST /dev/token answers (development hubs only). */
  devTokens: boolean;
  /** Where a token is fetched (with the platform's cookies) when one is needed; CONSOLE_TOKEN_URL. */
  tokenUrl?: string;
  /** ORDER_ACCEPT_SLA_SECONDS: a ticket still `placed` after this long is late. */
  acceptSlaSeconds: number;
}

export interface Claims {
  sub: string;
  role: string;
  tenantId?: string;
  crewRole?: string;
  /** The kitchen stations a crew screen makes (docs/protocol.md section 13). */
  stations?: string[];
  exp?: number;
}

/** A problem to explain on the page: a catalog key and what fills it. */
export interface Problem {
  key: MessageKey;
  vars?: Record<string, string | number>;
  /** Whether signing in again is the way out (the sign-in form is shown). */
  signIn?: boolean;
}

export class SignInNeeded extends Error {
  constructor(readonly problem: Problem) {
    super(problem.key);
  }
}

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) return { devTokens: false, acceptSlaSeconds: 120 };
  return (await res.json()) as ConsoleConfig;
}

/** The claims of a JWT, read (not verified: the hub verifies) to show who is signed in. */
export function claimsOf(token: string): Claims | undefined {
  const part = token.split('.')[1];
  if (!part || token.split('.').length !== 3) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Partial<Claims>;
    return typeof claims.sub === 'string' && typeof claims.role === 'string' ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

const tokenKey = (view: View): string => `orderwire:console:${view}:token`;
const devKey = (view: View): string => `orderwire:console:${view}:dev`;

/**
 * The token the platform handed over in the address (`#token=…`, a fragment: never sent to a
 * server), taken out of the address bar at once. It is not kept yet: see `handOver`.
 */
export function takeFragmentToken(): string | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token') ?? fragment.get('access_token');
  if (!token) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  return token;
}

/** Whether two sign-ins are the same person in the same place (a refreshed token, say). */
export function sameIdentity(a: Claims, b: Claims): boolean {
  return a.sub === b.sub && a.role === b.role && a.tenantId === b.tenantId && a.crewRole === b.crewRole;
}

/** What to do with a token from a link: kept at once, asked about first, or refused. */
export type Handover =
  | { kind: 'kept' }
  | { kind: 'ask'; token: string; next: Claims; current?: Claims; otherTenant?: string }
  | { kind: 'refused'; problem: Problem };

/**
 * A link's token (a crafted link could sign this tab in as someone else, who would then receive
 * this person's orders and address): a token for another role than the view is refused and said
 * so; one that would replace the person signed in here, or is for another restaurant than the
 * link's `?tenant=`, is asked about first; the same person's (a refresh) or a first sign-in is
 * kept, and the header shows who is signed in.
 */
export function handOver(view: View, token: string): Handover {
  const next = claimsOf(token);
  if (!next) return { kind: 'refused', problem: { key: 'signin.invalid', signIn: true } };
  if (next.role !== view) {
    return { kind: 'refused', problem: { key: 'problem.link_wrong_role', vars: { role: next.role, view } } };
  }
  const stored = storedToken(view);
  const current = stored ? claimsOf(stored) : undefined;
  const tenant = new URLSearchParams(location.search).get('tenant') ?? undefined;
  const otherTenant = tenant && next.tenantId !== tenant && next.tenantId !== '*' ? tenant : undefined;
  if (!otherTenant && (!current || sameIdentity(current, next))) {
    saveToken(view, token);
    return { kind: 'kept' };
  }
  return {
    kind: 'ask',
    token,
    next,
    ...(current ? { current } : {}),
    ...(otherTenant ? { otherTenant } : {}),
  };
}

export function saveToken(view: View, token: string): void {
  sessionStorage.setItem(tokenKey(view), token);
  sessionStorage.removeItem(devKey(view));
}

export function signOut(view: View): void {
  sessionStorage.removeItem(tokenKey(view));
  sessionStorage.removeItem(devKey(view));
}

export interface DevIdentity {
  tenantId: string;
  sub: string;
  crewRole?: string;
}

/** Development only: a demo identity whose tokens POST /dev/token mints (again when one expires). */
export async function devSignIn(view: View, who: DevIdentity): Promise<string> {
  const token = await mintDevToken(view, who);
  sessionStorage.setItem(devKey(view), JSON.stringify(who));
  sessionStorage.setItem(tokenKey(view), token);
  return token;
}

async function mintDevToken(view: View, who: DevIdentity): Promise<string> {
  const res = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: view, sub: who.sub, tenantId: who.tenantId, crewRole: who.crewRole }),
  });
  if (res.status === 404) throw new SignInNeeded({ key: 'problem.devTokensOff', signIn: true });
  if (!res.ok)
    throw new SignInNeeded({ key: 'problem.refused', vars: { code: res.status, message: res.statusText } });
  return ((await res.json()) as { token: string }).token;
}

/** The token this tab holds for `view`, if any (it may have expired). */
export function storedToken(view: View): string | undefined {
  return sessionStorage.getItem(tokenKey(view)) ?? undefined;
}

/**
 * How the SDK gets its token: from the platform's token endpoint when the hub names one
 * (CONSOLE_TOKEN_URL, fetched with the platform's cookies; again before each expiry), freshly
 * minted for a demo identity, or the token this tab was given (no refresh: when it expires the
 * hub refuses it and the page asks for a sign-in). Throws SignInNeeded when there is none.
 */
export function tokenOptions(
  view: View,
  config: ConsoleConfig,
): { token: string } | { getToken: () => Promise<string> } {
  if (config.tokenUrl) {
    const url = config.tokenUrl;
    return {
      getToken: async () => {
        const res = await fetch(url, { credentials: 'include', headers: { accept: 'text/plain' } }).catch(
          () => undefined,
        );
        if (!res?.ok) {
          throw new SignInNeeded({
            key: 'problem.tokenUrl',
            vars: { url, status: res?.status ?? '—' },
            signIn: true,
          });
        }
        const body = (await res.text()).trim();
        let token: unknown = body;
        try {
          if (body.startsWith('{')) token = (JSON.parse(body) as { token?: unknown }).token;
        } catch {
          token = undefined;
        }
        if (typeof token !== 'string' || !claimsOf(token)) {
          throw new SignInNeeded({ key: 'problem.tokenUrlBody', vars: { url }, signIn: true });
        }
        saveToken(view, token);
        return token;
      },
    };
  }
  const dev = sessionStorage.getItem(devKey(view));
  if (dev) return { getToken: () => devSignIn(view, JSON.parse(dev) as DevIdentity) };
  const token = storedToken(view);
  if (!token) throw new SignInNeeded({ key: 'signin.intro', signIn: true });
  const exp = claimsOf(token)?.exp;
  if (exp !== undefined && exp * 1000 <= Date.now())
    throw new SignInNeeded({ key: 'problem.expired', signIn: true });
  return { token };
}
