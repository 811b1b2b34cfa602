import { render } from 'preact';
import { t, type MessageKey } from './lib/i18n.js';
import { Shell } from './lib/ui.js';

/** The views, in the order a restaurant meets them, each with who it is for and what it does. */
const VIEWS = ['customer', 'crew', 'admin'] as const;

/**
 * `/console`: where a newcomer starts. One card per view (customer, crew, admin) linking to it,
 * in the views' own design and language; each view signs its user in itself.
 */
function Launcher() {
  const lang = new URLSearchParams(location.search).get('lang');
  const query = lang ? `?lang=${encodeURIComponent(lang)}` : '';
  return (
    <Shell title={t('launcher.title')}>
      <p class="lead">{t('launcher.lead')}</p>
      <ul class="launcher" data-testid="launcher">
        {VIEWS.map((view) => (
          <li key={view} class="card">
            <h2>
              <a href={`/console/${view}${query}`} data-testid={`open-${view}`}>
                {t(`app.title.${view}` as MessageKey)}
              </a>
            </h2>
            <p>{t(`launcher.${view}` as MessageKey)}</p>
          </li>
        ))}
      </ul>
    </Shell>
  );
}

render(<Launcher />, document.getElementById('app')!);
