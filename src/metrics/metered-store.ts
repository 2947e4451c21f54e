// The store with every repository call timed and every failure counted. Wrapped once at start
// (app/app.ts) when metrics are on, so the adapters and the services stay unaware of it.
import type { OidcModelStore, Store } from '../store/types.ts';
import type { Metrics } from './metrics.ts';

/** The same object with each method timed; the methods are wrapped once, not per call. */
function timed<T extends object>(target: T, repository: string, metrics: Metrics): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let method = wrapped.get(property);
      if (!method) {
        const original = value as (...args: unknown[]) => unknown;
        const labels = { repository, operation: property };
        method = async (...args: unknown[]): Promise<unknown> => {
          const end = metrics.storeSeconds.startTimer(labels);
          try {
            return await original.apply(object, args);
          } catch (err) {
            metrics.storeErrors.inc(labels);
            throw err;
          } finally {
            end();
          }
        };
        wrapped.set(property, method);
      }
      return method;
    },
  });
}

/**
 * The store with each repository (every object-valued property: new ones are covered without a
 * change here) and each oidc model store timed; everything else (kind, init, ping, sweeps, the
 * adapter's own flags) passes through unchanged.
 */
export function meteredStore(inner: Store, metrics: Metrics): Store {
  const repositories = new Map<PropertyKey, unknown>();
  const models = new Map<string, OidcModelStore>();
  const oidc = (model: string): OidcModelStore => {
    let store = models.get(model);
    if (!store) {
      store = timed(inner.oidc(model), `oidc:${model}`, metrics);
      models.set(model, store);
    }
    return store;
  };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'oidc') return oidc;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'object' || value === null || typeof property !== 'string') return value;
      let repository = repositories.get(property);
      if (!repository) {
        repository = timed(value, property, metrics);
        repositories.set(property, repository);
      }
      return repository;
    },
  });
}
