import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Mozilla's "intermediate" configuration (v5.7): TLS 1.2 with forward-secret AEAD suites only,
 * and TLS 1.3 (whose suites Node sets apart). No RSA key exchange, no CBC (AES128-SHA and kin).
 */
export const TLS_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The least key sizes accepted for the hub's certificate and key. */
const MIN_RSA_BITS = 2048;
const MIN_EC_BITS = 256;
const EC_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp256k1: 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
};

/** DER of the signature algorithms refused: sha1WithRSAEncryption, ecdsa-with-SHA1, md5WithRSA. */
const WEAK_SIGNATURES: Array<[string, Buffer]> = [
  ['SHA-1', Buffer.from('06092a864886f70d010105', 'hex')],
  ['SHA-1', Buffer.from('06072a8648ce3d0401', 'hex')],
  ['MD5', Buffer.from('06092a864886f70d010104', 'hex')],
];

function keyProblem(what: string, key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    return bits < MIN_RSA_BITS ? `${what} is RSA of ${bits} bits (at least ${MIN_RSA_BITS})` : undefined;
  }
  if (key.asymmetricKeyType === 'ec') {
    const bits = EC_BITS[details.namedCurve ?? ''] ?? 0;
    return bits < MIN_EC_BITS
      ? `${what} is EC on ${details.namedCurve ?? 'an unknown curve'} (at least ${MIN_EC_BITS} bits)`
      : undefined;
  }
  if (key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448') return undefined;
  return `${what} is of type ${key.asymmetricKeyType ?? 'unknown'} (RSA, EC or Ed25519 expected)`;
}

/**
 * Reads TLS_CERT_FILE and TLS_KEY_FILE and says what makes them unfit, or nothing: a key under
 * 2048 bits (RSA) or 256 (EC), in the certificate or the private key; a certificate signed with
 * SHA-1 or MD5; files that are not PEM. Throws with the setting's name on a file it cannot read.
 */
export function tlsProblem(certFile: string, keyFile: string): string | undefined {
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(readFileSync(certFile));
  } catch (err) {
    return `TLS_CERT_FILE: not a readable PEM certificate (${(err as Error).message})`;
  }
  try {
    key = createPrivateKey(readFileSync(keyFile));
  } catch (err) {
    return `TLS_KEY_FILE: not a readable PEM private key (${(err as Error).message})`;
  }
  const weak =
    keyProblem('TLS_CERT_FILE: the certificate’s key', cert.publicKey) ??
    keyProblem('TLS_KEY_FILE: the key', key);
  if (weak) return weak;
  // The signature algorithm is the certificate's second-to-last element; its OID appears in the
  // DER nowhere else a certificate of ours would carry it.
  const signed = WEAK_SIGNATURES.find(([, oid]) => cert.raw.includes(oid));
  if (signed) return `TLS_CERT_FILE: the certificate is signed with ${signed[0]} (SHA-256 or better)`;
  if (!cert.checkPrivateKey(key))
    return 'TLS_KEY_FILE: the key does not belong to TLS_CERT_FILE’s certificate';
  return undefined;
}

/** The https server options: the files, TLS 1.2 at least, forward-secret AEAD suites only. */
export function httpsServerOptions(tls: { certFile: string; keyFile: string }): {
  cert: Buffer;
  key: Buffer;
  minVersion: 'TLSv1.2';
  ciphers: string;
  honorCipherOrder: boolean;
} {
  return {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS,
    // Mozilla intermediate: every suite listed is strong, so the client's preference may win
    // (a phone without AES hardware picks ChaCha20).
    honorCipherOrder: false,
  };
}
