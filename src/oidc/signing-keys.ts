// The keys that sign ID tokens: generating one, reading SIGNING_KEYS_FILE (a private JWKS), and the
// public half /jwks publishes. Operators supply the file, or tobira keeps keys with a lifecycle in
// the store (signing-key-ring.ts: every process signs and publishes the same keys; rotation in
// signing-key-lifecycle.ts and signing-key-service.ts).
import { createPublicKey, type JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { ConfigError } from '../config/config-error.ts';

export interface PrivateJwks { keys: JWK[] }

/** The public half of each key, as /jwks publishes it (node:crypto drops the private members). */
export function publicJwks(jwks: PrivateJwks): { keys: JWK[] } {
  return {
    keys: jwks.keys.map((key) => {
      const publicKey = createPublicKey({ key: key as NodeJsonWebKey, format: 'jwk' }).export({ format: 'jwk' }) as JWK;
      return { ...publicKey, kid: key.kid, alg: key.alg, use: key.use };
    }),
  };
}

const SUPPORTED_ALGS = new Set(['ES256', 'RS256', 'PS256', 'EdDSA', 'ES384']);

export async function generateSigningKey(alg: 'ES256' | 'RS256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
}

export function readSigningKeysFile(file: string): PrivateJwks {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('SIGNING_KEYS_FILE', `${file} cannot be read as JSON (${(err as Error).message})`, `${file} を JSON として読み込めません（${(err as Error).message}）`);
  }
  const keys = (raw as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError('SIGNING_KEYS_FILE', `${file} must be a JWKS: {"keys": [ ... ]} with at least one key`, `${file} は少なくとも 1 つの鍵を含む JWKS（{"keys": [...]}）である必要があります`);
  }
  keys.forEach((key: JWK, index) => {
    const where = `${file} → keys[${index}]`;
    if (typeof key !== 'object' || key === null || typeof key.kty !== 'string') {
      throw new ConfigError('SIGNING_KEYS_FILE', `${where} is not a JWK`, `${where} は JWK ではありません`);
    }
    if (typeof key.d !== 'string') {
      throw new ConfigError('SIGNING_KEYS_FILE', `${where} is a public key; tobira needs the private key to sign`, `${where} は公開鍵です。署名には秘密鍵が必要です`);
    }
    if (typeof key.alg !== 'string' || !SUPPORTED_ALGS.has(key.alg)) {
      throw new ConfigError('SIGNING_KEYS_FILE', `${where} needs "alg", one of ${[...SUPPORTED_ALGS].join(', ')}`, `${where} には ${[...SUPPORTED_ALGS].join('・')} のいずれかの "alg" が必要です`);
    }
  });
  if (!keys.some((key: JWK) => key.alg === 'RS256')) {
    throw new ConfigError('SIGNING_KEYS_FILE', `${file} must contain an RS256 key (the algorithm every OpenID client supports)`, `${file} には RS256 の鍵が必要です（すべての OpenID クライアントが対応するアルゴリズム）`);
  }
  return { keys: keys as JWK[] };
}
