import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
type Entry = { optionalDependencies?: Record<string, string>; os?: string[]; cpu?: string[] };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, Entry>;
};
const names = new Set(Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, '')));

/**
 * The lockfile installs on every developer's platform (issue #32): a package that ships one
 * native build per platform keeps all of them in the lock, so `npm ci` on macOS or Windows finds
 * its own (a lock pruned to this machine's Linux builds installed no SWC binding on a Mac).
 */
describe('package-lock.json is portable', () => {
  it('names every optional dependency it declares (no platform build pruned away)', () => {
    const missing = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !names.has(name))
        .map((name) => `${path} → ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('has the macOS and Windows builds of the native packages the tests need', () => {
    for (const name of [
      '@swc/core-darwin-arm64',
      '@swc/core-darwin-x64',
      '@swc/core-win32-x64-msvc',
      '@esbuild/darwin-arm64',
      '@esbuild/win32-x64',
      '@unrs/resolver-binding-darwin-arm64',
      '@unrs/resolver-binding-win32-x64-msvc',
    ])
      expect([name, names.has(name)]).toEqual([name, true]);
    const mac = lock.packages['node_modules/@swc/core-darwin-arm64']!;
    expect(mac).toMatchObject({ os: ['darwin'], cpu: ['arm64'] });
  });
});
