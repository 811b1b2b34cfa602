import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TRANSPORT_PINS } from './pins.js';

/** The root of the copy of `name` that code in `fromDir` loads (whatever its `exports` allow). */
function packageRoot(name: string, fromDir: string): string {
  let dir = dirname(createRequire(join(fromDir, 'noop.js')).resolve(name));
  while (!existsSync(join(dir, 'package.json')) || readJson(join(dir, 'package.json')).name !== name) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json for ${name} above ${fromDir}`);
    dir = up;
  }
  return dir;
}

function readJson(path: string): { name?: string; version?: string; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
}

const version = (root: string): string | undefined => readJson(join(root, 'package.json')).version;

describe('transport pins: the versions the patches are tested against are the ones the hub loads', () => {
  const here = dirname(new URL(import.meta.url).pathname);
  const socketIo = packageRoot('socket.io', here);
  const engineIo = packageRoot('engine.io', socketIo);
  const loaded = {
    '@nestjs/platform-socket.io': version(packageRoot('@nestjs/platform-socket.io', here)),
    'socket.io': version(socketIo),
    'engine.io': version(engineIo),
    'socket.io-adapter': version(packageRoot('socket.io-adapter', socketIo)),
    'socket.io-parser': version(packageRoot('socket.io-parser', here)),
    ws: version(packageRoot('ws', engineIo)),
  };

  it('loads exactly the pinned versions (an upgrade fails here first)', () => {
    expect(loaded).toEqual(TRANSPORT_PINS);
  });

  it('pins them exactly in package.json, ws through overrides', () => {
    const pkg = JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      overrides: { 'engine.io': { '.': string; ws: string } };
    };
    for (const name of [
      '@nestjs/platform-socket.io',
      'socket.io',
      'engine.io',
      'socket.io-adapter',
      'socket.io-parser',
    ] as const) {
      expect([name, pkg.dependencies[name]]).toEqual([name, TRANSPORT_PINS[name]]);
    }
    expect(pkg.overrides['engine.io']).toEqual({ '.': TRANSPORT_PINS['engine.io'], ws: TRANSPORT_PINS.ws });
  });
});
