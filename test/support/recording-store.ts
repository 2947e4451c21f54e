// A real store with a log of every write made through it: tests that must show a request changed
// nothing wrap the store they give tobira, and read the log afterwards. The repositories' methods
// are called through unchanged; only the calls that change state are noted.
import type { OidcModelStore, Store } from '../../src/store/types.ts';

/** One call that changed (or may have changed) what the store holds. */
export interface StoreWrite {
  repository: string;
  method: string;
}

/** Port methods that only read; every other method of a repository writes. */
const READS = /^(count|countCreatedSince|find[A-Za-z]*|isRemembered|list[A-Za-z]*)$/;

const REPOSITORIES = [
  'accounts', 'secrets', 'consents', 'passkeys', 'challenges', 'oneTimeCodes', 'counters', 'audit', 'devices',
  'approvals', 'trustedBrowsers', 'blocks', 'recoveryRequests', 'enrolmentTickets',
] as const satisfies ReadonlyArray<keyof Store>;

function recording<T extends object>(target: T, repository: string, writes: StoreWrite[]): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        if (!READS.test(property)) writes.push({ repository, method: property });
        return method.apply(object, args);
      };
    },
  });
}

export interface RecordingStore {
  store: Store;
  /** Every write since the store was made (or since the last `clear`). */
  readonly writes: StoreWrite[];
  clear(): void;
}

export function recordingStore(inner: Store): RecordingStore {
  const writes: StoreWrite[] = [];
  const repositories = Object.fromEntries(REPOSITORIES.map((name) => [name, recording(inner[name], name, writes)]));
  const models = new Map<string, OidcModelStore>();
  const store: Store = {
    ...inner,
    ...repositories,
    kind: inner.kind,
    oidc(model: string): OidcModelStore {
      let wrapped = models.get(model);
      if (!wrapped) {
        wrapped = recording(inner.oidc(model), `oidc:${model}`, writes);
        models.set(model, wrapped);
      }
      return wrapped;
    },
    init: () => inner.init(),
    ping: () => inner.ping(),
    sweepExpired: () => inner.sweepExpired(),
    close: () => inner.close(),
  } as Store;
  return { store, writes, clear: () => { writes.length = 0; } };
}
