// Windowed counters in memory. hit() reads and writes with no await in between, so within the
// process N concurrent hits count N.
import type { CounterRepository } from '../types.ts';
import { assertWindowSeconds } from '../arguments.ts';
import { footprintOf, type Footprint } from './footprint.ts';

interface CounterWindow {
  count: number;
  /** Epoch milliseconds: `windowSeconds` after the window's first hit. */
  endsAt: number;
}

export class MemoryCounters implements CounterRepository {
  readonly #now: () => number;
  readonly #windows = new Map<string, CounterWindow>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async hit(key: string, windowSeconds: number): Promise<number> {
    assertWindowSeconds(windowSeconds);
    const now = this.#now();
    const open = this.#windows.get(key);
    if (open && open.endsAt > now) {
      open.count += 1;
      return open.count;
    }
    this.#windows.set(key, { count: 1, endsAt: now + windowSeconds * 1000 });
    return 1;
  }

  async count(key: string): Promise<number> {
    const open = this.#windows.get(key);
    return open && open.endsAt > this.#now() ? open.count : 0;
  }

  async window(key: string): Promise<{ count: number; endsAt: Date } | undefined> {
    const open = this.#windows.get(key);
    return open && open.endsAt > this.#now() ? { count: open.count, endsAt: new Date(open.endsAt) } : undefined;
  }

  async clear(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [key, window] of this.#windows) {
      if (window.endsAt <= now) {
        this.#windows.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  footprint(): Footprint {
    return footprintOf(this.#windows.values());
  }
}
