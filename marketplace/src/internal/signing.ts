import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/** What the registry signs for each version: everything an installer checks the tarball against. */
export interface SignedFields {
  name: string;
  version: string;
  /** `sha512-…` SRI of the tarball. */
  integrity: string;
  /** `sha256-…` of the canonical `directus:extension` manifest. */
  manifestDigest: string;
}

const DOMAIN = 'annex-marketplace-signature-v1';

/** The exact bytes signed; a newline cannot occur in any field (checked). */
export function signaturePayload(f: SignedFields): Buffer {
  for (const [k, v] of Object.entries(f)) {
    if (typeof v !== 'string' || v.includes('\n'))
      throw new TypeError(`signature field ${k} must be a single-line string`);
  }
  return Buffer.from([DOMAIN, f.name, f.version, f.integrity, f.manifestDigest].join('\n'), 'utf8');
}

/** Stable id of a public key: `ed25519:<sha256 of the SPKI DER, base64url, 16 chars>`. */
export function getKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('base64url').slice(0, 16)}`;
}

/**
 * The registry's word on a version's publisher, signed when it is served (a publisher's
 * verification can change after publishing): what `MARKETPLACE_TRUST=verified` relies on.
 */
export interface PublisherFields {
  versionId: string;
  publisherId: string;
  verified: boolean;
}

const PUBLISHER_DOMAIN = 'annex-marketplace-publisher-v1';

export function publisherPayload(f: PublisherFields): Buffer {
  for (const v of [f.versionId, f.publisherId])
    if (typeof v !== 'string' || v.includes('\n')) throw new TypeError('publisher fields must be single-line strings');
  return Buffer.from(
    [PUBLISHER_DOMAIN, f.versionId, f.publisherId, f.verified ? 'verified' : 'unverified'].join('\n'),
    'utf8',
  );
}

export interface Signer {
  keyId: string;
  publicKeyPem: string;
  sign(fields: SignedFields): string;
  signPublisher(fields: PublisherFields): string;
}

export function createSigner(privateKey: KeyObject): Signer {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('the signing key must be an ed25519 private key');
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: getKeyId(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (fields) => sign(null, signaturePayload(fields), privateKey).toString('base64'),
    signPublisher: (fields) => sign(null, publisherPayload(fields), privateKey).toString('base64'),
  };
}

export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function loadPrivateKey(pem: string | KeyObject): KeyObject {
  return typeof pem === 'string' ? createPrivateKey(pem) : pem;
}

export function loadPublicKey(key: string | KeyObject): KeyObject {
  const k = typeof key === 'string' ? createPublicKey(key) : key;
  if (k.asymmetricKeyType !== 'ed25519') throw new TypeError('the registry public key must be an ed25519 key');
  return k.type === 'private' ? createPublicKey(k) : k;
}

/** True when `signature` (base64) is `publicKey`'s signature over `fields`. Never throws. */
export function verifySignature(publicKey: KeyObject, fields: SignedFields, signature: string): boolean {
  try {
    return verify(null, signaturePayload(fields), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** True when `signature` is `publicKey`'s signature over the publisher fields. Never throws. */
export function verifyPublisherSignature(publicKey: KeyObject, fields: PublisherFields, signature: string): boolean {
  try {
    return verify(null, publisherPayload(fields), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
