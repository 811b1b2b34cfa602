import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { FEATURE_CHECKS, PATCHES, type PatchName, TransportPatches } from './patches.js';

const ALL = Object.keys(PATCHES) as PatchName[];
const config = (value: string) =>
  loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), TRANSPORT_PATCHES: value });

describe('transport patches: one switch, and a feature check per patch', () => {
  it('every check passes on the installed libraries (a failing one is a patch to re-read, not a broken hub)', () => {
    expect(ALL.map((name) => [name, FEATURE_CHECKS[name]()])).toEqual(ALL.map((name) => [name, true]));
  });

  it('auto uses every patch whose check passes; off none; a list just those', () => {
    expect(new TransportPatches('auto').summary()).toEqual({ used: ALL, fallback: [] });
    const off = new TransportPatches([]);
    expect(ALL.filter((n) => off.has(n))).toEqual([]);
    expect(off.failed).toEqual([]);
    const some = new TransportPatches(['ack-decoder']);
    expect(ALL.filter((n) => some.has(n))).toEqual(['ack-decoder']);
  });

  it('a patch whose check fails or throws is not used, and says so once with its fallback', () => {
    const checks = {
      ...FEATURE_CHECKS,
      'frame-batching': () => false,
      'socket-acks': () => {
        throw new Error('socket.io changed');
      },
    };
    const patches = new TransportPatches('auto', checks);
    expect(patches.has('frame-batching')).toBe(false);
    expect(patches.has('socket-acks')).toBe(false);
    expect(patches.has('ack-decoder')).toBe(true);
    expect(patches.failed).toEqual(['frame-batching', 'socket-acks']);
    expect(patches.summary().fallback[0]).toMatch(/^frame-batching \(its check failed: engine\.io flushes/);
    expect(patches.warnings()).toEqual([
      expect.stringMatching(
        /^transport patch frame-batching: .*using the public API instead \(engine\.io flushes/,
      ),
      expect.stringMatching(/^transport patch socket-acks: .*\(the writer keeps its own record/),
    ]);
    expect(new TransportPatches([]).warnings()).toEqual([]); // off on purpose is not a warning
  });

  it('TRANSPORT_PATCHES: auto by default, off, or names; anything else refuses to boot', () => {
    expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }).ws.patches).toBe('auto');
    expect(config('off').ws.patches).toEqual([]);
    expect(config('frame-batching, ack-decoder').ws.patches).toEqual(['frame-batching', 'ack-decoder']);
    expect(() => config('auto,off')).toThrow(ConfigError);
    expect(() => config('frame-batching,turbo')).toThrow(/TRANSPORT_PATCHES/);
  });
});
