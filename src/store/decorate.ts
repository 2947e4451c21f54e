// One way to wrap a whole store: every repository (each object-valued property, so a new one is
// covered without a change here) and every oidc model store is replaced by `wrap`'s version, made
// once each; everything else (kind, init, ping, sweeps, an adapter's own flags) passes through.
// The read cache (read-cache.ts), the metrics (metrics/metered-store.ts) and the tests' recording
// store use it.
import type { OidcModelStore, Store } from './types.ts';

/** Wraps one repository; `name` is the store's property, or `oidc:<model>` for a model store. */
export type RepositoryWrapper = <T extends object>(repository: T, name: string) => T;

export function decorateStore(store: Store, wrap: RepositoryWrapper): Store {
  const repositories = new Map<string, unknown>();
  const models = new Map<string, OidcModelStore>();
  const oidc = (model: string): OidcModelStore => {
    let wrapped = models.get(model);
    if (!wrapped) {
      wrapped = wrap(store.oidc(model), `oidc:${model}`);
      models.set(model, wrapped);
    }
    return wrapped;
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'oidc') return oidc;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'object' || value === null || typeof property !== 'string') return value;
      let repository = repositories.get(property);
      if (!repository) {
        repository = wrap(value, property);
        repositories.set(property, repository);
      }
      return repository;
    },
  });
}
