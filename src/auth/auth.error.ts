import type { HandshakeErrorCode } from '@orderwire/contracts';

/** A refused handshake or token; reaches the client as `connect_error` with `data: { code, message }`. */
export class AuthError extends Error {
  readonly data: { code: HandshakeErrorCode; message: string };

  constructor(
    readonly code: HandshakeErrorCode,
    message: string,
  ) {
    super(message);
    this.data = { code, message };
  }
}
