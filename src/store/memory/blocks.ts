// Temporary blocks by key. A new block under the same key replaces the old one; an expired block
// is invisible and left for the sweep.
import type { BlockRepository } from '../types.ts';
import { footprintOf, type Footprint } from './footprint.ts';

interface StoredBlock {
  until: Date;
  reason: string;
}

export class MemoryBlocks implements BlockRepository {
  readonly #now: () => number;
  readonly #byKey = new Map<string, StoredBlock>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async block(key: string, until: Date, reason: string): Promise<void> {
    this.#byKey.set(key, { until: new Date(until), reason });
  }

  async find(key: string): Promise<{ until: Date; reason: string } | undefined> {
    const block = this.#byKey.get(key);
    if (!block || block.until.getTime() <= this.#now()) return undefined;
    return { until: new Date(block.until), reason: block.reason };
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [key, block] of this.#byKey) {
      if (block.until.getTime() <= now) {
        this.#byKey.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  footprint(): Footprint {
    return footprintOf(this.#byKey.values());
  }
}
