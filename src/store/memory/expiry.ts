// Expiry for the memory repositories whose records carry an expiry, as store/mongo/expiry.ts does
// for the mongo ones: a record past its expiry is invisible to every read, and sweep() only frees
// the space.

/** `expiresIn` in seconds from `now`, as epoch milliseconds; undefined when the record does not expire. */
export function expiresAtFrom(now: number, expiresIn: number | undefined): number | undefined {
  if (expiresIn === undefined || expiresIn === null) return undefined;
  if (!Number.isFinite(expiresIn)) throw new RangeError(`expiresIn must be a finite number of seconds, got ${expiresIn}`);
  return now + expiresIn * 1000;
}

/** Whether a record expiring at `expiresAt` (epoch ms; null or undefined: never) is still live at `now`. */
export function isLive(expiresAt: number | null | undefined, now: number): boolean {
  return expiresAt === undefined || expiresAt === null || expiresAt > now;
}

