// How oidc-provider finds the clients registered in the store: its static `clients` hold only the
// fixed ones (clients file, account menu, demo partner); for any other id it calls
// adapter('Client').find(id), answered here straight from the store on every lookup, so a client
// created, changed or disabled by any process is seen by the next request everywhere. oidc-provider
// caches the Client it builds by the hash of the metadata, so an unchanged client is not rebuilt.
//
// Secrets: a sealed secret is opened here, in memory; a hashed one is handed over as it is, and
// oidc-provider's secret comparison is replaced (for hashed secrets only) by the scrypt check.
import type { RateLimiter } from '../limits/rate-limiter.ts';
import { sourceSubject } from '../limits/subjects.ts';
import Provider, { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { isHashedSecret, isSealedSecret, openClientSecret, verifyHashedSecret } from '../clients/client-secrets.ts';
import type { ClientRepository } from '../store/ports/clients.ts';

export interface StoredClientSource {
  repository: ClientRepository;
  /** Ids of the fixed clients: a stored client with such an id is never served (the file wins). */
  isFixed: (clientId: string) => boolean;
  /** The key sealed secrets are opened with (CLIENT_SECRET_KEY); undefined when none is set. */
  sealingKey: Buffer | undefined;
  /** Told when a stored client cannot be served (a sealed secret that will not open). */
  onUnusable?: (clientId: string, reason: string) => void;
}

/** The metadata oidc-provider gets for a stored client, or undefined when it must not be served. */
export async function servedMetadata(source: StoredClientSource, clientId: string): Promise<AdapterPayload | undefined> {
  if (source.isFixed(clientId)) return undefined;
  const stored = await source.repository.find(clientId);
  if (!stored || stored.disabled) return undefined;
  const metadata: Record<string, unknown> = { ...stored.metadata, client_id: stored.clientId };
  if (isSealedSecret(metadata.client_secret)) {
    const secret = source.sealingKey && openClientSecret(metadata.client_secret, source.sealingKey);
    if (!secret) {
      source.onUnusable?.(clientId, 'its sealed client_secret does not open with CLIENT_SECRET_KEY');
      return undefined;
    }
    metadata.client_secret = secret;
  }
  return metadata as AdapterPayload;
}

/** oidc-provider's adapter for the Client model: reads only (dynamic registration is off). */
export function storedClientAdapter(source: StoredClientSource): Adapter {
  const readOnly = async (): Promise<never> => {
    throw new Error('stored clients are written through the operator API, not by oidc-provider');
  };
  return {
    find: (id: string) => servedMetadata(source, id),
    upsert: readOnly,
    destroy: readOnly,
    consume: readOnly,
    revokeByGrantId: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
  };
}

/**
 * Makes oidc-provider check a hashed client secret with scrypt (asynchronously, in libuv's pool);
 * plain secrets (the clients file) keep its own constant-time comparison. oidc-provider awaits
 * compareClientSecret (shared/client_auth.js), and has no configuration hook for it.
 *
 * Each check costs one scrypt run, so wrong secrets are counted per source
 * (`clientSecretFailuresPerSource`): past the cap that source's checks are refused without
 * running scrypt until the window ends. Failures only are counted, so a back end's own steady
 * sign-ins never add up; and per source, so a stranger's guesses never hold back the partner's
 * back end elsewhere. Checks already in flight when the cap is reached still run (at most one
 * per open connection).
 */
export function checkHashedSecrets(provider: Provider, limiter: Pick<RateLimiter, 'hit' | 'reached'>): void {
  const prototype = provider.Client.prototype as unknown as { compareClientSecret(this: { clientSecret?: string }, actual: string): boolean | Promise<boolean> };
  const compare = prototype.compareClientSecret;
  const checked = async (hash: string, actual: string): Promise<boolean> => {
    const source = sourceSubject((Provider.ctx as { ip?: string } | undefined)?.ip);
    if (source !== undefined && await limiter.reached('clientSecretFailuresPerSource', source)) return false;
    const right = await verifyHashedSecret(hash, actual);
    if (!right && source !== undefined) await limiter.hit('clientSecretFailuresPerSource', source);
    return right;
  };
  prototype.compareClientSecret = function compareClientSecret(actual: string) {
    if (isHashedSecret(this.clientSecret)) return checked(this.clientSecret, actual);
    return compare.call(this, actual);
  };
}

/** The field an oidc-provider metadata error is about (its messages start with the property). */
function fieldOf(description: string, metadata: Readonly<Record<string, unknown>>): string {
  const first = /^([a-z_]+)/.exec(description)?.[1];
  if (first && (first in metadata || /_(uri|uris|method|alg|enc|types|type|jwks|name|id)$/.test(first))) return first;
  const mentioned = Object.keys(metadata).find((key) => description.includes(key));
  return mentioned ?? 'metadata';
}

export class ClientMetadataRefusal extends Error {
  readonly field: string;
  readonly detail: string;

  constructor(field: string, detail: string) {
    super(`${field}: ${detail}`);
    this.name = 'ClientMetadataRefusal';
    this.field = field;
    this.detail = detail;
  }
}

/** Validates metadata by oidc-provider's own rules; throws ClientMetadataRefusal naming the field. */
export async function validateByProvider(provider: Provider, metadata: Readonly<Record<string, unknown>>): Promise<void> {
  try {
    await provider.Client.validate(metadata as Parameters<Provider['Client']['validate']>[0]);
  } catch (err) {
    if (err instanceof errors.InvalidClientMetadata || err instanceof errors.InvalidRedirectUri) {
      const detail = err.error_description ?? err.message;
      throw new ClientMetadataRefusal(err instanceof errors.InvalidRedirectUri ? 'redirect_uris' : fieldOf(detail, metadata), detail);
    }
    throw err;
  }
}
