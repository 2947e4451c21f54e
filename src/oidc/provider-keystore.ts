// How a running oidc-provider gets new signing keys without a restart.
//
// oidc-provider (9.x) reads its keys once, in the Provider constructor: the `jwks` configuration
// goes through lib/helpers/initialize_keystore.js, which validates each key, builds a KeyStore and
// stores it, with the public /jwks answer, in the provider's internal state
// (`instance(provider).keystore` and `.jwks`); then the configuration's `jwks` is deleted. Every
// use reads that state afresh: ID tokens and logout tokens (models/id_token.js: selectForSign, and
// the id_token_hint check: selectForVerify), JWT access tokens (models/formats/jwt.js), the /jwks
// endpoint (actions/jwks.js). Nothing keeps a reference to the old KeyStore beyond one request.
//
// So calling that same initialisation again on the running provider swaps both references at
// once: the next token is signed, and the next /jwks answered, with the new set; a request in
// flight finishes with the set it started with. The alternative, a new Provider behind a mutable
// mount, would rebuild everything else too (clients, adapters, event listeners, the interaction
// routes' reference to the provider, the patched client secret check) for a change of keys only.
//
// The cost is a dependency on a module path inside oidc-provider: an upgrade that moves it fails
// at start (the import) and in test/oidc/signing-key-rotation.test.ts, not silently.
import type Provider from 'oidc-provider';
import initializeKeystore from 'oidc-provider/lib/helpers/initialize_keystore.js';
import type { JWK } from 'jose';
import { providerSigningKeys } from './node-signing-key.ts';

/**
 * Gives the provider this private JWKS: the first key of each algorithm signs, all are published
 * and verify. Throws (and keeps the old keys) when oidc-provider refuses the set.
 */
export function replaceKeystore(provider: Provider, jwks: { keys: readonly JWK[] }): void {
  initializeKeystore.call(provider, providerSigningKeys(jwks));
}
