// A real store with a log of every write made through it: tests that must show a request changed
// nothing wrap the store they give tobira, and read the log afterwards. The repositories' methods
// are called through unchanged; only the calls that change state are noted.
import { decorateStore } from '../../src/store/decorate.ts';
import type { Store } from '../../src/store/types.ts';

/** One call that changed (or may have changed) what the store holds. */
export interface StoreWrite {
  repository: string;
  method: string;
  /** The first argument when it is a string: the record's id for most writes. */
  key: string | undefined;
}

/** Port methods that only read; every other method of a repository writes. */
const READS = /^(count|countCreatedSince|find[A-Za-z]*|list[A-Za-z]*|window)$/;

function recording<T extends object>(target: T, repository: string, writes: StoreWrite[]): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        if (!READS.test(property)) writes.push({ repository, method: property, key: typeof args[0] === 'string' ? args[0] : undefined });
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
  const store = decorateStore(inner, (repository, name) => recording(repository, name, writes));
  return { store, writes, clear: () => { writes.length = 0; } };
}
