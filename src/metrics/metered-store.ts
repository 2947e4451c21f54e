// The store with every repository call timed and every failure counted. Wrapped once at start
// (app/app.ts) when metrics are on, so the adapters and the services stay unaware of it.
import { decorateStore } from '../store/decorate.ts';
import type { Store } from '../store/types.ts';
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

/** The store with every repository call timed (store/decorate.ts walks the repositories). */
export function meteredStore(inner: Store, metrics: Metrics): Store {
  return decorateStore(inner, (repository, name) => timed(repository, name, metrics));
}
