import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';

const DIR = new URL('../apps/console/src/messages/', import.meta.url);
const catalogs = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [
      f.replace('.json', ''),
      JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Record<string, string>,
    ]),
);
const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the console’s message catalogs: a second language is one more file', () => {
  it('ships English and at least one other language', () => {
    expect(Object.keys(catalogs)).toEqual(expect.arrayContaining(['en', 'pt']));
  });

  it('every catalog has exactly English’s keys, each with the same placeholders, none empty', () => {
    const en = catalogs.en;
    for (const [lang, catalog] of Object.entries(catalogs)) {
      expect({ lang, keys: Object.keys(catalog).sort() }).toEqual({ lang, keys: Object.keys(en).sort() });
      for (const key of Object.keys(en)) {
        expect({ lang, key, vars: placeholders(catalog[key]) }).toEqual({
          lang,
          key,
          vars: placeholders(en[key]),
        });
        expect(catalog[key].trim()).not.toBe('');
      }
    }
  });

  it('every key the views use is in the catalog', () => {
    const src = new URL('../apps/console/src/', import.meta.url);
    const files = readdirSync(src, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') || f.endsWith('.tsx'));
    const used = new Set<string>();
    for (const f of files) {
      const text = readFileSync(new URL(f, src), 'utf8');
      for (const m of text.matchAll(/\bt\('([\w.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/key: '([\w.]+)'/g)) used.add(m[1]);
    }
    expect([...used].filter((k) => !(k in catalogs.en))).toEqual([]);
    expect(used.size).toBeGreaterThan(50);
  });
});
