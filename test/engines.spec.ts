import { FileTypeValidator } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

/**
 * One Node version, everywhere (issue #13): the README names it, every package.json of the repo
 * declares it, and every installed dependency admits it — so `npm ci` prints no EBADENGINE on
 * the oldest Node we promise, nor on the one running this test.
 */
const root = join(import.meta.dirname, '..');
const readJson = (path: string) =>
  JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
const ours = (readJson('package.json').engines as { node: string }).node;
const oldest = semver.minVersion(ours)!.version;

describe('the Node version', () => {
  it('is the one the README names, and every workspace package declares it', () => {
    expect(ours).toBe('>=20.19');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('**Node.js 20.19 or newer**');
    for (const lib of ['client', 'contracts', 'realtime']) {
      expect([
        lib,
        (readJson(`libs/${lib}/package.json`).engines as { node?: string } | undefined)?.node,
      ]).toEqual([lib, ours]);
    }
  });

  it(`is admitted by every installed dependency (the oldest we promise, ${oldest}, and this one)`, () => {
    const lock = readJson('package-lock.json') as { packages: Record<string, { engines?: unknown }> };
    const refusing: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path.includes('node_modules/')) continue;
      let engines: unknown;
      try {
        engines = (readJson(join(path, 'package.json')) as { engines?: unknown }).engines ?? entry.engines;
      } catch {
        continue; // optional, not installed on this platform
      }
      checked++;
      const node = (engines as { node?: unknown } | undefined)?.node;
      if (typeof node !== 'string') continue;
      for (const version of [oldest, process.version]) {
        if (!semver.satisfies(version, node)) refusing.push(`${path} wants node ${node}, not ${version}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(refusing).toEqual([]);
  });

  it('file-type, overridden to 21.3.4 for Nest 12 (22.x wants Node 22), still serves FileTypeValidator', async () => {
    expect(readJson('node_modules/@nestjs/common/node_modules/file-type/package.json').version).toBe(
      '21.3.4',
    );
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const file = { mimetype: 'image/png', buffer: png, size: png.length } as Parameters<
      FileTypeValidator['isValid']
    >[0];
    expect(await new FileTypeValidator({ fileType: 'image/png' }).isValid(file)).toBe(true);
    expect(await new FileTypeValidator({ fileType: 'image/jpeg' }).isValid(file)).toBe(false);
  });
});
