import { ConfigError } from './config-error.js';

/**
 * The transport's patches of library internals, by name (src/transport/patches.ts says what each
 * one replaces, how it is detected and what runs without it).
 */
export const TRANSPORT_PATCH_NAMES = [
  'frame-batching',
  'ack-decoder',
  'socket-acks',
  'engine-backlog',
] as const;
export type PatchName = (typeof TRANSPORT_PATCH_NAMES)[number];

/** TRANSPORT_PATCHES: `auto` (the default), `off`, or the names of the patches to use. */
export function transportPatches(values: string[]): 'auto' | PatchName[] {
  if (values.length === 1 && values[0] === 'auto') return 'auto';
  if (values.length === 1 && values[0] === 'off') return [];
  if (values.includes('auto') || values.includes('off')) {
    throw new ConfigError(
      'TRANSPORT_PATCHES: `auto` and `off` stand alone; otherwise list the patches to use',
    );
  }
  return [...new Set(values)] as PatchName[];
}
