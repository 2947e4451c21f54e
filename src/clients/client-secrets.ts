// How a client's secret is kept at rest. tobira generates every secret it hands out (32 random
// bytes, shown once), and keeps, where the client's metadata allows it, only a hash:
// - client_secret_basic / client_secret_post, with no HMAC signing and no symmetric encryption in
//   the metadata: a scrypt hash; oidc-provider's secret comparison is replaced for such clients by
//   the scrypt check (oidc/store-clients.ts), so a copy of the database does not let anyone
//   authenticate as the partner.
// - client_secret_jwt, or any HS*/symmetric algorithm: oidc-provider needs the secret itself as an
//   HMAC or encryption key, so it is sealed with AES-256-GCM under a key derived (HKDF) from
//   CLIENT_SECRET_KEY, and opened only in memory when oidc-provider loads the client.
// Everything is node:crypto; nothing here is home-made cryptography.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const HASHED = '$tobira-scrypt$';
const SEALED = '$tobira-aes256gcm$';
// scrypt's defaults (N=2^14, r=8, p=1: 16 MiB, tens of ms, in libuv's pool, off the event loop).
const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const HASH_BYTES = 32;

/** Auth methods that use no secret at all. */
const NO_SECRET_METHODS = new Set(['none', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth', 'attest_jwt_client_auth']);

/** A new client secret: 256 random bits, base64url. */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, HASH_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** True when some *_alg of the metadata makes oidc-provider use the secret as a key (HS*, A*KW, dir, ...). */
function usesSecretAsKey(metadata: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(metadata).some(([key, value]) => (key.endsWith('_alg') || key.endsWith('_enc')) && typeof value === 'string' && /^(HS|A\d|dir$)/.test(value));
}

/** How the metadata's secret must be kept: none needed, a hash, or the secret itself (sealed). */
export function secretKeeping(metadata: Readonly<Record<string, unknown>>): 'none' | 'hash' | 'seal' {
  const method = typeof metadata.token_endpoint_auth_method === 'string' ? metadata.token_endpoint_auth_method : 'client_secret_basic';
  if (method === 'client_secret_jwt' || usesSecretAsKey(metadata)) return 'seal';
  if (NO_SECRET_METHODS.has(method)) return 'none';
  return 'hash';
}

export async function hashClientSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt);
  return `${HASHED}${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function isHashedSecret(stored: unknown): stored is string {
  return typeof stored === 'string' && stored.startsWith(HASHED);
}

export function isSealedSecret(stored: unknown): stored is string {
  return typeof stored === 'string' && stored.startsWith(SEALED);
}

/** Whether `presented` is the secret `stored` is the hash of; compared in constant time. */
export async function verifyHashedSecret(stored: string, presented: string): Promise<boolean> {
  const [salt, hash] = stored.slice(HASHED.length).split('$');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(presented, Buffer.from(salt, 'base64url'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The AES-256 key for sealed secrets, from CLIENT_SECRET_KEY (any text of 32+ characters). */
export function sealingKey(setting: string): Buffer {
  return Buffer.from(hkdfSync('sha256', setting, 'tobira', 'tobira client secrets v1', 32));
}

export function sealClientSecret(secret: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${SEALED}${iv.toString('base64url')}$${sealed.toString('base64url')}$${cipher.getAuthTag().toString('base64url')}`;
}

/** The secret, or undefined when it cannot be opened (another key, or tampered with). */
export function openClientSecret(stored: string, key: Buffer): string | undefined {
  const [iv, sealed, tag] = stored.slice(SEALED.length).split('$');
  if (!iv || !sealed || !tag) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
