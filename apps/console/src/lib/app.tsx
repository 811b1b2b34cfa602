import { type FunctionComponent, render } from 'preact';
import { useState } from 'preact/hooks';
import { t, type MessageKey } from './i18n.js';
import { type Hub, useConnect, useHub } from './hub.js';
import {
  claimsOf,
  type Claims,
  type ConsoleConfig,
  devSignIn,
  type Handover,
  handOver,
  loadConsoleConfig,
  type Problem,
  saveToken,
  SignInNeeded,
  signOut,
  storedToken,
  takeFragmentToken,
  type View,
} from './session.js';
import { ProblemBanner, Shell } from './ui.js';

export interface ViewProps {
  hub: Hub;
  who: Claims;
  config: ConsoleConfig;
}

const DEMO_USERS: Record<View, string> = { customer: 'alice', crew: 'kitchen-1', admin: 'manager-1' };

function SignIn({
  view,
  config,
  problem,
  onDone,
}: {
  view: View;
  config: ConsoleConfig;
  problem?: Problem;
  onDone: () => void;
}) {
  const [error, setError] = useState<Problem | undefined>(problem);
  const [token, setToken] = useState('');
  const [tenant, setTenant] = useState(new URLSearchParams(location.search).get('tenant') ?? 'r-1');
  const [user, setUser] = useState(DEMO_USERS[view]);
  const [station, setStation] = useState('kitchen');
  const submit = (e: Event): void => {
    e.preventDefault();
    const claims = claimsOf(token.trim());
    if (!claims) return setError({ key: 'signin.invalid' });
    saveToken(view, token.trim());
    onDone();
  };
  const dev = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      await devSignIn(view, {
        tenantId: tenant,
        sub: user,
        ...(view === 'crew' ? { crewRole: station } : {}),
      });
      onDone();
    } catch (err) {
      setError(err instanceof SignInNeeded ? err.problem : { key: 'problem.unreachable' });
    }
  };
  return (
    <Shell title={t(`app.title.${view}` as MessageKey)}>
      <section class="card signin" data-testid="signin">
        <h2>{t('signin.title', { view })}</h2>
        {error && error.key !== 'signin.intro' ? <ProblemBanner problem={error} /> : null}
        <p>{t('signin.intro')}</p>
        <form onSubmit={submit}>
          <label for="token">{t('signin.token')}</label>
          <textarea
            id="token"
            rows={3}
            value={token}
            data-testid="token-input"
            onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)}
            autoComplete="off"
            spellcheck={false}
          />
          <button type="submit" class="primary" data-testid="token-submit">
            {t('signin.submit')}
          </button>
        </form>
        {config.devTokens && (
          <form class="dev" onSubmit={(e) => void dev(e)} data-testid="dev-signin">
            <h3>{t('signin.dev.title')}</h3>
            <p class="warn">{t('signin.dev.body')}</p>
            <label for="dev-tenant">{t('signin.dev.tenant')}</label>
            <input
              id="dev-tenant"
              value={tenant}
              onInput={(e) => setTenant((e.target as HTMLInputElement).value)}
            />
            <label for="dev-user">{t('signin.dev.user')}</label>
            <input
              id="dev-user"
              value={user}
              onInput={(e) => setUser((e.target as HTMLInputElement).value)}
            />
            {view === 'crew' && (
              <>
                <label for="dev-station">{t('signin.dev.station')}</label>
                <select
                  id="dev-station"
                  value={station}
                  onChange={(e) => setStation((e.target as HTMLSelectElement).value)}
                >
                  {['kitchen', 'front', 'courier'].map((s) => (
                    <option key={s} value={s}>
                      {t(`crew.station.${s}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </>
            )}
            <button type="submit" data-testid="dev-submit">
              {t('signin.dev.submit')}
            </button>
          </form>
        )}
      </section>
    </Shell>
  );
}

/** Names a sign-in for a person: who, where, as what. */
function identity(c: Claims): string {
  return `${c.sub} · ${c.tenantId ?? '*'} · ${c.crewRole ?? c.role}`;
}

/** A link would sign this tab in as someone else (or for another restaurant): ask first. */
function SwitchUser({
  view,
  ask,
  onDone,
}: {
  view: View;
  ask: Extract<Handover, { kind: 'ask' }>;
  onDone: () => void;
}) {
  return (
    <Shell title={t(`app.title.${view}` as MessageKey)} who={ask.current}>
      <section
        class="card signin handover"
        data-testid="handover"
        role="alertdialog"
        aria-labelledby="handover-title"
      >
        <h2 id="handover-title">{t('handover.title')}</h2>
        <p>{t('handover.body', { next: identity(ask.next) })}</p>
        {ask.current && <p>{t('handover.current', { current: identity(ask.current) })}</p>}
        {ask.otherTenant && <p class="warn">{t('handover.otherTenant', { tenant: ask.otherTenant })}</p>}
        <div class="actions">
          <button type="button" class="primary" data-testid="handover-keep" onClick={() => onDone()}>
            {ask.current ? t('handover.keep', { current: ask.current.sub }) : t('handover.cancel')}
          </button>
          <button
            type="button"
            data-testid="handover-accept"
            onClick={() => {
              saveToken(view, ask.token);
              onDone();
            }}
          >
            {t('handover.accept', { next: ask.next.sub })}
          </button>
        </div>
      </section>
    </Shell>
  );
}

function Connected({
  view,
  config,
  Body,
  onSignIn,
  notice,
}: {
  view: View;
  config: ConsoleConfig;
  Body: FunctionComponent<ViewProps>;
  onSignIn: (p: Problem) => void;
  /** Something to say above the view (a link that was refused). */
  notice?: Problem;
}) {
  const hub = useHub(view, config, onSignIn);
  useConnect(hub);
  const token = storedToken(view);
  const who = (token && claimsOf(token)) || { sub: '?', role: view };
  const title = t(
    (view === 'crew' && who.crewRole === 'courier' ? 'app.title.courier' : `app.title.${view}`) as MessageKey,
  );
  return (
    <Shell
      title={title}
      status={hub?.status}
      who={who}
      onSignOut={() => {
        signOut(view);
        onSignIn({ key: 'signin.intro', signIn: true });
      }}
    >
      <ProblemBanner problem={notice} />
      <ProblemBanner problem={hub?.problem} onRetry={hub?.problem ? () => hub.manager.resume() : undefined} />
      {hub && <Body hub={hub} who={who} config={config} />}
    </Shell>
  );
}

function App({
  view,
  config,
  Body,
  handover,
}: {
  view: View;
  config: ConsoleConfig;
  Body: FunctionComponent<ViewProps>;
  handover?: Handover;
}) {
  const initial = (): Problem | undefined => {
    const token = storedToken(view);
    if (!token) return config.tokenUrl ? undefined : { key: 'signin.intro', signIn: true };
    const claims = claimsOf(token);
    if (claims && claims.role !== view)
      return { key: 'problem.wrong_role', vars: { role: claims.role, view }, signIn: true };
    return undefined;
  };
  // A refused link is said: on the sign-in form, or above the view of whoever is signed in.
  const refused = handover?.kind === 'refused' ? handover.problem : undefined;
  const [problem, setProblem] = useState<Problem | undefined>(() => {
    const first = initial();
    return first && refused ? { ...refused, signIn: true } : first;
  });
  const [round, setRound] = useState(0);
  const [asking, setAsking] = useState(handover?.kind === 'ask' ? handover : undefined);
  if (asking) {
    return (
      <SwitchUser
        view={view}
        ask={asking}
        onDone={() => {
          setAsking(undefined);
          setProblem(initial());
          setRound(round + 1);
        }}
      />
    );
  }
  if (problem) {
    return (
      <SignIn
        view={view}
        config={config}
        problem={problem}
        onDone={() => {
          setProblem(initial());
          setRound(round + 1);
        }}
      />
    );
  }
  return (
    <Connected
      key={round}
      view={view}
      config={config}
      Body={Body}
      onSignIn={setProblem}
      notice={round === 0 ? refused : undefined}
    />
  );
}

/** Starts a view: the platform's token from the address, the hub's console settings, then the app. */
export async function mount(view: View, Body: FunctionComponent<ViewProps>): Promise<void> {
  const linked = takeFragmentToken();
  const handover = linked ? handOver(view, linked) : undefined;
  const config = await loadConsoleConfig();
  render(
    <App view={view} config={config} Body={Body} handover={handover} />,
    document.getElementById('app')!,
  );
}
