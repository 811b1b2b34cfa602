import en from '../messages/en.json';
import pt from '../messages/pt.json';

/** Every text of the console, by key: a second language is one more file like en.json. */
export type MessageKey = keyof typeof en;
const CATALOGS: Record<string, Record<MessageKey, string>> = { en, pt };
export const LANGUAGES = Object.keys(CATALOGS);

/** `?lang=pt`, else the browser's first language we have, else English. */
function pick(): string {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked && CATALOGS[asked]) return asked;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (CATALOGS[base]) return base;
  }
  return 'en';
}

export const lang = pick();
/** The locale for numbers, money and times: the browser's own when it speaks the chosen language. */
export const locale =
  (navigator.languages ?? [navigator.language]).find((tag) => tag.toLowerCase().startsWith(lang)) ?? lang;
document.documentElement.lang = lang;

/** The text for `key` in the chosen language, `{name}` filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = CATALOGS[lang][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}
