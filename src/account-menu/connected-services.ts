// The partner services the user let in (oidc-provider grants), one entry per service however many
// browsers signed in to it, and disconnecting one: its grants, their tokens and the remembered consent.
import type { AccessRevocation } from '../accounts/access-revocation.ts';
import type { AuditContext } from '../audit/audit-log.ts';
import type { ClientDirectory } from '../clients/client-directory.ts';
import { ACCOUNT_CLIENT_ID } from '../clients/first-party.ts';
import { ServiceNotConnectedError } from './errors.ts';

export interface ConnectedService {
  /** One of the service's grant ids: what the disconnect form sends. */
  id: string;
  clientId: string;
  name: string;
  /** What the user allowed (openid left out: every service has it). */
  scopes: string[];
  /** The first time the user allowed it (of the grants that are still live). */
  since: Date | null;
}

export class ConnectedServices {
  readonly #revocation: AccessRevocation;
  readonly #clientName: ClientDirectory['name'];

  constructor(deps: { revocation: AccessRevocation; clientName: ClientDirectory['name'] }) {
    this.#revocation = deps.revocation;
    this.#clientName = deps.clientName;
  }

  /** tobira's own account menu is not a partner the user connected, so it is not listed. */
  async #partnerGrants(accountId: string): Promise<Awaited<ReturnType<AccessRevocation['grants']>>> {
    return (await this.#revocation.grants(accountId)).filter((g) => g.clientId && g.clientId !== ACCOUNT_CLIENT_ID);
  }

  /** Oldest connection first. */
  async list(accountId: string): Promise<ConnectedService[]> {
    const byClient = new Map<string, ConnectedService>();
    for (const grant of await this.#partnerGrants(accountId)) {
      const scopes = grant.scope.split(' ').filter((s) => s && s !== 'openid');
      const known = byClient.get(grant.clientId);
      if (!known) {
        byClient.set(grant.clientId, { id: grant.id, clientId: grant.clientId, name: '', scopes, since: grant.createdAt });
        continue;
      }
      known.scopes = [...new Set([...known.scopes, ...scopes])];
      if (grant.createdAt && (!known.since || grant.createdAt < known.since)) known.since = grant.createdAt;
    }
    const services = [...byClient.values()];
    for (const s of services) s.name = this.#clientName(s.clientId);
    return services.sort((a, b) => (a.since?.getTime() ?? 0) - (b.since?.getTime() ?? 0));
  }

  /**
   * Disconnects the service the grant `grantId` belongs to: every grant of this account for that
   * service, with their tokens. A grant that is not this account's (or unknown) is refused.
   */
  async disconnect(accountId: string, grantId: string, audit: AuditContext): Promise<string> {
    const grants = await this.#partnerGrants(accountId);
    const target = grants.find((g) => g.id === grantId);
    if (!target) throw new ServiceNotConnectedError();
    for (const grant of grants.filter((g) => g.clientId === target.clientId)) {
      await this.#revocation.revokeGrant(accountId, grant.id, audit);
    }
    return target.clientId;
  }
}
