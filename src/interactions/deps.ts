import type Provider from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import type { ClientDirectory } from '../always-passkey/policy.ts';
import type { PasswordlessSignup } from '../flows/signup/service.ts';
import type { ApprovalService } from '../flows/push-approval/service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import type { PlaceLookup } from '../geoip/place-lookup.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import type { SignInNotices } from '../accounts/sign-in-notices.ts';
import type { ConsentRepository } from '../store/types.ts';

/** What the interaction routes need; built once in app.ts. */
export interface InteractionDeps {
  provider: Provider;
  accounts: AccountService;
  /** The configured partner services, for the always-passkey refusal. */
  clients: ClientDirectory;
  passkeys: PasskeyService;
  signup: PasswordlessSignup;
  consents: ConsentRepository;
  audit: AuditLog;
  approvals: ApprovalService;
  trustedBrowsers: TrustedBrowserService;
  trustedBrowserDays: number;
  places: PlaceLookup;
  /** The new-sign-in notice, for sign-ins from browsers that were not trusted. */
  signInNotices: SignInNotices;
  bodyLimitBytes: number;
  grantTtlSeconds: number;
}
