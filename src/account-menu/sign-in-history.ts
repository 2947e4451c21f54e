// The account's recent sign-ins and failed sign-ins, read back from the audit log: when, to which
// partner service, from which browser and address, how, and whether it worked.
import { browserLabel } from '../browsers/browser-label.ts';
import type { Lang } from '../i18n/lang.ts';
import type { PlaceLookup } from '../geoip/place-lookup.ts';
import type { ClientDirectory } from '../clients/client-directory.ts';
import type { AuditEvent, AuditRepository } from '../store/types.ts';

export const SIGN_IN_EVENTS = ['login.succeeded', 'login.failed'] as const;
const SHOWN = 50;

/** `signup`: a passkey sign-up (the name it has always had here); `signup_password`: a password one. */
export type SignInMethod = 'password' | 'passkey' | 'push' | 'signup' | 'signup_password' | 'unknown';

export interface SignInEntry {
  at: Date;
  ok: boolean;
  method: SignInMethod;
  /** The partner service's name ('' when the event does not say). */
  service: string;
  browser: string;
  ip: string;
  /** Approximate place of the IP address ('' without a GeoIP database). */
  place: string;
  /** Why it failed (a stable code), or null. */
  reason: string | null;
}

function methodOf(details: Record<string, unknown>): SignInMethod {
  const method = details.method;
  if (details.signup === true) return method === 'password' ? 'signup_password' : 'signup';
  return method === 'password' || method === 'passkey' || method === 'push' ? method : 'unknown';
}

export class SignInHistory {
  readonly #audit: AuditRepository;
  readonly #clientName: ClientDirectory['name'];
  readonly #places: PlaceLookup;

  constructor(deps: { audit: AuditRepository; clientName: ClientDirectory['name']; places: PlaceLookup }) {
    this.#audit = deps.audit;
    this.#clientName = deps.clientName;
    this.#places = deps.places;
  }

  /** Newest first. */
  async list(accountId: string, lang: Lang): Promise<SignInEntry[]> {
    const events = await this.#audit.listByAccount(accountId, SHOWN, SIGN_IN_EVENTS);
    return Promise.all(events.map((event) => this.#entry(event, lang, this.#clientName)));
  }

  async #entry(event: AuditEvent, lang: Lang, nameOf: (clientId: string) => string): Promise<SignInEntry> {
    const { details } = event;
    const ip = event.ip ?? '';
    return {
      at: event.at,
      ok: event.type === 'login.succeeded',
      method: methodOf(details),
      service: typeof details.client === 'string' && details.client ? nameOf(details.client) : '',
      browser: browserLabel(event.userAgent ?? undefined, lang),
      ip,
      place: ip ? this.#places.place(ip, lang) : '',
      reason: event.type === 'login.failed' && typeof details.reason === 'string' ? details.reason : null,
    };
  }
}
