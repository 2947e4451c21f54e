// Which partner back ends may get tokens for which API, and with which scopes. Two sources grant
// access: the resources file's `clients` map (read at start), and a client's own registration,
// `tobira_api_access: {"<resource>": ["scope", ...]}`, which an operator sets through the operator
// API, CLI or console and which reaches every process with the client, without a restart. Access
// is the union of both; a grant in the file is removed only in the file.
import type { ResourceServer } from './resources-file.ts';

export const API_ACCESS = 'tobira_api_access';

/** The scopes `clientId` may have at `resource`, from the file and from its registration; null when none. */
export function grantedScopes(resource: ResourceServer, clientId: string, metadata: Readonly<Record<string, unknown>>): string[] | null {
  const fromFile = resource.clients.get(clientId);
  const registered = metadata[API_ACCESS];
  const fromClient = registered && typeof registered === 'object' && Object.hasOwn(registered, resource.resource)
    ? (registered as Record<string, unknown>)[resource.resource]
    : undefined;
  if (!fromFile && !Array.isArray(fromClient)) return null;
  return [...new Set([...(fromFile ?? []), ...(Array.isArray(fromClient) ? fromClient.filter((s): s is string => typeof s === 'string') : [])])];
}

/**
 * Why a registration's `tobira_api_access` cannot be served, or null: it must map APIs of the
 * resources file to lists of scopes each API knows (a typo would otherwise silently grant nothing).
 */
export function apiAccessProblem(value: unknown, resources: readonly ResourceServer[]): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${API_ACCESS} must be an object: {"<resource>": ["scope", ...]}`;
  const byIdentifier = new Map(resources.map((resource) => [resource.resource, resource]));
  const entries = Object.entries(value);
  if (entries.length > 20) return `${API_ACCESS} may name at most 20 APIs`;
  for (const [identifier, scopes] of entries) {
    const resource = byIdentifier.get(identifier);
    if (!resource) return `${API_ACCESS} names "${identifier.slice(0, 200)}", which is not an API of the resources file`;
    if (!Array.isArray(scopes) || scopes.length > 100 || !scopes.every((scope) => typeof scope === 'string')) return `${API_ACCESS} → "${identifier}" must be a list of scopes`;
    const unknown = scopes.find((scope) => !resource.scopes.includes(scope as string));
    if (unknown !== undefined) return `${API_ACCESS} → "${identifier}" names scope "${String(unknown).slice(0, 128)}", which this API does not know`;
  }
  return null;
}
