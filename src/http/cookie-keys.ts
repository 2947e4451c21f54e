// Keys that sign every cookie tobira and oidc-provider set (keygrip, through koa). Supplied by
// COOKIE_KEYS (first key signs, all verify: prepend a new key to rotate) or generated once and
// kept in the store so every process accepts the others' cookies.
import { randomBytes } from 'node:crypto';
import type { SecretRepository } from '../store/types.ts';

export async function loadCookieKeys(secrets: SecretRepository, configured: string[] | null): Promise<string[]> {
  if (configured) return configured;
  const existing = await secrets.get<string[]>('cookie-keys');
  if (existing) return existing;
  return secrets.getOrInsert('cookie-keys', [randomBytes(32).toString('base64url')]);
}
