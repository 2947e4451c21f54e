// Reads repeated within one HTTP request answered once. A passkey sign-in read the same account
// 11 times and the same interaction 9 times (oidc-provider's findAccount, the account guard,
// interaction details, each on its own), one database round trip each. Inside a request scope
// (withStoreReadCache, opened by http/request-context.ts) the first read of a key is kept and
// later reads get a copy of it; any other call on the same repository (a write) forgets what that
// repository's reads kept, before and after it runs. Nothing is kept across requests, so another
// process's writes are seen by the next request exactly as before; once the response is done
// (say, an event stream still polling) reads go straight to the store again.
import { AsyncLocalStorage } from 'node:async_hooks';
import { decorateStore } from './decorate.ts';
import type { Store } from './types.ts';
import { copyRecord } from './copy.ts';

interface Scope {
  open: boolean;
  /** `repository` → `method:key` → the read in flight or done. */
  reads: Map<string, Map<string, Promise<unknown>>>;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs `fn` (a request) with a read cache of its own. */
export async function withStoreReadCache<T>(fn: () => Promise<T>): Promise<T> {
  const scope: Scope = { open: true, reads: new Map() };
  try {
    return await scopes.run(scope, fn);
  } finally {
    scope.open = false;
    scope.reads.clear();
  }
}

/** Reads whose answers are kept, per repository; every other method counts as a write. */
const ACCOUNT_READS = new Set(['findById', 'findByEmail']);
const OIDC_READS = new Set(['find', 'findByUid']);

function openScope(): Scope | undefined {
  const scope = scopes.getStore();
  return scope?.open ? scope : undefined;
}

function caching<T extends object>(target: T, name: string, reads: ReadonlySet<string>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (reads.has(property)) {
        return (key: unknown, ...rest: unknown[]): Promise<unknown> => {
          const scope = openScope();
          if (!scope || typeof key !== 'string' || rest.length > 0) return method.call(object, key, ...rest);
          let kept = scope.reads.get(name);
          if (!kept) {
            kept = new Map();
            scope.reads.set(name, kept);
          }
          const slot = `${property}:${key}`;
          let read = kept.get(slot);
          if (!read) {
            read = method.call(object, key);
            kept.set(slot, read);
            const forget = kept;
            read.catch(() => { if (forget.get(slot) === read) forget.delete(slot); });
          }
          // A copy each time: callers may change what they get, as with the store itself.
          return read.then((found) => (found === undefined ? undefined : copyRecord(found)));
        };
      }
      return async (...args: unknown[]): Promise<unknown> => {
        const scope = openScope();
        scope?.reads.delete(name);
        try {
          return await method.apply(object, args);
        } finally {
          scope?.reads.delete(name);
        }
      };
    },
  });
}

/** `store` with request-scoped caching of account and oidc-model reads; see the file comment. */
export function readCachingStore(store: Store): Store {
  return decorateStore(store, (repository, name) => {
    if (name === 'accounts') return caching(repository, name, ACCOUNT_READS);
    if (name.startsWith('oidc:')) return caching(repository, name, OIDC_READS);
    return repository;
  });
}
