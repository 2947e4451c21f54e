// Form and JSON fields more than one route reads. One definition each, so the same input gets the
// same limits and the same refusal wherever it is posted.
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../accounts/password-policy.ts';
import { hasControlCharacters } from '../names.ts';

/** Marks the refusal parseForm answers with NameControlCharactersError instead of invalid_input. */
export const CONTROL_CHARACTERS_ISSUE = 'name_control_characters';
/** A name the user sets: trimmed, and free of control characters (names.ts). */
const name = (max: number): z.ZodType<string> => z.string().trim().min(1).max(max)
  .refine((value) => !hasControlCharacters(value), { params: { reason: CONTROL_CHARACTERS_ISSUE } });

/** An e-mail address as typed: trimmed, at most 254 characters (RFC 5321 path limit). */
export const email = z.string().trim().max(254).pipe(z.email());
/** An e-mail address, or nothing at all. */
export const optionalEmail = z.string().trim().max(254).pipe(z.union([z.literal(''), z.email()]));
/** A password as typed: never trimmed; the password policy judges its strength. */
export const password = z.string().max(MAX_PASSWORD_LENGTH);
/** A one-time code as typed (digits; spaces around are forgiven). */
export const oneTimeCode = z.string().trim().min(1).max(12);
/** A person's display name. */
export const personName = name(100);
/** A name the user gives a passkey, phone or browser. */
export const itemName = name(64);
/** A record id tobira generated (base64url). */
export const recordId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
/** 16 random bytes, base64url: approvals, phone-change attempts. */
export const randomId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
/** A WebAuthn credential id (base64url; authenticators may make them up to 1,023 bytes). */
export const credentialId = z.string().min(1).max(1_400).regex(/^[A-Za-z0-9_-]+$/);
/** A WebAuthn ceremony's response, checked in depth by passkeys/response-shape.ts. */
export const webauthnResponse = z.object({ response: z.unknown() });
