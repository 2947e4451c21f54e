// The Chrome DevTools WebAuthn virtual authenticator: stands in for a phone's platform
// authenticator with biometrics (resident keys, user verification, automatic presence).
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/** A credential as WebAuthn.getCredentials returns it (and WebAuthn.addCredential takes it back). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

export interface VirtualAuthenticator {
  session: CDPSession;
  authenticatorId: string;
  credentials(): Promise<VirtualCredential[]>;
}

export async function addVirtualAuthenticator(context: BrowserContext, page: Page, options: { isUserVerified?: boolean } = {}): Promise<VirtualAuthenticator> {
  const session = await context.newCDPSession(page);
  await session.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await session.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: options.isUserVerified ?? true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    session,
    authenticatorId,
    async credentials() {
      const { credentials } = await session.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials;
    },
  };
}
