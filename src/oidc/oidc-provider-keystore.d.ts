// oidc-provider's own keystore initialisation (lib/helpers/initialize_keystore.js, 9.x), which
// provider-keystore.ts calls again to give a running Provider new signing keys. The package has no
// "exports" map, so the module can be imported; it has no types, hence this declaration.
declare module 'oidc-provider/lib/helpers/initialize_keystore.js' {
  import type Provider from 'oidc-provider';

  /** Validates `jwks` as the `jwks` configuration is validated, then replaces the provider's keystore and its /jwks answer. */
  export default function initializeKeystore(this: Provider, jwks: { keys: object[] }): void;
}
