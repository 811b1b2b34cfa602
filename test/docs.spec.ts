import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { KNOWN_SETTINGS } from '../src/config/config-warnings.js';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const DOCS = [
  'README.md',
  'SECURITY.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Text outside fenced code blocks. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
const anchorsOf = (text: string) => {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
};

describe('the README is a front door and the manuals live in docs/', () => {
  it('the README is at most 300 lines, the two commands before the example and the rest', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
    const at = (h: string) => readme.indexOf(`\n## ${h}`);
    expect(at('Install first')).toBeGreaterThan(0);
    expect(at('The two commands')).toBeGreaterThan(at('Install first'));
    expect(at('A worked example')).toBeGreaterThan(at('The two commands'));
  });

  it('every page the README reaches is linked from it, and every docs page is reached', () => {
    const readme = read('README.md');
    for (const page of DOCS.filter((d) => d.startsWith('docs/')))
      expect([page, readme.includes(`(${page})`)]).toEqual([page, true]);
  });

  it('every relative link of the README and docs/ leads to a file that exists, and to a heading in it', () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      for (const [, target] of prose(read(doc)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:)/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path ? join(root, dirname(doc), decodeURI(path)) : join(root, doc);
        if (!existsSync(file)) {
          broken.push(`${doc}: ${target} (no such file)`);
          continue;
        }
        if (
          anchor &&
          statSync(file).isFile() &&
          file.endsWith('.md') &&
          !anchorsOf(readFileSync(file, 'utf8')).has(anchor)
        )
          broken.push(`${doc}: ${target} (no such heading in ${relative(root, file)})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('docs/configuration.md names only settings the hub reads, and points to .env.example for all of them', () => {
    const page = read('docs/configuration.md');
    expect(page).toContain('[`.env.example`](../.env.example)');
    // The settings table: its first column names settings (.env.example's own test lists them all).
    const named = [...page.matchAll(/^\| ((?:`[A-Z][A-Z0-9_]*`(?:, )?)+) +\|/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((n) => n[1]!),
    );
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((k) => !KNOWN_SETTINGS.has(k))).toEqual([]);
  });

  it('docs/protocol.md is self-contained: no link leaves the repository', () => {
    const protocol = read('docs/protocol.md');
    expect(protocol).not.toMatch(/\]\(\.\.\/\.\.\//);
    expect(protocol).not.toContain('shared/PROTOCOL.md');
    expect(
      [...protocol.matchAll(/\]\((https?:[^)]+)\)/g)]
        .map((m) => m[1])
        .filter((u) => !u!.includes('localhost')),
    ).toEqual([]);
  });
});
