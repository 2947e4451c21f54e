// What a tobira process loads before any service exists: its keys (from settings or generated
// once into the store), the place lookup, and the configured partner services.
import { existsSync } from 'node:fs';
import { accountClientMetadata, consoleClientMetadata } from '../clients/first-party.ts';
import { LiveClientDirectory } from '../clients/client-directory.ts';
import { sealingKey } from '../clients/client-secrets.ts';
import { readClientsFile, type ClientMetadata } from '../clients/clients-file.ts';
import type { Settings } from '../config/settings.ts';
import { demoClientMetadata, DEMO_CLIENT_ID } from '../demo/demo-client.ts';
import { openPlaceLookup, type PlaceLookup } from '../geoip/place-lookup.ts';
import { loadCookieKeys } from '../http/cookie-keys.ts';
import { loadVapidKeys, type VapidKeys } from '../notify/vapid-keys.ts';
import { loadSigningKeys, type PrivateJwks } from '../oidc/signing-keys.ts';
import { readResourcesFile, type ResourceServer } from '../resources/resources-file.ts';
import type { Store } from '../store/types.ts';

export interface Infrastructure {
  cookieKeys: string[];
  jwks: PrivateJwks;
  vapid: VapidKeys;
  places: PlaceLookup;
  /** The fixed clients the provider serves: the clients file, the account menu, the demo partner (the store's come on top). */
  clients: ClientMetadata[];
  /** Where the clients came from, for error messages. */
  clientsSource: string;
  /** The one view of the fixed and the stored clients that tobira's own rules read. */
  directory: LiveClientDirectory;
  /** The key of the stored clients' sealed secrets (CLIENT_SECRET_KEY), when set. */
  clientSecretKey: Buffer | undefined;
  /** Set when the demo partner is served. */
  demoClient: ClientMetadata | undefined;
  /** The partners' APIs that machine clients get tokens for. */
  resources: ResourceServer[];
}

function configuredClients(settings: Settings): { clients: ClientMetadata[]; source: string } {
  const file = settings.clientsFile;
  if (file && (settings.clientsFileExplicit || existsSync(file))) {
    return { clients: readClientsFile(file), source: file };
  }
  return { clients: [], source: 'CLIENTS_FILE' };
}

/** `storedIds`: the clients registered through the operator API at start, which the file may name too. */
function configuredResources(settings: Settings, clients: readonly ClientMetadata[], storedIds: readonly string[]): ResourceServer[] {
  const file = settings.resourcesFile;
  if (!file || !(settings.resourcesFileExplicit || existsSync(file))) return [];
  // http resources only outside production, like the issuer itself.
  return readResourcesFile(file, new Set([...clients.map((client) => client.client_id), ...storedIds]), settings.env !== 'production');
}

export async function loadInfrastructure(settings: Settings, store: Store, onStoreError?: (err: unknown) => void): Promise<Infrastructure> {
  const [cookieKeys, jwks, vapid, places] = await Promise.all([
    loadCookieKeys(store.secrets, settings.cookieKeys),
    loadSigningKeys(store.secrets, settings.signingKeysFile),
    loadVapidKeys(store.secrets, settings.push.vapid),
    openPlaceLookup(settings.geoipDbFile),
  ]);
  const { clients, source } = configuredClients(settings);
  const demoClient = settings.demo && !clients.some((c) => c.client_id === DEMO_CLIENT_ID)
    ? await demoClientMetadata(settings.issuer, store.secrets)
    : undefined;
  const all = [...clients, accountClientMetadata(settings.issuer), consoleClientMetadata(settings.issuer), ...(demoClient ? [demoClient] : [])];
  const resources = configuredResources(settings, all, (await store.clients.list()).map((client) => client.clientId));
  const directory = new LiveClientDirectory(all, store.clients, { refreshMs: settings.clientsRefreshSeconds * 1000, ...(onStoreError ? { onError: onStoreError } : {}) });
  await directory.refresh();
  const clientSecretKey = settings.clientSecretKey === null ? undefined : sealingKey(settings.clientSecretKey);
  return { cookieKeys, jwks, vapid, places, clients: all, clientsSource: source, directory, clientSecretKey, demoClient, resources };
}
