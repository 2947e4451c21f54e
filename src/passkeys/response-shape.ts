// The JSON a browser posts after a WebAuthn ceremony, checked for shape before any verification,
// so malformed input gets one clear error instead of whatever a parser deep inside throws.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { InvalidWebAuthnResponseError } from './errors.ts';

const b64url = z.string().min(1).max(16_384).regex(/^[A-Za-z0-9_-]+$/);

const registration = z.object({
  id: b64url.max(1_400),
  rawId: b64url.max(1_400),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }).passthrough(),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
}).passthrough();

const authentication = z.object({
  id: b64url.max(1_400),
  rawId: b64url.max(1_400),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.max(200).optional().nullable(),
  }).passthrough(),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
}).passthrough();

export function parseRegistrationResponse(input: unknown): RegistrationResponseJSON {
  const parsed = registration.safeParse(input);
  if (!parsed.success || parsed.data.id !== parsed.data.rawId) throw new InvalidWebAuthnResponseError();
  return parsed.data as unknown as RegistrationResponseJSON;
}

export function parseAuthenticationResponse(input: unknown): AuthenticationResponseJSON {
  const parsed = authentication.safeParse(input);
  if (!parsed.success || parsed.data.id !== parsed.data.rawId) throw new InvalidWebAuthnResponseError();
  return parsed.data as unknown as AuthenticationResponseJSON;
}
