import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { TRANSPORT_PACKAGES } from './packages.js';

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  overrides?: Record<string, unknown>;
  scripts: Record<string, string>;
};

describe('transport packages: taken in ranges, so a security update installs at once', () => {
  it('every one the hub depends on directly is a caret range, not an exact pin', () => {
    const direct = TRANSPORT_PACKAGES.filter((name) => name in pkg.dependencies);
    expect(direct).toEqual([
      '@nestjs/platform-socket.io',
      'socket.io',
      'socket.io-parser',
      '@socket.io/redis-streams-adapter',
    ]);
    for (const name of direct)
      expect([name, pkg.dependencies[name]]).toEqual([name, expect.stringMatching(/^\^\d/)]);
  });

  it('no override holds one back: one points a dependent at our own range ($name), nothing else', () => {
    // @nestjs/platform-socket.io 12.1 asks for socket.io 4.8.3 exactly; its IoAdapter makes the
    // hub's server, so it gets the socket.io we ask for (one copy, updated with ours).
    expect(pkg.overrides?.['@nestjs/platform-socket.io']).toEqual({ 'socket.io': '$socket.io' });
    const rest = JSON.stringify({ ...pkg.overrides, '@nestjs/platform-socket.io': undefined });
    for (const name of TRANSPORT_PACKAGES) expect([name, rest.includes(`"${name}"`)]).toEqual([name, false]);
  });

  it('one copy of socket.io: the one Nest makes the server with is the one the hub patches', () => {
    const here = createRequire(import.meta.url);
    const fromNest = createRequire(here.resolve('@nestjs/platform-socket.io'));
    expect(fromNest.resolve('socket.io')).toBe(here.resolve('socket.io'));
  });

  it('CI runs the transport and delivery suites against the newest published version of each', () => {
    const script = readFileSync(join(root, 'scripts/transport-newest.sh'), 'utf8');
    const listed = /^PACKAGES="([^"]+)"/m.exec(script)?.[1].split(/\s+/);
    expect(listed).toEqual([...TRANSPORT_PACKAGES]);
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/scripts\/transport-newest\.sh/);
    expect(pkg.scripts['test:transport']).toMatch(/src\/transport .*test\/delivery\.e2e-spec\.ts/);
  });
});
