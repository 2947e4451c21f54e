// The VAPID key pair that signs every Web Push request tobira sends (RFC 8292). Push services tie a
// subscription to the public key the browser subscribed with, so every process must sign with the
// same pair: operators supply it (VAPID_PUBLIC_KEY + VAPID_PRIVATE_KEY) or tobira generates one on
// first start and keeps it in the store, like the signing and cookie keys.
import { createECDH } from 'node:crypto';
import { ConfigError } from '../config/config-error.ts';
import type { SecretRepository } from '../store/types.ts';

export interface VapidKeys {
  /** base64url of the 65-byte uncompressed P-256 point (the browser's applicationServerKey). */
  publicKey: string;
  /** base64url of the 32-byte P-256 private scalar. */
  privateKey: string;
}

const SECRET_NAME = 'vapid-keys';

function decodeStrict(value: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : null;
}

/** Throws ConfigError unless the pair is a well-formed P-256 key pair whose halves belong together. */
export function checkVapidKeys(keys: VapidKeys): void {
  const publicKey = decodeStrict(keys.publicKey);
  if (!publicKey || publicKey.length !== 65 || publicKey[0] !== 0x04) {
    throw new ConfigError('VAPID_PUBLIC_KEY', 'must be the base64url (unpadded) of a 65-byte uncompressed P-256 public key', '65 バイトの非圧縮 P-256 公開鍵を base64url（パディングなし）で指定してください');
  }
  const privateKey = decodeStrict(keys.privateKey);
  if (!privateKey || privateKey.length !== 32) {
    throw new ConfigError('VAPID_PRIVATE_KEY', 'must be the base64url (unpadded) of a 32-byte P-256 private key', '32 バイトの P-256 秘密鍵を base64url（パディングなし）で指定してください');
  }
  let derived: Buffer;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(privateKey);
    derived = ecdh.getPublicKey();
  } catch {
    throw new ConfigError('VAPID_PRIVATE_KEY', 'is not a valid P-256 private key', '有効な P-256 秘密鍵ではありません');
  }
  if (!derived.equals(publicKey)) {
    throw new ConfigError('VAPID_PUBLIC_KEY', 'does not belong to VAPID_PRIVATE_KEY', 'VAPID_PRIVATE_KEY に対応する公開鍵ではありません');
  }
}

export async function loadVapidKeys(secrets: SecretRepository, configured: VapidKeys | null): Promise<VapidKeys> {
  if (configured) {
    checkVapidKeys(configured);
    return { publicKey: configured.publicKey, privateKey: configured.privateKey };
  }
  const existing = await secrets.get<VapidKeys>(SECRET_NAME);
  if (existing) return existing;
  return secrets.getOrInsert<VapidKeys>(SECRET_NAME, generateVapidKeys());
}

/**
 * A new pair, as web-push's generateVAPIDKeys makes it (an ECDH P-256 pair, the private scalar
 * left-padded to 32 bytes), without loading web-push at start: a process that sends no push
 * message never loads it.
 */
export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const scalar = ecdh.getPrivateKey();
  const privateKey = Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]);
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: privateKey.toString('base64url') };
}
