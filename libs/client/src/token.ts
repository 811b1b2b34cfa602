/** `exp` of a JWT, in ms, read without checking it (the hub checks it). */
export function expOf(token: string | undefined): number | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The token the manager connects with: the one given, or `getToken`'s, fetched again when it is
 * missing (dropped after a refusal) or close to `exp` (within `beforeExpMs`, at most a tenth of
 * its life), and refreshed on the open connection before `exp` (`refreshDelay`).
 */
export class TokenSource {
  private token?: string;

  constructor(
    token: string | undefined,
    private readonly getToken: (() => string | Promise<string>) | undefined,
    private readonly beforeExpMs: number,
  ) {
    this.token = token;
  }

  /** Whether a fresh token can be fetched (`getToken` was given). */
  get renewable(): boolean {
    return this.getToken !== undefined;
  }

  /** Lets go of the current token, where a fresh one can be fetched: the next connection asks. */
  drop(): void {
    if (this.getToken) this.token = undefined;
  }

  /** The token for a (re)connection. */
  async forConnect(): Promise<string | undefined> {
    const exp = expOf(this.token);
    if (this.getToken && (!this.token || (exp !== undefined && exp - Date.now() < this.margin(exp))))
      this.token = await this.getToken();
    return this.token;
  }

  /** A fresh token from `getToken`, not yet in use (see `use`). */
  fetch(): Promise<string> | string {
    return this.getToken!();
  }

  use(token: string): void {
    this.token = token;
  }

  /** How long until the open connection should refresh its token; undefined: never. */
  refreshDelay(): number | undefined {
    const exp = expOf(this.token);
    if (!this.getToken || exp === undefined) return undefined;
    const at = exp - Math.min(this.beforeExpMs, Math.max(500, (exp - Date.now()) / 10));
    return Math.max(0, at - Date.now());
  }

  private margin(exp: number): number {
    const life = exp - (Date.now() - 1);
    return Math.min(this.beforeExpMs, Math.max(1000, life / 10));
  }
}

/**
 * Before `exp`, a new token through `auth.refresh` on the open connection (then the next one is
 * scheduled); when that fails, `failed` reconnects, and the next connection fetches a fresh token.
 */
export class TokenRefresh {
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly tokens: TokenSource,
    private readonly refresh: (token: string) => Promise<unknown>,
    private readonly failed: (err: unknown) => void,
  ) {}

  schedule(): void {
    this.cancel();
    const delay = this.tokens.refreshDelay();
    if (delay !== undefined) this.timer = setTimeout(() => void this.run(), delay);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    try {
      const token = await this.tokens.fetch();
      await this.refresh(token);
      this.tokens.use(token);
      this.schedule();
    } catch (err) {
      this.tokens.drop();
      this.failed(err);
    }
  }
}
