import type { AckError, ProtocolErrorBody } from '@orderwire/contracts';

export interface AckSuccess<T> {
  ok: true;
  data: T;
}

/** The success reply of a command: `{ ok: true, data }`. */
export function ok<T>(data: T): AckSuccess<T> {
  return { ok: true, data };
}

export function fail(error: ProtocolErrorBody): AckError {
  return { ok: false, error };
}

export type AckFn = (reply: unknown) => void;

export function isAckFn(value: unknown): value is AckFn {
  return typeof value === 'function';
}
