// Prints a new private JWKS (one ES256 and one RS256 key) for SIGNING_KEYS_FILE.
// Rotation: put the new keys first and keep the old public ones published until every ID token
// signed with them has expired (see docs/operations.md, "Keys").
import { generateSigningKey } from '../src/oidc/signing-keys.ts';

const jwks = { keys: [await generateSigningKey('ES256'), await generateSigningKey('RS256')] };
process.stdout.write(`${JSON.stringify(jwks, null, 2)}\n`);
