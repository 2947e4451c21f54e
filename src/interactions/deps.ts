import type Provider from 'oidc-provider';
import type { BodyReaders } from '../http/forms.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { ClientDirectory } from '../clients/client-directory.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import type { DeviceService } from '../devices/device-service.ts';
import type { PlaceLookup } from '../geoip/place-lookup.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import type { SignInNotices } from '../accounts/sign-in-notices.ts';
import type { ConsentRepository } from '../store/types.ts';

/** Where every page of one sign-in lives; the flows that run inside a sign-in mount under it too. */
export const INTERACTION_PATH = '/interaction/:uid';

/** What the interaction pages need (and the flows that run inside a sign-in); built in app/routes.ts. */
export interface InteractionDeps {
  provider: Provider;
  accounts: AccountService;
  /** The configured partner services, for the always-passkey refusal. */
  clients: ClientDirectory;
  passkeys: PasskeyService;
  /** The account's phones, for the sign-in plan of a browser linked to it. */
  devices: DeviceService;
  consents: ConsentRepository;
  audit: AuditLog;
  trustedBrowsers: TrustedBrowserService;
  trustedBrowserDays: number;
  places: PlaceLookup;
  /** The new-sign-in notice, for sign-ins from browsers that were not trusted. */
  signInNotices: SignInNotices;
  bodies: BodyReaders;
  grantTtlSeconds: number;
}
