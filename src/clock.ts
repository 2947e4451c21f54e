// Every time rule in tobira reads one injected clock (epoch ms), so tests can move time; a service
// built without one (a script, a test that does not care) runs on the real clock.
export type Clock = () => number;

export type Clocked<D extends { now?: Clock }> = D & { now: Clock };

/** The dependencies with their clock filled in. */
export function withClock<D extends { now?: Clock }>(deps: D): Clocked<D> {
  return { ...deps, now: deps.now ?? Date.now };
}
