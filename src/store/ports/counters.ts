// Windowed counters: how many times something happened under a key since its window opened. The
// rate limits (limits/) count on them; the store only has to count right when callers race.

export interface CounterRepository {
  /**
   * Counts one hit under `key` and returns the count in the current window, this hit included.
   * Race-safe: N concurrent calls (from any number of processes) get N distinct counts. A window
   * opens with the first hit after the previous one ended and lasts `windowSeconds`; later hits do
   * not extend it. Throws RangeError when `windowSeconds` is not a positive finite number.
   */
  hit(key: string, windowSeconds: number): Promise<number>;
  /** The count under `key` in its current window (0 when none is open). */
  count(key: string): Promise<number>;
  /** The current window under `key`: its count and when it ends; undefined when none is open. */
  window(key: string): Promise<CounterWindow | undefined>;
  /**
   * Ends the current window under `key`, so the count is 0 and the next hit opens a new window.
   * Race-safe with hits: a hit counted before the clear is forgotten, one after it counts 1, 2, ...
   */
  clear(key: string): Promise<void>;
}

export interface CounterWindow {
  count: number;
  endsAt: Date;
}
