// The partner services the user let in (oidc-provider grants and remembered decisions), one entry
// per service however many browsers signed in to it, and disconnecting one: its grants, their
// tokens and the remembered decision.
import type { AccessRevocation } from '../accounts/access-revocation.ts';
import type { AuditContext } from '../audit/audit-log.ts';
import type { ClientDirectory } from '../clients/client-directory.ts';
import { isOwnClient } from '../clients/first-party.ts';
import type { ConsentRepository } from '../store/ports/consents.ts';
import { ServiceNotConnectedError } from './errors.ts';

export interface ConnectedService {
  clientId: string;
  name: string;
  /** What the user allowed (openid left out: every service has it). */
  scopes: string[];
  /** The first time the user allowed it (of the grants and the remembered decision that are still live). */
  since: Date | null;
  /** The next sign-in to it goes without the consent step ("remember this decision"). */
  remembered: boolean;
  /** It holds a live grant (it is signed in now, with tokens that a revocation ends). */
  signedIn: boolean;
}

export class ConnectedServices {
  readonly #revocation: AccessRevocation;
  readonly #consents: Pick<ConsentRepository, 'listByAccount' | 'forget'>;
  readonly #clientName: ClientDirectory['name'];

  constructor(deps: { revocation: AccessRevocation; consents: Pick<ConsentRepository, 'listByAccount' | 'forget'>; clientName: ClientDirectory['name'] }) {
    this.#revocation = deps.revocation;
    this.#consents = deps.consents;
    this.#clientName = deps.clientName;
  }

  /** tobira's own account menu is not a partner the user connected, so it is not listed. */
  async #partnerGrants(accountId: string): Promise<Awaited<ReturnType<AccessRevocation['grants']>>> {
    return (await this.#revocation.grants(accountId)).filter((g) => g.clientId && !isOwnClient(g.clientId));
  }

  /**
   * One entry per partner: its live grants (signed in now) and the remembered decision (which
   * outlives them), oldest connection first.
   */
  async list(accountId: string): Promise<ConnectedService[]> {
    const byClient = new Map<string, ConnectedService>();
    const add = (clientId: string, scope: string, since: Date | null, remembered: boolean): void => {
      const signedIn = !remembered;
      const scopes = scope.split(' ').filter((s) => s && s !== 'openid');
      const known = byClient.get(clientId);
      if (!known) {
        byClient.set(clientId, { clientId, name: this.#clientName(clientId), scopes, since, remembered, signedIn });
        return;
      }
      known.scopes = [...new Set([...known.scopes, ...scopes])];
      known.remembered ||= remembered;
      known.signedIn ||= signedIn;
      if (since && (!known.since || since < known.since)) known.since = since;
    };
    for (const grant of await this.#partnerGrants(accountId)) add(grant.clientId, grant.scope, grant.createdAt, false);
    for (const consent of await this.#consents.listByAccount(accountId)) {
      if (!isOwnClient(consent.clientId)) add(consent.clientId, consent.scope, consent.rememberedAt, true);
    }
    return [...byClient.values()].sort((a, b) => (a.since?.getTime() ?? 0) - (b.since?.getTime() ?? 0));
  }

  /**
   * Disconnects a partner: every grant of this account for it, with their tokens, and the
   * remembered decision, so the next sign-in there asks for consent again. A partner the account
   * is not connected to is refused.
   */
  async disconnect(accountId: string, clientId: string, audit: AuditContext): Promise<string> {
    const connected = (await this.list(accountId)).find((service) => service.clientId === clientId);
    if (!connected) throw new ServiceNotConnectedError();
    for (const grant of (await this.#partnerGrants(accountId)).filter((g) => g.clientId === clientId)) {
      await this.#revocation.revokeGrant(accountId, grant.id, audit);
    }
    await this.#consents.forget(accountId, clientId);
    return clientId;
  }
}
